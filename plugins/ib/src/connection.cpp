#include "connection.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

namespace slob::plugins::ib {
namespace asio = boost::asio;
using asio::ip::tcp;

Connection::Connection(asio::io_context& io, sdk::Clock& clock, ConnectionHandler& handler,
                       std::size_t max_messages_per_second)
    : clock_(clock),
      handler_(&handler),
      resolver_(io),
      socket_(io),
      pacer_(max_messages_per_second, std::chrono::seconds(1)) {}

Connection::~Connection() {
  if (pace_timer_ != sdk::kNoTimer) clock_.cancel(pace_timer_);
}

void Connection::open(const std::string& host, std::uint16_t port) {
  ++pending_ops_;
  resolver_.async_resolve(host, std::to_string(port),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      tcp::resolver::results_type results) {
                            --self->pending_ops_;
                            self->on_resolved(ec, std::move(results));
                          });
}

void Connection::on_resolved(const boost::system::error_code& ec, tcp::resolver::results_type results) {
  if (closed_) return;
  if (ec) {
    fail(sdk::Status::unavailable("cannot resolve host: " + ec.message()));
    return;
  }
  ++pending_ops_;
  asio::async_connect(socket_, results,
                      [self = shared_from_this()](const boost::system::error_code& cec, const tcp::endpoint&) {
                        --self->pending_ops_;
                        if (self->closed_) return;
                        if (cec) {
                          self->fail(sdk::Status::unavailable("connect failed: " + cec.message()));
                          return;
                        }
                        self->connected_ = true;
                        boost::system::error_code nd;
                        self->socket_.set_option(tcp::no_delay(true), nd);
                        // The prefix is not a request: it does not count against pacing.
                        self->queue_.push_back({encode_handshake_prefix(), 0, {}});
                        self->pump();
                        self->start_read();
                      });
}

void Connection::send(std::string payload) {
  if (closed_) return;
  queue_.push_back({frame(payload), 1, {}});
  if (connected_) pump();
}

void Connection::send_together(const std::vector<std::string>& payloads, std::function<void()> on_written) {
  if (closed_ || payloads.empty()) return;
  Outgoing out{"", payloads.size(), std::move(on_written)};
  for (const auto& p : payloads) out.bytes += frame(p);
  queue_.push_back(std::move(out));
  if (connected_) pump();
}

void Connection::pump() {
  if (writing_ || closed_ || queue_.empty()) return;
  if (queue_.front().messages > 0) {
    if (auto later = pacer_.admit(clock_.now(), queue_.front().messages)) {
      if (pace_timer_ == sdk::kNoTimer) {
        pace_timer_ = clock_.call_at(*later, [weak = weak_from_this()] {
          if (auto self = weak.lock()) {
            self->pace_timer_ = sdk::kNoTimer;
            self->pump();
          }
        });
      }
      return;
    }
  }
  writing_buffer_ = std::move(queue_.front().bytes);
  auto on_written = std::move(queue_.front().on_written);
  queue_.pop_front();
  if (on_written) on_written();
  writing_ = true;
  ++pending_ops_;
  asio::async_write(socket_, asio::buffer(writing_buffer_),
                    [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                      --self->pending_ops_;
                      self->writing_ = false;
                      if (self->closed_) return;
                      if (ec) {
                        self->fail(sdk::Status::io_error("write failed: " + ec.message()));
                        return;
                      }
                      self->pump();
                    });
}

void Connection::start_read() {
  // Acknowledge at once what arrives: a gateway that does not disable Nagle holds its next small
  // message until the previous one is acknowledged, and a delayed ACK (40 ms on Linux) then
  // stalls every exchange of several messages — the handshake and the reconciliation snapshot
  // each took 43 ms against ib-gateway-sim. Linux clears the flag by itself, so it is set again
  // before every read.
#ifdef TCP_QUICKACK
  const int on = 1;
  ::setsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
#endif
  ++pending_ops_;
  socket_.async_read_some(asio::buffer(read_buf_),
                          [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                            --self->pending_ops_;
                            self->on_read(ec, n);
                          });
}

void Connection::on_read(const boost::system::error_code& ec, std::size_t n) {
  if (closed_) return;
  if (ec) {
    fail(ec == asio::error::eof ? sdk::Status::unavailable("peer closed the connection")
                                : sdk::Status::io_error("read failed: " + ec.message()));
    return;
  }
  frames_.append(std::string_view(read_buf_, n));
  // The handler may close or detach us from inside a callback: re-check after each one.
  for (;;) {
    auto next = frames_.next();
    if (!next) {
      fail(next.status());
      return;
    }
    if (!*next) break;
    if (server_version_ == 0) {
      auto hello = decode_server_hello(**next);
      if (!hello) {
        fail(hello.status());
        return;
      }
      if (hello->server_version < kRequiredServerVersion) {
        fail(sdk::Status::failed_precondition("server version " + std::to_string(hello->server_version) +
                                              " is below the required " +
                                              std::to_string(kRequiredServerVersion) +
                                              " (upgrade TWS/IB Gateway to 10.19 or later)"));
        return;
      }
      server_version_ = hello->server_version;
      if (handler_) handler_->on_handshake(*hello);
    } else {
      auto message = decode_incoming(**next);
      if (!message) {
        fail(sdk::Status::corruption("bad message from the gateway: " + message.status().message()));
        return;
      }
      if (handler_) handler_->on_message(*message);
    }
    if (closed_) return;
  }
  start_read();
}

void Connection::fail(const sdk::Status& reason) {
  if (closed_) return;
  ConnectionHandler* h = handler_;
  const bool after_handshake = server_version_ != 0;
  close();
  if (h) h->on_closed(reason, after_handshake);
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  queue_.clear();
  if (pace_timer_ != sdk::kNoTimer) {
    clock_.cancel(pace_timer_);
    pace_timer_ = sdk::kNoTimer;
  }
  boost::system::error_code ec;
  resolver_.cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

void Connection::detach() {
  handler_ = nullptr;
  close();
}

}  // namespace slob::plugins::ib
