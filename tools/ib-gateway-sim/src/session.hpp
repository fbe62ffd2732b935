#pragma once

// One API client connection of the simulator: the `API\0` handshake, framing, and a write queue.
// Decoded messages go to the Gateway; the Session keeps only what is per socket (client id,
// subscriptions), because IB drops every subscription with the socket.
//
// Lifetime: shared_ptr; pending async operations hold a reference. close() is idempotent and
// tells the gateway once.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "wire.hpp"

namespace slob::tools::ib_gateway_sim {

class Gateway;

struct KeepUpToDate {
  std::int64_t req_id = 0;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Gateway& gateway, boost::asio::ip::tcp::socket socket, int id);

  void start();
  void close();
  // Frames and queues one payload; dropped while the gateway is silent or after close().
  void send(const std::string& payload);

  int id() const { return id_; }
  bool api_started() const { return api_started_; }
  std::int64_t client_id() const { return client_id_; }
  void set_client(std::int64_t client_id) {
    client_id_ = client_id;
    api_started_ = true;
  }

  std::set<std::int64_t> realtime_bars;    // reqIds of 5-second bar subscriptions
  std::set<std::int64_t> keep_up_to_date;  // reqIds of keepUpToDate history
  std::set<std::int64_t> market_data;      // reqIds of reqMktData
  bool positions_subscribed = false;       // reqPositions until cancelPositions

 private:
  enum class Stage { kPrefix, kVersion, kApi };

  void read();
  void on_bytes();
  void write_next();

  Gateway& gateway_;
  boost::asio::ip::tcp::socket socket_;
  int id_;
  Stage stage_ = Stage::kPrefix;
  std::string prefix_;
  plugins::ib::FrameReader frames_;
  char buf_[16384];
  std::deque<std::string> out_;
  bool writing_ = false;
  bool closed_ = false;
  bool api_started_ = false;
  std::int64_t client_id_ = -1;
};

}  // namespace slob::tools::ib_gateway_sim
