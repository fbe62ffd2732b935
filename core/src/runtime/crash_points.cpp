#include "runtime/crash_points.hpp"

#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>

namespace slob::core {
namespace {

std::uint64_t armed_nth = 0;
std::uint64_t arrivals = 0;

std::string known_points() {
  std::string all;
  for (const auto name : crash_point_names()) all += (all.empty() ? "" : ", ") + std::string(name);
  return all;
}

}  // namespace

const std::vector<std::string_view>& crash_point_names() {
  static const std::vector<std::string_view> names = {
      "before-journal", "after-journal",      "after-send",       "before-ack-record",
      "after-ack",      "before-fill-record", "after-fill-record",
      "after-alert"};
  return names;
}

sdk::Status arm_crash_point(std::string_view spec) {
  detail::armed_point = -1;
  armed_nth = 0;
  arrivals = 0;
  if (spec.empty()) return sdk::Status::ok();
  const auto colon = spec.find(':');
  const std::string_view name = spec.substr(0, colon);
  std::uint64_t nth = 1;
  if (colon != std::string_view::npos) {
    const std::string_view count = spec.substr(colon + 1);
    const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), nth);
    if (ec != std::errc() || end != count.data() + count.size() || nth == 0) {
      return sdk::Status::invalid_argument(std::string(kCrashAtVariable) + "=" + std::string(spec) +
                                           ": the count after ':' must be a whole number >= 1");
    }
  }
  const auto& names = crash_point_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] != name) continue;
    detail::armed_point = static_cast<int>(i);
    armed_nth = nth;
    return sdk::Status::ok();
  }
  return sdk::Status::invalid_argument(std::string(kCrashAtVariable) + "=" + std::string(spec) +
                                       ": unknown crash point \"" + std::string(name) +
                                       "\" (known: " + known_points() + ")");
}

sdk::Status arm_crash_point_from_environment() {
  const char* spec = std::getenv(kCrashAtVariable);
  return arm_crash_point(spec ? spec : "");
}

std::string armed_crash_point() {
  if (detail::armed_point < 0) return "";
  return std::string(crash_point_names()[static_cast<std::size_t>(detail::armed_point)]) + ":" +
         std::to_string(armed_nth);
}

namespace detail {

bool count_arrival() { return ++arrivals == armed_nth; }

void crash_now(CrashPoint point, sdk::Logger& log) {
  log.critical("SLOB_CRASH_POINT",
               std::string(crash_point_names()[static_cast<std::size_t>(point)]) + " reached (" +
                   std::to_string(arrivals) + "): kill -9 now");
  ::kill(::getpid(), SIGKILL);
  // SIGKILL cannot be caught or ignored; this is only for the compiler.
  std::abort();
}

}  // namespace detail
}  // namespace slob::core
