#pragma once

// What the http plugin answers (README.md "Endpoints"), apart from the sockets: a request's
// method, target and the headers that matter in, a response out. Read-only: every answer comes
// from HostServices::read_view or the dashboard page; nothing here can change trading state.
//
// Threading: handle() on the server's thread; the ViewReader it calls must be safe there
// (HostServices::read_view is: it waits for the host's loop, bounded).

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http_config.hpp"
#include "slob/sdk/status.hpp"

namespace slob::plugins::http {

struct HttpRequest {
  std::string_view method;         // "GET"
  std::string_view target;         // "/api/status?x=1"
  std::string_view host;           // the Host header
  std::string_view authorization;  // the Authorization header, or empty
  std::string_view cookie;         // the Cookie header, or empty
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides the security headers
};

// The headers every response carries (README.md "Security headers").
const std::vector<std::pair<std::string, std::string>>& security_headers();

// A response with a plain-text body of one line (`text` and a line end).
HttpResponse text_response(unsigned status, const std::string& text);

class Router {
 public:
  using ViewReader = std::function<sdk::Result<std::string>(std::string_view)>;

  // `port` is the bound port (it names the browser's cookie, so two servers on one host do not
  // share it). The dashboard page is rendered once, here.
  Router(const HttpConfig& config, unsigned port, ViewReader read_view);

  HttpResponse handle(const HttpRequest& request) const;

 private:
  // Whether the request carries the token (header or cookie); true when none is configured.
  bool authorized(const HttpRequest& request) const;
  HttpResponse view(const std::string& name, const std::string& content_type) const;

  std::optional<std::string> token_;
  std::string cookie_name_;
  std::string page_;
  ViewReader read_view_;
};

}  // namespace slob::plugins::http
