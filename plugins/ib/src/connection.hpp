#pragma once

// One TWS API socket: TCP connect, the `API\0` + v100..176 handshake (a server below 176 is
// refused), framed reads decoded into Incoming messages, and a paced write queue.
//
// Contract:
// - Every callback runs on the io_context thread. After close() or detach() no callback runs.
// - Any read error, EOF, oversize frame or undecodable message closes the socket and reports
//   on_closed once with the reason; the Connection never reconnects.
// - Lifetime: created with std::make_shared; pending operations hold a reference, so the object
//   outlives its owner until they complete. idle() tells when none is pending, so the plugin can
//   finish stop() only after its code is no longer referenced by the loop.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "incoming.hpp"
#include "pacer.hpp"
#include "slob/sdk/clock.hpp"
#include "slob/sdk/status.hpp"
#include "wire.hpp"

namespace slob::plugins::ib {

class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  virtual void on_handshake(const ServerHello& hello) = 0;
  virtual void on_message(const Incoming& message) = 0;
  // `after_handshake`: the server answered the version exchange before the socket closed.
  virtual void on_closed(const sdk::Status& reason, bool after_handshake) = 0;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::io_context& io, sdk::Clock& clock, ConnectionHandler& handler,
             std::size_t max_messages_per_second);
  ~Connection();

  void open(const std::string& host, std::uint16_t port);
  // Queues one payload (framed here); paced. Ignored once closed.
  void send(std::string payload);
  // Queues several payloads as one write, paced as that many messages: they reach the socket
  // together or not at all. A bracket goes out this way, so a crash between its legs cannot
  // leave a parent IB holds untransmitted (and whose id it counts as used) without its children.
  // `on_written` runs when the bytes are handed to the socket; never when the queue is dropped
  // by close() first (then the peer cannot have seen them).
  void send_together(const std::vector<std::string>& payloads, std::function<void()> on_written = {});
  // Closes without a callback. Idempotent.
  void close();
  // Forgets the handler (the owner is going away) and closes.
  void detach();

  bool idle() const { return pending_ops_ == 0; }
  int server_version() const { return server_version_; }

 private:
  void on_resolved(const boost::system::error_code& ec, boost::asio::ip::tcp::resolver::results_type results);
  void start_read();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  void pump();
  void fail(const sdk::Status& reason);

  sdk::Clock& clock_;
  ConnectionHandler* handler_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::socket socket_;
  Pacer pacer_;
  FrameReader frames_;
  struct Outgoing {
    std::string bytes;     // framed
    std::size_t messages;  // counted by the pacer; 0: not paced (the handshake prefix)
    std::function<void()> on_written;
  };
  std::deque<Outgoing> queue_;
  std::string writing_buffer_;
  bool writing_ = false;
  bool closed_ = false;
  bool connected_ = false;
  int server_version_ = 0;
  int pending_ops_ = 0;
  sdk::TimerId pace_timer_ = sdk::kNoTimer;
  char read_buf_[65536];
};

}  // namespace slob::plugins::ib
