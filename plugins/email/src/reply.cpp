#include "reply.hpp"

#include <cctype>
#include <sstream>

namespace slob::plugins::email {

namespace {

constexpr std::size_t kMaxSummary = 300;

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Server text made safe for one log line.
std::string printable(std::string_view s) {
  std::string out(s.substr(0, kMaxSummary));
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 32 || u == 127) c = '?';
  }
  if (s.size() > kMaxSummary) out += "...";
  return out;
}

}  // namespace

std::string Reply::summary() const {
  std::string out = std::to_string(code);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += i == 0 ? " " : " / ";
    out += lines[i];
  }
  while (out.back() == ' ') out.pop_back();  // a bare "354" has no text
  return printable(out);
}

sdk::Result<std::optional<Reply>> ReplyParser::feed(std::string_view line) {
  const auto fail = [&](const std::string& why) -> sdk::Result<std::optional<Reply>> {
    pending_ = {};
    return sdk::Status::corruption(why + ": \"" + printable(line) + "\"");
  };
  if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0])) ||
      !std::isdigit(static_cast<unsigned char>(line[1])) ||
      !std::isdigit(static_cast<unsigned char>(line[2])) || line[0] < '2' || line[0] > '5') {
    return fail("malformed reply line");
  }
  const bool last = line.size() == 3 || line[3] == ' ';
  if (!last && line[3] != '-') return fail("malformed reply line");
  const int code = std::stoi(std::string(line.substr(0, 3)));
  if (!pending_.lines.empty() && code != pending_.code) return fail("reply code changed within a reply");
  if (pending_.lines.size() >= kMaxLines) return fail("reply longer than 100 lines");
  pending_.code = code;
  pending_.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view());
  if (!last) return std::optional<Reply>();
  Reply done = std::move(pending_);
  pending_ = {};
  return std::optional<Reply>(std::move(done));
}

Capabilities parse_capabilities(const Reply& ehlo) {
  Capabilities caps;
  for (std::size_t i = 1; i < ehlo.lines.size(); ++i) {
    std::istringstream words(upper(ehlo.lines[i]));
    std::string keyword;
    words >> keyword;
    if (keyword == "STARTTLS") caps.starttls = true;
    if (keyword == "AUTH") {
      std::string mechanism;
      while (words >> mechanism) {
        if (mechanism == "PLAIN") caps.auth_plain = true;
        if (mechanism == "LOGIN") caps.auth_login = true;
      }
    }
  }
  return caps;
}

}  // namespace slob::plugins::email
