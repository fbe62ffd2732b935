#include "http_routes.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <boost/asio/ip/address.hpp>

#include "dashboard/dashboard_page.hpp"

namespace slob::plugins::http {
namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kPrometheus = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::array<std::string_view, 6> kViews = {"status", "positions", "orders",
                                                    "setups", "trades",    "dashboard"};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Equal without an early exit: the time taken depends on the expected token's length only.
bool same_secret(std::string_view given, const std::string& expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i)
    diff |= static_cast<unsigned char>((i < given.size() ? given[i] : 0) ^ expected[i]);
  return diff == 0;
}

// DNS rebinding: a web page whose name an attacker re-points at 127.0.0.1 sends its own name as
// Host. An IP literal or localhost (any port) is what a person or a proxy on this host sends;
// no Host at all is an HTTP/1.0 client, never a browser.
bool host_allowed(std::string_view host) {
  if (host.empty()) return true;
  std::string_view name = host;
  if (name.front() == '[') {
    const auto close = name.find(']');
    if (close == std::string_view::npos) return false;
    name = name.substr(1, close - 1);
  } else if (const auto colon = name.rfind(':'); colon != std::string_view::npos) {
    name = name.substr(0, colon);
  }
  if (iequals(name, "localhost")) return true;
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(name), ec);
  return !ec;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The value of `key` in a query string, %XX decoded ('+' stays '+': tokens may hold it).
std::optional<std::string> query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != key) continue;
    std::string out;
    const std::string_view raw = pair.substr(eq + 1);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      int hi = 0, lo = 0;
      if (raw[i] == '%' && i + 2 < raw.size() && (hi = hex_digit(raw[i + 1])) >= 0 && (lo = hex_digit(raw[i + 2])) >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
      } else {
        out += raw[i];
      }
    }
    return out;
  }
  return std::nullopt;
}

// The value of cookie `name` in a Cookie header ("a=1; b=2").
std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    const std::string_view pair = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
  }
  return std::nullopt;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& security_headers() {
  // The page is one self-contained document: its own inline script and style, data it fetches
  // from this server, nothing from anywhere else, never framed. No CORS header: other origins
  // cannot read an answer.
  static const std::vector<std::pair<std::string, std::string>> headers = {
      {"Cache-Control", "no-store"},
      {"X-Content-Type-Options", "nosniff"},
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
       "img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
       "frame-ancestors 'none'"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
  };
  return headers;
}

HttpResponse text_response(unsigned status, const std::string& text) {
  HttpResponse r;
  r.status = status;
  r.body = text + "\n";
  return r;
}

Router::Router(const HttpConfig& config, unsigned port, ViewReader read_view)
    : token_(config.bearer_token),
      cookie_name_("slob_http_token_" + std::to_string(port)),
      page_(dashboard::live_page(static_cast<int>(config.refresh.count()))),
      read_view_(std::move(read_view)) {}

bool Router::authorized(const HttpRequest& request) const {
  if (!token_) return true;
  const std::string_view auth = trim(request.authorization);
  if (auth.size() > 7 && iequals(auth.substr(0, 7), "bearer ") &&
      same_secret(trim(auth.substr(7)), *token_))
    return true;
  const auto cookie = cookie_value(request.cookie, cookie_name_);
  return cookie && same_secret(*cookie, *token_);
}

HttpResponse Router::view(const std::string& name, const std::string& content_type) const {
  auto text = read_view_(name);
  if (!text) {
    switch (text.status().code()) {
      case sdk::StatusCode::kNotFound: return text_response(404, text.status().message());
      case sdk::StatusCode::kUnavailable: {
        HttpResponse r = text_response(503, text.status().message());
        r.headers.push_back({"Retry-After", "1"});
        return r;
      }
      default: return text_response(500, text.status().message());
    }
  }
  HttpResponse r;
  r.content_type = content_type;
  r.body = std::move(*text);
  return r;
}

HttpResponse Router::handle(const HttpRequest& request) const {
  if (!host_allowed(request.host)) {
    return text_response(421, "Host \"" + std::string(request.host).substr(0, 200) +
                                  "\" refused: use an IP address or localhost");
  }
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse r = text_response(405, "only GET and HEAD: this server is read-only");
    r.headers.push_back({"Allow", "GET, HEAD"});
    return r;
  }
  const std::string_view target = request.target;
  const auto q = target.find('?');
  const std::string_view path = target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);

  if (token_ && path == "/") {
    // A browser cannot send a bearer header when it opens a page: /?token=<token> once sets
    // an HttpOnly cookie and sends the browser back to the page without it.
    if (const auto given = query_value(query, "token")) {
      if (!same_secret(*given, *token_)) return text_response(401, "wrong token");
      HttpResponse r = text_response(303, "authenticated");
      r.headers.push_back({"Location", "./"});
      r.headers.push_back({"Set-Cookie", cookie_name_ + "=" + *token_ + "; HttpOnly; SameSite=Strict"});
      return r;
    }
  }
  if (!authorized(request)) {
    HttpResponse r = text_response(
        401, "send Authorization: Bearer <token> (a browser: open /?token=<token> once)");
    r.headers.push_back({"WWW-Authenticate", "Bearer realm=\"slob-host\""});
    return r;
  }

  if (path == "/") {
    HttpResponse r;
    r.content_type = "text/html; charset=utf-8";
    r.body = page_;
    return r;
  }
  if (path == "/healthz") return text_response(200, "ok");
  if (path == "/metrics") return view("metrics", std::string(kPrometheus));
  constexpr std::string_view kApi = "/api/";
  if (path.substr(0, kApi.size()) == kApi) {
    const std::string_view name = path.substr(kApi.size());
    if (std::find(kViews.begin(), kViews.end(), name) != kViews.end())
      return view(std::string(name), std::string(kJson));
  }
  return text_response(404, "not found: /, /metrics, /healthz, /api/<status|positions|orders|"
                            "setups|trades|dashboard>");
}

}  // namespace slob::plugins::http
