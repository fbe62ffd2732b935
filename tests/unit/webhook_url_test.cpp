// The URLs the webhook and telegram transports accept, and the one-line refusal of the rest.
#include <catch2/catch.hpp>

#include "http_url.hpp"

using slob::plugins::webhook::parse_http_url;

TEST_CASE("http and https URLs split into host, port and target", "[webhook][url]") {
  struct Row {
    const char* text;
    bool https;
    const char* host;
    int port;
    const char* target;
  };
  const Row rows[] = {
      {"http://127.0.0.1:8080/hook", false, "127.0.0.1", 8080, "/hook"},
      {"https://hooks.example.com/services/T0/B1?x=1&y=2", true, "hooks.example.com", 443,
       "/services/T0/B1?x=1&y=2"},
      {"http://localhost", false, "localhost", 80, "/"},
      {"https://localhost:8443", true, "localhost", 8443, "/"},
      {"https://api.telegram.org/bot123:ABC-def/sendMessage", true, "api.telegram.org", 443,
       "/bot123:ABC-def/sendMessage"},
      {"http://example.com?q=1", false, "example.com", 80, "/?q=1"},
      {"https://[::1]:9443/hook", true, "::1", 9443, "/hook"},
      {"http://[2001:db8::7]/", false, "2001:db8::7", 80, "/"},
      {"http://h:65535/", false, "h", 65535, "/"},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    const auto url = parse_http_url(row.text);
    REQUIRE(url.is_ok());
    CHECK(url->https == row.https);
    CHECK(url->host == row.host);
    CHECK(url->port == row.port);
    CHECK(url->target == row.target);
  }
}

TEST_CASE("anything else is refused with one line naming the URL", "[webhook][url]") {
  const std::pair<const char*, const char*> rows[] = {
      {"ftp://example.com/x", "URL \"ftp://example.com/x\": must start with http:// or https://"},
      {"HTTPS://example.com/", "URL \"HTTPS://example.com/\": must start with http:// or https://"},
      {"example.com/hook", "URL \"example.com/hook\": must start with http:// or https://"},
      {"https:///hook", "URL \"https:///hook\": has no host"},
      {"https://:443/hook", "URL \"https://:443/hook\": has no host"},
      {"https://user:pw@example.com/",
       "URL \"https://user:pw@example.com/\": has user information (@); put credentials in a "
       "header"},
      {"https://example.com/a#frag", "URL \"https://example.com/a#frag\": has a fragment (#)"},
      {"https://exa mple.com/",
       "URL \"https://exa mple.com/\": contains a space or control character"},
      {"https://example.com/\r\nX: y",
       "URL \"https://example.com/\r\nX: y\": contains a space or control character"},
      {"https://ex_ample.com/", "URL \"https://ex_ample.com/\": host has a bad character"},
      {"https://example.com:/",
       "URL \"https://example.com:/\": port must be a number from 1 to 65535"},
      {"https://example.com:0/",
       "URL \"https://example.com:0/\": port must be a number from 1 to 65535"},
      {"https://example.com:65536/",
       "URL \"https://example.com:65536/\": port must be a number from 1 to 65535"},
      {"https://example.com:44x/",
       "URL \"https://example.com:44x/\": port must be a number from 1 to 65535"},
      {"https://example.com:-1/",
       "URL \"https://example.com:-1/\": port must be a number from 1 to 65535"},
      {"https://[::1/", "URL \"https://[::1/\": IPv6 address has no closing ]"},
      {"https://[::1]x/", "URL \"https://[::1]x/\": unexpected text after ]"},
      {"https://[]/", "URL \"https://[]/\": has no host"},
      {"https://[::g]/", "URL \"https://[::g]/\": IPv6 address has a bad character"},
  };
  for (const auto& [text, message] : rows) {
    INFO(text);
    const auto url = parse_http_url(text);
    REQUIRE_FALSE(url.is_ok());
    CHECK(url.status().code() == slob::sdk::StatusCode::kInvalidArgument);
    CHECK(url.status().message() == message);
  }
}

TEST_CASE("display names the peer without the query or a default port", "[webhook][url]") {
  CHECK(parse_http_url("https://127.0.0.1:8443/hook?token=secret")->display() ==
        "https://127.0.0.1:8443/hook");
  CHECK(parse_http_url("https://example.com:443/a")->display() == "https://example.com/a");
  CHECK(parse_http_url("http://example.com:443/a")->display() == "http://example.com:443/a");
  CHECK(parse_http_url("http://[::1]:80")->display() == "http://[::1]/");
}
