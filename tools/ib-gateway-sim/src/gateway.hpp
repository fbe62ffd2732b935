#pragma once

// The scriptable fake IB Gateway: server version 176 on 127.0.0.1, a market feed, an order book,
// an inbound-message log, and fault injection through a line-based control port (README.md).
//
// Threading: one io_context, one thread. Real time (this is a tool, not a plugin) drives the
// bar timer and currentTime; market time advances 5 s per emitted bar.

#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "latency_probe.hpp"
#include "market.hpp"
#include "order_book.hpp"
#include "session.hpp"
#include "slob/sdk/status.hpp"
#include "wire.hpp"

namespace slob::tools::ib_gateway_sim {

struct GatewayOptions {
  std::uint16_t port = 0;          // 0: ephemeral
  std::uint16_t control_port = 0;  // 0: ephemeral
  std::string log_path;            // inbound messages, one line each, fields joined by '|'
  std::string port_file;           // "api=<port>\ncontrol=<port>\n" written once listening
  int server_version = plugins::ib::kRequiredServerVersion;
  std::string accounts = "DU1234567";
  std::int64_t next_valid_id = 1;
  double price = 21000.0;
  std::chrono::milliseconds bar_interval{5000};
  std::optional<std::int64_t> start_time;  // market time of the first bar (epoch s); default now
  std::uint64_t seed = 1;
  double net_liquidation = 100000.0;
  double commission = 2.25;  // per contract
  std::string script_path;   // optional CSV of 5-second bars
  bool cme_hours = false;    // realistic CME sessions instead of always open
  // Bench-only (latency_probe.hpp): trials instead of the timed bar stream; 0 = off.
  int bench_trials = 0;
  std::string bench_out;
  std::chrono::milliseconds bench_spacing{75};
};

class Gateway {
 public:
  Gateway(boost::asio::io_context& io, GatewayOptions options);

  sdk::Status start();
  std::uint16_t api_port() const { return api_port_; }
  std::uint16_t control_port() const { return control_port_; }

  // From sessions.
  void on_version(Session& s, const std::string& payload);
  void on_message(Session& s, const std::string& payload);
  void on_session_closed(int id);
  bool silent() const { return silent_; }
  void log_note(const std::string& text);

  // One control command; returns the reply line (without newline).
  std::string control(const std::string& line);

 private:
  void accept();
  void accept_control();
  void schedule_tick();
  void tick();
  // Sends the next 5-second bar to every subscriber (the timed stream and the latency probe).
  void emit_bar();
  void log_fields(const std::vector<std::string_view>& fields);
  void notify(std::int64_t client_id, const std::string& payload);
  void broadcast(const std::string& payload);
  // A changed position, to every session subscribed with reqPositions (IB: whoever traded).
  void push_position(const SimPosition& position);
  void drop_all();
  sdk::Status open_api_acceptor();
  std::int64_t real_now() const;
  FrontMonth front_month() const;

  // requests.cpp: one handler per inbound message id.
  void dispatch(Session& s, const std::vector<std::string_view>& fields);
  void on_start_api(Session& s, plugins::ib::FieldReader& r);
  void on_contract_details(Session& s, plugins::ib::FieldReader& r);
  void on_historical(Session& s, plugins::ib::FieldReader& r);
  void on_realtime_bars(Session& s, plugins::ib::FieldReader& r);
  void on_mkt_data(Session& s, plugins::ib::FieldReader& r);
  void on_place_order(Session& s, const std::vector<std::string_view>& fields);
  void on_open_orders(Session& s, bool all);
  void on_completed_orders(Session& s);
  void on_executions(Session& s, plugins::ib::FieldReader& r);
  void on_positions(Session& s);
  void on_account_summary(Session& s, plugins::ib::FieldReader& r);

  boost::asio::io_context& io_;
  GatewayOptions options_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::acceptor control_acceptor_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer refuse_timer_;
  std::uint16_t api_port_ = 0;
  std::uint16_t control_port_ = 0;
  std::ofstream log_;
  std::map<int, std::shared_ptr<Session>> sessions_;
  int next_session_id_ = 1;
  MarketFeed feed_;
  OrderBook book_;
  std::int64_t next_valid_id_;
  std::int64_t front_month_offset_ = 0;  // quarters rolled by the `roll` command
  bool silent_ = false;
  bool bars_on_ = true;
  // `orders hold`: placeOrder messages wait here, unanswered and not in the book, until
  // `orders release` handles them in arrival order (an order whose outcome the client cannot know).
  bool holding_orders_ = false;
  std::vector<std::pair<int, std::string>> held_orders_;  // session id, payload
  bool refusing_ = false;
  std::set<std::int64_t> in_use_client_ids_;  // answered with 326
  int market_data_type_ = 1;
  LatencyProbe probe_;
};

}  // namespace slob::tools::ib_gateway_sim
