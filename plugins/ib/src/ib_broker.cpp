// IbBroker: connection lifecycle, health, heartbeat, contract resolution and message dispatch.
// Orders, snapshots and executions are in ib_broker_orders.cpp.
#include "ib_broker.hpp"

#include <algorithm>
#include <variant>

#include "ib_time.hpp"
#include "outgoing.hpp"

namespace slob::plugins::ib {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::string ms(sdk::Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

}  // namespace

IbBroker::IbBroker(sdk::HostServices& host, IbConfig config)
    : host_(host),
      config_(std::move(config)),
      zone_(config_.gateway_timezone == "UTC" ? nullptr : find_zone(config_.gateway_timezone)),
      feed_(host, *this, config_, zone_) {}

IbBroker::~IbBroker() {
  // The listener may already be gone: tear down silently.
  listener_ = nullptr;
  teardown("broker destroyed");
  cancel_timer(stop_timer_);
}

void IbBroker::set_listener(sdk::BrokerListener& listener) {
  listener_ = &listener;
  feed_.set_listener(&listener);
}

void IbBroker::emit(sdk::Channel channel, sdk::Health health, const std::string& reason, bool fatal, bool resubscribe) {
  if (channel == sdk::Channel::kMarketData) {
    if (health == md_health_ && !resubscribe) return;
    md_health_ = health;
  }
  sdk::HealthEvent e;
  e.channel = channel;
  e.health = health;
  e.reason = reason;
  e.fatal = fatal;
  e.resubscribe = resubscribe;
  if (channel == sdk::Channel::kOrders && health == sdk::Health::kUp) e.next_valid_order_id = next_valid_id_;
  if (listener_) listener_->on_health(e);
}

void IbBroker::cancel_timer(sdk::TimerId& id) {
  if (id != sdk::kNoTimer) host_.clock().cancel(id);
  id = sdk::kNoTimer;
}

void IbBroker::send_request(const Payload& payload) {
  if (!payload) {
    host_.logger().error("SLOB_IB_ENCODE_FAILED", payload.status().message());
    return;
  }
  if (connection_) connection_->send(*payload);
}

sdk::Status IbBroker::connect() {
  if (phase_ != Phase::kIdle) return sdk::Status::failed_precondition("ib: already connecting or connected");
  if (!listener_) return sdk::Status::failed_precondition("ib: set_listener() must be called before connect()");
  phase_ = Phase::kConnecting;
  retired_.erase(std::remove_if(retired_.begin(), retired_.end(), [](const auto& w) { return w.expired(); }),
                 retired_.end());
  connection_ = std::make_shared<Connection>(host_.io_context(), host_.clock(), static_cast<ConnectionHandler&>(*this),
                                             static_cast<std::size_t>(config_.max_messages_per_second));
  retired_.push_back(connection_);
  host_.logger().info("SLOB_IB_CONNECTING", "connecting to " + config_.host + ":" + std::to_string(config_.port) +
                                                " as clientId " + std::to_string(config_.client_id));
  emit(sdk::Channel::kOrders, sdk::Health::kConnecting, "connecting to " + config_.host + ":" + std::to_string(config_.port));
  connect_timer_ = host_.clock().call_after(config_.connect_timeout, [this] {
    connect_timer_ = sdk::kNoTimer;
    const std::string reason = "connect timeout: not ready within " + ms(config_.connect_timeout);
    host_.logger().error("SLOB_IB_CONNECT_TIMEOUT", reason);
    lose(reason, false);
  });
  connection_->open(config_.host, static_cast<std::uint16_t>(config_.port));
  return sdk::Status::ok();
}

void IbBroker::disconnect() {
  if (phase_ == Phase::kIdle) return;
  host_.logger().info("SLOB_IB_DISCONNECTED", "disconnected on request");
  lose("disconnected on request", false);
}

void IbBroker::teardown(const std::string& reason) {
  cancel_timer(connect_timer_);
  cancel_timer(heartbeat_timer_);
  cancel_timer(heartbeat_deadline_);
  heartbeat_sent_.reset();
  cancel_timer(contract_timer_);
  cancel_timer(refresh_timer_);
  // Fills received are never dropped: deliver them without their commission.
  std::vector<std::string> ids;
  for (const auto& [id, p] : pending_executions_) ids.push_back(id);
  for (const auto& id : ids) deliver_execution(id);
  if (connection_) {
    connection_->detach();
    connection_.reset();
  }
  max_used_id_ = max_written_id_;  // what the pacer still held never reached the gateway
  feed_.stop();
  if (snapshot_) fail_snapshot(sdk::Status::unavailable("connection lost before the snapshot completed: " + reason));
  if (flatten_) {
    sdk::OrderReport r;
    r.client_ref = flatten_->client_ref;
    r.broker_order_id = flatten_->order_id;
    r.symbol = flatten_->symbol;
    r.type = sdk::OrderType::kMarket;
    r.state = sdk::OrderState::kRejected;
    r.reason = "flatten not sent: " + reason;
    flatten_.reset();
    if (listener_) listener_->on_order(r);
  }
  position_answers_.clear();
  phase_ = Phase::kIdle;
  got_next_id_ = false;
  saw_326_ = false;
  orders_offline_ = false;
  farm_degraded_ = false;
  accounts_.clear();
  candidate_.reset();
  contract_req_id_ = 0;
}

void IbBroker::lose(const std::string& reason, bool fatal) {
  if (phase_ == Phase::kIdle) return;
  teardown(reason);
  emit(sdk::Channel::kOrders, sdk::Health::kDown, reason, fatal);
  emit(sdk::Channel::kMarketData, sdk::Health::kDown, reason, fatal);
}

void IbBroker::on_handshake(const ServerHello& hello) {
  host_.logger().info("SLOB_IB_CONNECTED", "server version " + std::to_string(hello.server_version) +
                                               ", gateway time \"" + hello.connection_time + "\"");
  phase_ = Phase::kAwaitReady;
  send_request(encode_start_api(config_.client_id));
}

void IbBroker::on_closed(const sdk::Status& reason, bool after_handshake) {
  bool fatal = false;
  std::string text = reason.message();
  if (reason.code() == sdk::StatusCode::kFailedPrecondition) {
    fatal = true;  // server version too old: retrying cannot help
  } else if (saw_326_) {
    fatal = true;
    text = "clientId " + std::to_string(config_.client_id) + " already in use (326)";
  } else if (after_handshake && !got_next_id_) {
    fatal = true;
    text = "peer closed the connection before nextValidId (clientId " + std::to_string(config_.client_id) +
           " already in use?)";
  }
  if (reason.code() == sdk::StatusCode::kCorruption) host_.logger().error("SLOB_IB_PROTOCOL_ERROR", text);
  host_.logger().error(phase_ == Phase::kReady ? "SLOB_IB_CONNECTION_LOST" : "SLOB_IB_CONNECT_FAILED", text);
  lose(text, fatal);
}

void IbBroker::check_ready() {
  if (phase_ != Phase::kAwaitReady || !got_next_id_ || accounts_.empty()) return;
  if (!config_.account.empty() && std::find(accounts_.begin(), accounts_.end(), config_.account) == accounts_.end()) {
    std::string list;
    for (const auto& a : accounts_) list += (list.empty() ? "" : ",") + a;
    const std::string reason = "account " + config_.account + " is not managed by this login (" + list + ")";
    host_.logger().error("SLOB_IB_ACCOUNT_UNKNOWN", reason);
    lose(reason, true);
    return;
  }
  cancel_timer(connect_timer_);
  phase_ = Phase::kReady;
  ++ready_sessions_;
  host_.logger().info("SLOB_IB_READY", "ready: nextValidId " + std::to_string(next_valid_id_) + ", account " +
                                           (config_.account.empty() ? accounts_.front() : config_.account));
  emit(sdk::Channel::kOrders, sdk::Health::kUp, "ready");
  if (config_.market_data_type == MarketDataType::kDelayed) send_request(encode_req_market_data_type(3));
  // Subscriptions are per socket: every connect subscribes to position updates again.
  request_positions(PositionsFor::kSubscription);
  schedule_heartbeat();
  resolve_contract();
}

void IbBroker::schedule_heartbeat() {
  cancel_timer(heartbeat_timer_);
  heartbeat_timer_ = host_.clock().call_after(config_.heartbeat_interval, [this] {
    heartbeat_timer_ = sdk::kNoTimer;
    send_heartbeat();
  });
}

void IbBroker::send_heartbeat() {
  send_request(encode_req_current_time());
  heartbeat_sent_ = std::chrono::steady_clock::now();
  cancel_timer(heartbeat_deadline_);
  heartbeat_deadline_ = host_.clock().call_after(config_.heartbeat_timeout, [this] {
    heartbeat_deadline_ = sdk::kNoTimer;
    const std::string reason = "heartbeat: no currentTime reply within " + ms(config_.heartbeat_timeout) +
                               " (gateway stalled)";
    host_.logger().error("SLOB_IB_HEARTBEAT_TIMEOUT", reason);
    lose(reason, false);
  });
}

void IbBroker::resolve_contract() {
  cancel_timer(contract_timer_);
  contract_req_id_ = next_request_id();
  candidate_.reset();
  Contract c;
  c.symbol = config_.symbol;
  c.sec_type = "CONTFUT";
  c.exchange = config_.exchange;
  c.currency = config_.currency;
  send_request(encode_req_contract_details(contract_req_id_, c));
  contract_timer_ = host_.clock().call_after(config_.request_timeout, [this] {
    contract_timer_ = sdk::kNoTimer;
    host_.logger().warn("SLOB_IB_CONTRACT_TIMEOUT", "no contract details within " + ms(config_.request_timeout) +
                                                        "; asking again");
    if (!front_ || !feed_.running()) emit(sdk::Channel::kMarketData, sdk::Health::kDegraded, "contract not resolved");
    resolve_contract();
  });
}

void IbBroker::on_contract_end() {
  cancel_timer(contract_timer_);
  contract_req_id_ = 0;
  if (!candidate_) {
    const std::string reason = "no CONTFUT contract for " + config_.symbol + " on " + config_.exchange;
    host_.logger().error("SLOB_IB_CONTRACT_NOT_FOUND", reason);
    emit(sdk::Channel::kMarketData, sdk::Health::kDegraded, reason);
    contract_timer_ = host_.clock().call_after(config_.request_timeout, [this] {
      contract_timer_ = sdk::kNoTimer;
      resolve_contract();
    });
    return;
  }
  const ContractDetailsMsg& d = *candidate_;
  Contract fut;
  fut.con_id = d.contract.con_id;
  fut.symbol = d.contract.symbol;
  fut.sec_type = "FUT";
  fut.last_trade_date = d.contract.last_trade_date;
  fut.multiplier = d.contract.multiplier;
  fut.exchange = config_.exchange;
  fut.currency = config_.currency;
  fut.local_symbol = d.contract.local_symbol;
  fut.trading_class = d.contract.trading_class;
  auto hours = TradingHours::parse(d.trading_hours, d.time_zone_id);
  if (!hours) host_.logger().warn("SLOB_IB_TRADING_HOURS", hours.status().message() + "; watchdog assumes always open");
  TradingHours th = hours ? *hours : TradingHours::always_open();
  const bool rolled = front_ && front_->con_id != fut.con_id;
  front_ = fut;
  host_.logger().info("SLOB_IB_CONTRACT_RESOLVED", "front month " + fut.local_symbol + " conId " +
                                                       std::to_string(fut.con_id) + " expiry " + fut.last_trade_date);
  if (!feed_.running()) {
    feed_.start(fut, std::move(th));
    emit(sdk::Channel::kMarketData, farm_degraded_ ? sdk::Health::kDegraded : sdk::Health::kUp,
         "front month " + fut.local_symbol, false, ready_sessions_ > 1);
  } else if (rolled) {
    host_.logger().warn("SLOB_IB_CONTRACT_ROLLED", "front month rolled to " + fut.local_symbol + "; resubscribing");
    feed_.change_contract(fut, std::move(th));
  }
  refresh_timer_ = host_.clock().call_after(config_.contract_refresh, [this] {
    refresh_timer_ = sdk::kNoTimer;
    resolve_contract();
  });
}

void IbBroker::on_message(const Incoming& message) {
  std::visit(
      Overloaded{
          [&](const ErrorMsg& m) { handle_error(m); },
          [&](const NextValidId& m) {
            next_valid_id_ = std::max(next_valid_id_, m.order_id);
            got_next_id_ = true;
            check_ready();
          },
          [&](const ManagedAccounts& m) {
            accounts_ = m.accounts;
            check_ready();
          },
          [&](const CurrentTime&) {
            cancel_timer(heartbeat_deadline_);
            if (heartbeat_sent_ && listener_) {
              const auto rtt = std::chrono::steady_clock::now() - *heartbeat_sent_;
              listener_->on_heartbeat(std::chrono::duration_cast<sdk::Duration>(rtt));
            }
            heartbeat_sent_.reset();
            if (phase_ == Phase::kReady) schedule_heartbeat();
          },
          [&](const ContractDetailsMsg& m) {
            if (m.req_id == contract_req_id_ && !candidate_) candidate_ = m;
          },
          [&](const ContractDetailsEnd& m) {
            if (m.req_id == contract_req_id_ && contract_req_id_ != 0) on_contract_end();
          },
          [&](const RealtimeBarMsg& m) { feed_.on_realtime_bar(m); },
          [&](const HistoricalDataMsg& m) { feed_.on_historical(m); },
          [&](const HistoricalDataUpdateMsg&) {},
          [&](const OrderStatusMsg& m) {
            if (auto r = tracker_.on_order_status(m); r && listener_) listener_->on_order(*r);
          },
          [&](const OpenOrderMsg& m) { handle_open_order(m.order); },
          [&](const CompletedOrderMsg& m) {
            if (!snapshot_) return;
            sdk::OrderReport r = OrderTracker::to_report(m.order);
            if (auto id = tracker_.id_for_perm(m.order.perm_id)) r.broker_order_id = *id;
            snapshot_->on_completed_order(r);
          },
          [&](const OpenOrderEnd&) {
            if (snapshot_) snapshot_->on_open_order_end();
          },
          [&](const CompletedOrdersEnd&) {
            if (snapshot_) snapshot_->on_completed_end();
          },
          [&](const ExecDetailsMsg& m) { handle_execution(m); },
          [&](const ExecDetailsEnd& m) {
            if (snapshot_ && m.req_id == snapshot_->exec_req_id()) snapshot_->on_exec_end();
          },
          [&](const CommissionReportMsg& m) { handle_commission(m); },
          [&](const PositionMsg& m) { handle_position(m); },
          [&](const PositionEnd&) { handle_position_end(); },
          [&](const AccountSummaryMsg& m) {
            if (snapshot_ && m.req_id == snapshot_->summary_req_id() &&
                (config_.account.empty() || m.account == config_.account))
              snapshot_->on_account_summary(m);
          },
          [&](const AccountSummaryEnd& m) {
            send_request(encode_cancel_account_summary(m.req_id));
            if (snapshot_ && m.req_id == snapshot_->summary_req_id()) snapshot_->on_summary_end();
          },
          [&](const MarketDataTypeMsg&) {},
          [&](const Ignored&) {},
      },
      message);
  maybe_finish_snapshot();
}

void IbBroker::stop(std::function<void()> done) {
  disconnect();
  poll_stopped(std::move(done), 0);
}

void IbBroker::poll_stopped(std::function<void()> done, int attempts) {
  // Aborted socket operations complete on the next loop turns; wait for them so no handler of
  // this library is still queued when the host unloads it. They are queued by the close itself,
  // so the first checks are posted behind them (a fixed 10 ms timer made every stop wait at
  // least that long); only operations that take longer are polled on a timer.
  constexpr int kPostedChecks = 20;
  bool idle = true;
  for (const auto& w : retired_)
    if (auto c = w.lock(); c && !c->idle()) idle = false;
  if (idle || attempts > 500) {
    retired_.clear();
    done();
    return;
  }
  auto again = [this, done = std::move(done), attempts]() mutable {
    stop_timer_ = sdk::kNoTimer;
    poll_stopped(std::move(done), attempts + 1);
  };
  if (attempts < kPostedChecks) {
    host_.post(std::move(again));  // dropped by the host if this instance is destroyed first
    return;
  }
  stop_timer_ = host_.clock().call_after(std::chrono::milliseconds(10), std::move(again));
}

}  // namespace slob::plugins::ib
