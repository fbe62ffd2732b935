#include "https_client.hpp"

#include <memory>
#include <optional>
#include <string_view>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "tls_client.hpp"

namespace slob::plugins::webhook {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;

std::string describe(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "s";
  return std::to_string(d.count()) + "ms";
}

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

PostOutcome classify(int status) {
  if (status >= 200 && status <= 299) return PostOutcome::kDelivered;
  if (status >= 500 || status == 408 || status == 429) return PostOutcome::kRetry;
  return PostOutcome::kRefused;
}

}  // namespace

class PostOperation : public std::enable_shared_from_this<PostOperation> {
 public:
  PostOperation(asio::io_context& io, PostRequest request, std::function<void(PostResult)> done)
      : io_(io),
        request_(std::move(request)),
        peer_(request_.peer.empty() ? request_.url.display() : request_.peer),
        done_(std::move(done)),
        resolver_(io),
        socket_(io),
        timer_(io) {}

  void start() {
    for (const auto& [name, value] : request_.headers) {
      if (auto why = header_problem(name, value); !why.empty())
        return fail_later(PostOutcome::kRefused, why);
    }
    if (request_.url.https) {
      if (auto why = make_tls(); !why.empty()) return fail_later(PostOutcome::kRetry, why);
    }
    timer_.expires_after(request_.timeout);
    timer_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec)
        self->finish(PostOutcome::kRetry, "timed out after " + describe(self->request_.timeout));
    });
    resolver_.async_resolve(
        request_.url.host, std::to_string(request_.url.port),
        [self = shared_from_this()](const error_code& ec, tcp::resolver::results_type r) {
          self->on_resolved(ec, std::move(r));
        });
  }

  // Closes everything without reporting; handlers still queued see finished_ and return.
  void cancel() {
    done_ = nullptr;
    close();
  }

 private:
  // The TLS context and stream for this one request, or why there are none.
  std::string make_tls() {
    tls_context_.emplace(asio::ssl::context::tls_client);
    if (auto ec = tls::trust(*tls_context_, request_.ca_file)) {
      return request_.ca_file.empty()
                 ? "cannot load the system CA store: " + ec.message()
                 : "ca_file " + request_.ca_file + " cannot be loaded: " + ec.message();
    }
    tls_.emplace(std::move(socket_), *tls_context_);
    if (auto s = tls::expect_peer(tls_->native_handle(), request_.url.host); !s) return s.message();
    return "";
  }

  tcp::socket& socket() { return tls_ ? tls_->next_layer() : socket_; }

  // Runs `f` with the stream requests and responses go through.
  template <typename F>
  void with_stream(F&& f) {
    if (tls_) {
      f(*tls_);
    } else {
      f(socket_);
    }
  }

  void on_resolved(const error_code& ec, const tcp::resolver::results_type& results) {
    if (finished_) return;
    if (ec) return finish(PostOutcome::kRetry, "cannot resolve the host: " + ec.message());
    asio::async_connect(socket(), results,
                        [self = shared_from_this()](const error_code& e, const tcp::endpoint&) {
                          self->on_connected(e);
                        });
  }

  void on_connected(const error_code& ec) {
    if (finished_) return;
    if (ec) return finish(PostOutcome::kRetry, "cannot connect: " + ec.message());
    if (!tls_) return send();
    tls_->async_handshake(
        asio::ssl::stream_base::client,
        [self = shared_from_this()](const error_code& e) { self->on_handshake(e); });
  }

  void on_handshake(const error_code& ec) {
    if (finished_) return;
    if (ec) {
      if (auto why = tls::verification_error(tls_->native_handle())) {
        return finish(PostOutcome::kRetry, "certificate verify failed (" + *why + ")");
      }
      return finish(PostOutcome::kRetry, "TLS handshake failed: " + ec.message());
    }
    send();
  }

  void send() {
    request_message_.method(http::verb::post);
    request_message_.target(request_.url.target);
    request_message_.version(11);
    const auto& url = request_.url;
    std::string host = url.host.find(':') == std::string::npos ? url.host : "[" + url.host + "]";
    if (url.port != (url.https ? 443 : 80)) host += ":" + std::to_string(url.port);
    request_message_.set(http::field::host, host);
    request_message_.set(http::field::user_agent, "slob-host");
    request_message_.set(http::field::content_type, request_.content_type);
    request_message_.set(http::field::connection, "close");
    for (const auto& [name, value] : request_.headers) request_message_.set(name, value);
    request_message_.body() = std::move(request_.body);
    request_message_.prepare_payload();  // Content-Length
    with_stream([this](auto& stream) {
      http::async_write(
          stream, request_message_,
          [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_written(ec); });
    });
  }

  void on_written(const error_code& ec) {
    if (finished_) return;
    if (ec) return finish(PostOutcome::kRetry, "sending the request failed: " + ec.message());
    parser_.body_limit(kMaxResponseBody);
    // The header alone first: Beast 1.74 loses the body_limit error of a Content-Length over the
    // limit when body bytes arrive with the header in an eager read (boostorg/beast#2183), and
    // would then read the whole body. Read alone, the header reports it.
    with_stream([this](auto& stream) {
      http::async_read_header(
          stream, buffer_, parser_,
          [self = shared_from_this()](const error_code& e, std::size_t) { self->on_read(e); });
    });
  }

  // After the header, and again after the body if there is one to read. A body over the limit
  // is not kept, but the status line already says what happened.
  void on_read(const error_code& ec) {
    if (finished_) return;
    const bool too_long = ec == http::error::body_limit && parser_.is_header_done();
    if (ec && !too_long)
      return finish(PostOutcome::kRetry, "reading the response failed: " + ec.message());
    if (!too_long && !parser_.is_done()) {
      return with_stream([this](auto& stream) {
        http::async_read(
            stream, buffer_, parser_,
            [self = shared_from_this()](const error_code& e, std::size_t) { self->on_read(e); });
      });
    }
    const int status = static_cast<int>(parser_.get().result_int());
    std::string body = too_long ? std::string() : std::move(parser_.get().body());
    finish(classify(status), "HTTP " + std::to_string(status), status, std::move(body));
  }

  void fail_later(PostOutcome outcome, const std::string& why) {
    asio::post(io_, [self = shared_from_this(), outcome, why] { self->finish(outcome, why); });
  }

  // Reports once and closes everything; handlers still queued see finished_ and return.
  void finish(PostOutcome outcome, const std::string& what, int status = 0, std::string body = {}) {
    if (finished_) return;
    close();
    auto done = std::move(done_);
    done(PostResult{outcome, status, peer_ + ": " + what, std::move(body)});
  }

  void close() {
    finished_ = true;
    timer_.cancel();
    resolver_.cancel();
    error_code ignored;
    socket().close(ignored);
  }

  asio::io_context& io_;
  PostRequest request_;
  const std::string peer_;
  std::function<void(PostResult)> done_;
  tcp::resolver resolver_;
  tcp::socket socket_;  // moved into tls_ for https
  std::optional<asio::ssl::context> tls_context_;
  std::optional<asio::ssl::stream<tcp::socket>> tls_;
  asio::steady_timer timer_;
  http::request<http::string_body> request_message_;
  http::response_parser<http::string_body> parser_;
  boost::beast::flat_buffer buffer_;
  bool finished_ = false;
};

const char* post_outcome_name(PostOutcome outcome) {
  switch (outcome) {
    case PostOutcome::kDelivered: return "delivered";
    case PostOutcome::kRefused: return "refused";
    case PostOutcome::kRetry: return "retry";
  }
  return "unknown";
}

std::string header_problem(const std::string& name, const std::string& value) {
  if (name.empty()) return "a header has an empty name";
  for (const char c : name) {
    if (!is_token_char(c))
      return "header name \"" + name + "\" has a character HTTP does not allow";
  }
  for (const char c : value) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
      return "header \"" + name + "\" has a control character in its value";
    }
  }
  return "";
}

void PostHandle::cancel() {
  if (auto operation = operation_.lock()) operation->cancel();
}

PostHandle http_post(asio::io_context& io, PostRequest request,
                     std::function<void(PostResult)> done) {
  auto operation = std::make_shared<PostOperation>(io, std::move(request), std::move(done));
  operation->start();
  return PostHandle(operation);
}

}  // namespace slob::plugins::webhook
