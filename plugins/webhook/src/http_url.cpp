#include "http_url.hpp"

#include <charconv>

namespace slob::plugins::webhook {
namespace {

sdk::Status refuse(std::string_view text, const std::string& why) {
  return sdk::Status::invalid_argument("URL \"" + std::string(text) + "\": " + why);
}

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.';
}

bool is_ipv6_char(char c) {
  return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9') || c == ':' ||
         c == '.';
}

}  // namespace

std::string HttpUrl::display() const {
  std::string s = https ? "https://" : "http://";
  s += host.find(':') == std::string::npos ? host : "[" + host + "]";
  if (port != (https ? 443 : 80)) s += ":" + std::to_string(port);
  s += target.substr(0, target.find('?'));
  return s;
}

sdk::Result<HttpUrl> parse_http_url(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return refuse(text, "contains a space or control character");
    }
  }
  HttpUrl url;
  std::string_view rest;
  if (text.starts_with("https://")) {
    url.https = true;
    rest = text.substr(8);
  } else if (text.starts_with("http://")) {
    rest = text.substr(7);
  } else {
    return refuse(text, "must start with http:// or https://");
  }
  if (rest.find('#') != std::string_view::npos) return refuse(text, "has a fragment (#)");
  const auto authority_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authority_end);
  if (authority_end != std::string_view::npos) url.target = std::string(rest.substr(authority_end));
  if (url.target.empty() || url.target.front() == '?') url.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) {
    return refuse(text, "has user information (@); put credentials in a header");
  }

  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  const bool ipv6 = authority.starts_with("[");
  if (ipv6) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return refuse(text, "IPv6 address has no closing ]");
    host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(":")) return refuse(text, "unexpected text after ]");
    has_port = !after.empty();
    if (has_port) port = after.substr(1);
  } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    has_port = true;
  }
  if (host.empty()) return refuse(text, "has no host");
  for (const char c : host) {
    if (!(ipv6 ? is_ipv6_char(c) : is_host_char(c))) {
      return refuse(text, ipv6 ? "IPv6 address has a bad character" : "host has a bad character");
    }
  }
  url.host = std::string(host);

  url.port = url.https ? 443 : 80;
  if (has_port) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 ||
        value > 65535) {
      return refuse(text, "port must be a number from 1 to 65535");
    }
    url.port = static_cast<std::uint16_t>(value);
  }
  return url;
}

}  // namespace slob::plugins::webhook
