#include "manual_actions.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

namespace slob::plugins::sim {
namespace {

constexpr std::int64_t kMaxQuantity = 1000;  // a hand-typed order, not a fat finger of 1e9

}  // namespace

sdk::Result<std::vector<ManualAction>> load_manual_actions(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return sdk::Status::io_error(path + ": cannot open manual actions: " + std::strerror(errno));
  std::vector<ManualAction> actions;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const std::string where = path + ":" + std::to_string(number);
    auto fail = [&](const std::string& why) { return sdk::Status::invalid_argument(where + ": " + why); };
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream words(line);
    std::string time_text, verb, argument, extra;
    if (!(words >> time_text)) continue;  // blank or comment only
    words >> verb >> argument >> extra;
    if (!extra.empty()) return fail("unexpected \"" + extra + "\" after the action");
    ManualAction a;
    a.where = where;
    const auto t = sdk::parse_rfc3339(time_text);
    if (!t) return fail("not an RFC 3339 UTC time such as \"2026-01-14T15:40:00Z\": \"" + time_text + "\"");
    a.time = *t;
    if (verb == "buy" || verb == "sell") {
      a.verb = verb == "buy" ? ManualAction::Verb::kBuy : ManualAction::Verb::kSell;
      const char* end = argument.data() + argument.size();
      const auto [p, ec] = std::from_chars(argument.data(), end, a.quantity);
      if (argument.empty() || ec != std::errc() || p != end || a.quantity <= 0 || a.quantity > kMaxQuantity)
        return fail(verb + " needs a quantity from 1 to " + std::to_string(kMaxQuantity) + ", got \"" + argument + "\"");
    } else if (verb == "cancel") {
      a.verb = ManualAction::Verb::kCancel;
      if (argument.empty()) return fail("cancel needs the order's client reference (slob:...)");
      a.client_ref = argument;
    } else if (verb == "close") {
      a.verb = ManualAction::Verb::kClose;
      if (!argument.empty()) return fail("close takes no argument, got \"" + argument + "\"");
    } else {
      return fail("unknown action \"" + verb + "\" (buy N, sell N, cancel REF, close)");
    }
    actions.push_back(std::move(a));
  }
  if (in.bad()) return sdk::Status::io_error(path + ": cannot read manual actions: " + std::strerror(errno));
  std::stable_sort(actions.begin(), actions.end(),
                   [](const ManualAction& x, const ManualAction& y) { return x.time < y.time; });
  return actions;
}

}  // namespace slob::plugins::sim
