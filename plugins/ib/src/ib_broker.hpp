#pragma once

// sdk::Broker for Interactive Brokers TWS / IB Gateway over the socket API (server version 176).
//
// Contract (on top of broker.hpp):
// - One io_context (HostServices::io_context()), no threads; every timer through
//   HostServices::clock(): connect timeout, heartbeat, request timeouts, bar watchdog, pacing.
// - connect() makes one attempt. The orders channel is kUp only after both nextValidId and a
//   non-empty managedAccounts. EOF before nextValidId, error 326 (clientId in use) and a server
//   below version 176 are reported kDown with fatal=true; every other loss is kDown, fatal=false.
// - Heartbeat: reqCurrentTime every heartbeat_interval; no answer within heartbeat_timeout drops
//   the socket (a stalled gateway) and reports kDown. Each answer's round trip goes to
//   BrokerListener::on_heartbeat (steady clock: a duration, not a timer).
// - 1100/2110: orders kDegraded (no new orders), socket kept. 1101: orders kUp, every
//   subscription re-issued, market data kUp with resubscribe. 1102: orders kUp, watchdogs
//   re-armed. 2103/2105 degrade and 2104/2106/2158 restore market data only.
// - Subscriptions survive reconnects inside the plugin: after each connect the front month is
//   re-resolved (CONTFUT contract details) and every subscription re-issued with a backfill from
//   the end of what was delivered. Calling subscribe() again is harmless.
// - Live executions are delivered once, with their commission (waiting up to commission_wait).
// - Positions stay subscribed (reqPositions after every connect, never cancelled): a change IB
//   pushes outside an answer we asked for goes to on_position, whoever caused it.
// - stop() disconnects and calls `done` once no socket operation of the plugin is pending.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bar_feed.hpp"
#include "connection.hpp"
#include "ib_config.hpp"
#include "order_tracker.hpp"
#include "slob/sdk/broker.hpp"
#include "slob/sdk/host_services.hpp"
#include "snapshot.hpp"

namespace slob::plugins::ib {

class IbBroker final : public sdk::Broker, private ConnectionHandler, private BarFeedOutput {
 public:
  IbBroker(sdk::HostServices& host, IbConfig config);
  ~IbBroker() override;

  void set_listener(sdk::BrokerListener& listener) override;
  sdk::Status connect() override;
  void disconnect() override;
  sdk::Status subscribe(const sdk::MarketDataRequest& request) override;
  sdk::Status place_bracket(const sdk::BracketOrder& order) override;
  sdk::Status cancel_order(const std::string& client_ref) override;
  sdk::Status flatten(const std::string& symbol, const std::string& client_ref,
                      std::int64_t broker_order_id) override;
  sdk::Status request_snapshot(sdk::Time executions_since) override;
  void stop(std::function<void()> done) override;

 private:
  enum class Phase { kIdle, kConnecting, kAwaitReady, kReady };

  struct PendingExecution {
    sdk::Execution execution;
    sdk::TimerId timer = sdk::kNoTimer;
  };
  struct PendingFlatten {
    std::string symbol;
    std::string client_ref;
    std::int64_t order_id = 0;
    // IB reports each contract's position whole: the last report per (account, conId) counts.
    std::map<std::pair<std::string, std::int64_t>, double> positions;
    std::optional<Contract> contract;
  };
  // What one reqPositions answer (positions up to positionEnd) is for. IB answers requests on a
  // socket in order, so the answers in progress are a queue; a position outside any answer is
  // an update IB pushed on the standing subscription.
  enum class PositionsFor { kSubscription, kSnapshot, kFlatten };

  // ConnectionHandler
  void on_handshake(const ServerHello& hello) override;
  void on_message(const Incoming& message) override;
  void on_closed(const sdk::Status& reason, bool after_handshake) override;
  // BarFeedOutput
  void send_request(const Payload& payload) override;
  std::int64_t next_request_id() override { return next_req_id_++; }
  void feed_health(bool healthy, const std::string& reason) override;

  void emit(sdk::Channel channel, sdk::Health health, const std::string& reason, bool fatal = false,
            bool resubscribe = false);
  void lose(const std::string& reason, bool fatal);
  void teardown(const std::string& reason);
  void check_ready();
  void schedule_heartbeat();
  void send_heartbeat();
  void resolve_contract();
  void on_contract_end();
  void handle_error(const ErrorMsg& e);
  void handle_open_order(const OrderMsg& m);
  void handle_execution(const ExecDetailsMsg& m);
  void handle_commission(const CommissionReportMsg& m);
  void handle_position(const PositionMsg& m);
  void handle_position_end();
  void request_positions(PositionsFor purpose);
  void deliver_execution(const std::string& exec_id);
  void maybe_finish_snapshot();
  void fail_snapshot(const sdk::Status& status);
  void cancel_timer(sdk::TimerId& id);
  std::int64_t min_order_id() const;
  sdk::Status order_channel_ready() const;
  void poll_stopped(std::function<void()> done, int attempts);

  sdk::HostServices& host_;
  IbConfig config_;
  const date::time_zone* zone_;
  sdk::BrokerListener* listener_ = nullptr;
  std::shared_ptr<Connection> connection_;
  std::vector<std::weak_ptr<Connection>> retired_;
  BarFeed feed_;
  OrderTracker tracker_;

  Phase phase_ = Phase::kIdle;
  bool got_next_id_ = false;
  bool saw_326_ = false;
  bool orders_offline_ = false;
  bool farm_degraded_ = false;
  sdk::Health md_health_ = sdk::Health::kDown;
  int ready_sessions_ = 0;
  std::vector<std::string> accounts_;
  std::int64_t next_valid_id_ = 0;
  // Order ids only rise. `max_used_id_`: the highest id queued or written on this connection
  // (a bracket still waiting in the pacer holds its ids); `max_written_id_`: the highest ever
  // handed to a socket. When a connection ends its unwritten queue is dropped, so the ids only
  // it held become usable again: the host's re-send of that bracket, under the same ids, is
  // accepted instead of refused as a reuse.
  std::int64_t max_used_id_ = 0;
  std::int64_t max_written_id_ = 0;
  std::int64_t next_req_id_ = 1;

  std::int64_t contract_req_id_ = 0;
  std::optional<ContractDetailsMsg> candidate_;
  std::optional<Contract> front_;

  std::optional<SnapshotCollector> snapshot_;
  std::optional<PendingFlatten> flatten_;
  std::deque<PositionsFor> position_answers_;
  std::map<std::string, PendingExecution> pending_executions_;

  sdk::TimerId connect_timer_ = sdk::kNoTimer;
  sdk::TimerId heartbeat_timer_ = sdk::kNoTimer;
  sdk::TimerId heartbeat_deadline_ = sdk::kNoTimer;
  // When the unanswered reqCurrentTime left (on this connection), for its round trip.
  std::optional<std::chrono::steady_clock::time_point> heartbeat_sent_;
  sdk::TimerId contract_timer_ = sdk::kNoTimer;
  sdk::TimerId refresh_timer_ = sdk::kNoTimer;
  sdk::TimerId snapshot_timer_ = sdk::kNoTimer;
  sdk::TimerId stop_timer_ = sdk::kNoTimer;
};

}  // namespace slob::plugins::ib
