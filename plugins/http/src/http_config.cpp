#include "http_config.hpp"

#include <algorithm>
#include <cctype>

#include <boost/asio/ip/address.hpp>

#include "secret_file.hpp"

namespace slob::plugins::http {
namespace {

// RFC 6750's b64token characters: safe in a header, a cookie and a query string as they are.
bool token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~' || c == '+' || c == '/' || c == '=';
}

constexpr std::size_t kMinTokenLength = 16;

// A duration key in whole milliseconds within [min, max]; the fallback when absent or wrong.
std::chrono::milliseconds millis(sdk::ConfigReader& reader, const std::string& key,
                                 std::chrono::milliseconds fallback, sdk::Duration min,
                                 sdk::Duration max) {
  const sdk::Duration d = reader.get_duration(key, fallback);
  if (d < min || d > max || d % std::chrono::milliseconds(1) != sdk::Duration::zero()) {
    reader.add_error(key, key + " must be whole milliseconds from " + sdk::format_duration(min) +
                              " to " + sdk::format_duration(max) + ", got " +
                              sdk::format_duration(d));
    return fallback;
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(d);
}

}  // namespace

sdk::Result<HttpConfig> parse_http_config(const sdk::ConfigTable& table,
                                          const std::string& config_dir) {
  sdk::ConfigReader reader(table);
  HttpConfig out;

  out.address = reader.get_string("address", out.address);
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(out.address, ec);
  if (ec) {
    reader.add_error("address", "address must be an IPv4 or IPv6 address (not a name), got \"" +
                                    out.address + "\"");
  }
  out.port = static_cast<std::uint16_t>(reader.get_int("port", out.port, 0, 65535));

  out.bearer_token = read_secret(reader, "bearer_token", config_dir, false);
  if (out.bearer_token) {
    const std::string key = reader.has("bearer_token") ? "bearer_token" : "bearer_token_file";
    const std::string& t = *out.bearer_token;
    if (t.size() < kMinTokenLength || !std::all_of(t.begin(), t.end(), token_char)) {
      reader.add_error(key, "the bearer token must be at least 16 characters of A-Z a-z 0-9 "
                            "- . _ ~ + / = (e.g. `openssl rand -hex 32`)");
    }
  }
  if (!ec && !address.is_loopback() && !out.bearer_token &&
      !reader.has("bearer_token") && !reader.has("bearer_token_file")) {
    reader.add_error("address", "address " + out.address +
                                    " is not a loopback address: set bearer_token or "
                                    "bearer_token_file (anyone who reaches the port would read "
                                    "the positions and trades)");
  }

  out.max_connections =
      static_cast<std::size_t>(reader.get_int("max_connections", 64, 1, 1024));
  out.max_header_bytes =
      static_cast<std::size_t>(reader.get_int("max_header_bytes", 8192, 1024, 65536));
  out.header_timeout = millis(reader, "header_timeout", out.header_timeout,
                              std::chrono::milliseconds(100), std::chrono::minutes(5));
  out.idle_timeout = millis(reader, "idle_timeout", out.idle_timeout,
                            std::chrono::milliseconds(100), std::chrono::hours(1));
  out.refresh = millis(reader, "refresh", out.refresh, std::chrono::milliseconds(250),
                       std::chrono::hours(1));

  if (auto st = reader.finish(); !st) return st;
  return out;
}

}  // namespace slob::plugins::http
