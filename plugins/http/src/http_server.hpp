#pragma once

// The http plugin's server: HTTP/1.1 (Boost.Beast) on a thread and an io_context of its own —
// trading runs on the host's loop and never shares a thread with a client, however hostile.
//
// Limits (README.md "Limits"): at most `max_connections` open connections (one more is reset as
// soon as it is accepted); a request's line and headers within `max_header_bytes` (431) and
// complete within `header_timeout` from the connection or from its first byte on a kept-alive
// connection, which waits at most `idle_timeout` for it; no request body (413); one request at
// a time per connection.
//
// Threading: the constructor binds on the calling thread; every handler runs on the server's
// thread, and so does Router::handle() (which waits for the host's loop in read_view). stop()
// and the destructor from any other thread: they stop the loop, join the thread and close every
// socket; the port is free when stop() returns.

#include <cstddef>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http_config.hpp"
#include "http_routes.hpp"

namespace slob::plugins::http {

class HttpServer {
 public:
  // Takes the listening descriptor (listen_socket.hpp) and starts serving; `read_view` answers
  // the views (Router).
  HttpServer(const HttpConfig& config, int listen_fd, Router::ViewReader read_view);
  ~HttpServer() { stop(); }
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void stop();
  // "http://127.0.0.1:8787/": where it listens, the actual port.
  const std::string& url() const { return url_; }
  unsigned port() const { return port_; }

  // What sessions share with the server; outlives both (held by each).
  struct Shared {
    HttpConfig config;
    Router router;
    std::size_t open = 0;  // connections being served; server thread only
  };

 private:
  void accept();

  std::shared_ptr<Shared> shared_;
  std::unique_ptr<boost::asio::io_context> io_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::unique_ptr<boost::asio::steady_timer> retry_;  // after a failed accept (EMFILE)
  std::string url_;
  unsigned port_ = 0;
  std::thread thread_;
};

}  // namespace slob::plugins::http
