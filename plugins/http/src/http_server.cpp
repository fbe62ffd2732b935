#include "http_server.hpp"

#include <cstdint>
#include <optional>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace slob::plugins::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

std::string_view view_of(beast::string_view s) { return {s.data(), s.size()}; }

// One connection: read a request under a deadline, answer it, and wait (bounded) for the next.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<HttpServer::Shared> shared)
      : socket_(std::move(socket)), deadline_(socket_.get_executor()), shared_(std::move(shared)) {
    ++shared_->open;
  }
  ~Session() { --shared_->open; }

  void start() { read_request(); }

 private:
  // Closes the socket (ending whatever is pending) when `after` passes before disarm().
  void arm(std::chrono::milliseconds after) {
    const std::uint64_t generation = ++generation_;
    deadline_.expires_after(after);
    deadline_.async_wait([self = shared_from_this(), generation](error_code ec) {
      if (!ec && generation == self->generation_) self->close();
    });
  }
  void disarm() {
    ++generation_;
    deadline_.cancel();
  }
  void close() {
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  void read_request() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_->config.max_header_bytes));
    parser_->body_limit(0);
    arm(shared_->config.header_timeout);
    bhttp::async_read(socket_, buffer_, *parser_,
                      [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(error_code ec) {
    disarm();
    if (ec == bhttp::error::header_limit) return answer(text_response(431, "request header too large"), false);
    if (ec == bhttp::error::body_limit) return answer(text_response(413, "no request body is accepted"), false);
    if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::eof || ec == asio::error::bad_descriptor)
      return close();
    if (ec) return answer(text_response(400, "bad request"), false);

    const auto& req = parser_->get();
    const HttpRequest request{view_of(req.method_string()), view_of(req.target()),
                              view_of(req[bhttp::field::host]),
                              view_of(req[bhttp::field::authorization]),
                              view_of(req[bhttp::field::cookie])};
    head_ = req.method() == bhttp::verb::head;
    answer(shared_->router.handle(request), req.keep_alive());
  }

  void answer(HttpResponse r, bool keep_alive) {
    response_ = {};
    response_.version(11);
    response_.result(r.status);
    response_.set(bhttp::field::server, "slob-host");
    response_.set(bhttp::field::content_type, r.content_type);
    for (const auto& [name, value] : security_headers()) response_.set(name, value);
    for (const auto& [name, value] : r.headers) response_.set(name, value);
    response_.keep_alive(keep_alive);
    response_.content_length(r.body.size());
    if (!head_) response_.body() = std::move(r.body);
    head_ = false;
    arm(shared_->config.header_timeout);  // a client that does not read cannot hold us
    bhttp::async_write(socket_, response_,
                       [self = shared_from_this(), keep_alive](error_code ec, std::size_t) {
                         self->disarm();
                         if (ec || !keep_alive) return self->close();
                         self->wait_for_request();
                       });
  }

  void wait_for_request() {
    if (buffer_.size() > 0) return read_request();  // the next request is already here
    arm(shared_->config.idle_timeout);
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](error_code ec) {
      self->disarm();
      if (ec) return self->close();
      self->read_request();
    });
  }

  tcp::socket socket_;
  asio::steady_timer deadline_;
  std::uint64_t generation_ = 0;
  std::shared_ptr<HttpServer::Shared> shared_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::empty_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
  bool head_ = false;
};

std::string url_of(const tcp::endpoint& at) {
  const std::string host = at.address().is_v6() ? "[" + at.address().to_string() + "]"
                                                : at.address().to_string();
  return "http://" + host + ":" + std::to_string(at.port()) + "/";
}

}  // namespace

HttpServer::HttpServer(const HttpConfig& config, int listen_fd, Router::ViewReader read_view)
    : io_(std::make_unique<asio::io_context>(1)) {
  acceptor_ = std::make_unique<tcp::acceptor>(*io_);
  retry_ = std::make_unique<asio::steady_timer>(*io_);
  error_code ec;
  sockaddr_storage storage{};
  socklen_t size = sizeof storage;
  ::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&storage), &size);
  const tcp protocol = storage.ss_family == AF_INET6 ? tcp::v6() : tcp::v4();
  acceptor_->assign(protocol, listen_fd);
  const tcp::endpoint at = acceptor_->local_endpoint(ec);
  port_ = at.port();
  url_ = url_of(at);
  shared_ = std::make_shared<Shared>(Shared{config, Router(config, port_, std::move(read_view)), 0});
  accept();
  thread_ = std::thread([io = io_.get()] {
    // A handler that throws (only allocation can) loses its connection, not the server.
    for (;;) {
      try {
        io->run();
        return;
      } catch (const std::exception&) {
      }
    }
  });
}

void HttpServer::accept() {
  acceptor_->async_accept([this](error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors or buffers: try again shortly instead of spinning.
      retry_->expires_after(std::chrono::milliseconds(100));
      retry_->async_wait([this](error_code e) {
        if (!e) accept();
      });
      return;
    }
    if (shared_->open >= shared_->config.max_connections) {
      // Reset at once: no TIME_WAIT, no buffers kept for a connection beyond the limit.
      error_code ignored;
      socket.set_option(asio::socket_base::linger(true, 0), ignored);
      socket.close(ignored);
    } else {
      std::make_shared<Session>(std::move(socket), shared_)->start();
    }
    accept();
  });
}

void HttpServer::stop() {
  if (!io_) return;
  io_->stop();
  if (thread_.joinable()) thread_.join();
  // Closes the port, then every connection (their handlers own them).
  retry_.reset();
  acceptor_.reset();
  io_.reset();
}

}  // namespace slob::plugins::http
