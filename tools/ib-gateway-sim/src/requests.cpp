// The gateway's answers to each client request (ib-api.md §5 in, §6 out).
#include <algorithm>
#include <cstdio>

#include <boost/asio/post.hpp>
#include <date/date.h>

#include "gateway.hpp"
#include "incoming.hpp"
#include "outgoing.hpp"
#include "server_messages.hpp"

namespace slob::tools::ib_gateway_sim {

using plugins::ib::FieldReader;

namespace {

Contract read_contract(FieldReader& r) {
  Contract c;
  c.con_id = r.int_or(0);
  c.symbol = r.str();
  c.sec_type = r.str();
  c.last_trade_date = r.str();
  c.strike = r.opt_double();
  c.right = r.str();
  c.multiplier = r.str();
  c.exchange = r.str();
  c.primary_exchange = r.str();
  c.currency = r.str();
  c.local_symbol = r.str();
  c.trading_class = r.str();
  return c;
}

// "<n> S|D|W|M|Y" -> seconds; 0 when malformed.
std::int64_t duration_seconds(const std::string& text) {
  long long n = 0;
  char unit = 0;
  if (std::sscanf(text.c_str(), "%lld %c", &n, &unit) != 2 || n <= 0) return 0;
  switch (unit) {
    case 'S': return n;
    case 'D': return n * 86400;
    case 'W': return n * 7 * 86400;
    case 'M': return n * 30 * 86400;
    case 'Y': return n * 365 * 86400;
    default: return 0;
  }
}

}  // namespace

void Gateway::dispatch(Session& s, const std::vector<std::string_view>& fields) {
  FieldReader r("request", fields, 1);
  const auto id = FieldReader("request", fields).int_or(-1);
  if (id != plugins::ib::kStartApi && !s.api_started()) {
    // TWS drops clients that talk before startApi.
    log_note("session " + std::to_string(s.id()) + " request before startApi, closing");
    s.close();
    return;
  }
  using namespace plugins::ib;
  switch (id) {
    case kStartApi: on_start_api(s, r); break;
    case kReqCurrentTime: s.send(msg_current_time(real_now())); break;
    case kReqIds: s.send(msg_next_valid_id(next_valid_id_)); break;
    case kReqManagedAccts: s.send(msg_managed_accounts(options_.accounts)); break;
    case kReqContractDetails: on_contract_details(s, r); break;
    case kReqHistoricalData: on_historical(s, r); break;
    case kCancelHistoricalData: r.skip(1); s.keep_up_to_date.erase(r.int_or(0)); break;
    case kReqRealTimeBars: on_realtime_bars(s, r); break;
    case kCancelRealTimeBars: r.skip(1); s.realtime_bars.erase(r.int_or(0)); break;
    case kReqMktData: on_mkt_data(s, r); break;
    case kCancelMktData: r.skip(1); s.market_data.erase(r.int_or(0)); break;
    case kReqMarketDataType: r.skip(1); market_data_type_ = static_cast<int>(r.int_or(1)); break;
    case kPlaceOrder: on_place_order(s, fields); break;
    case kCancelOrder: {
      r.skip(1);
      const auto order_id = r.int_or(0);
      if (auto err = book_.cancel(order_id, feed_.now())) s.send(msg_error(order_id, err->code, err->text));
      break;
    }
    case kReqOpenOrders: on_open_orders(s, false); break;
    case kReqAllOpenOrders: on_open_orders(s, true); break;
    case 15: break;  // reqAutoOpenOrders: binding is implicit here
    case kReqCompletedOrders: on_completed_orders(s); break;
    case kReqExecutions: on_executions(s, r); break;
    case kReqPositions: on_positions(s); break;
    case kCancelPositions: s.positions_subscribed = false; break;
    case kReqAccountSummary: on_account_summary(s, r); break;
    case kCancelAccountSummary: break;
    case 6: {  // reqAccountUpdates: the end marker is what clients wait for
      r.skip(1);
      const bool subscribe = r.boolean();
      const std::string account = r.str();
      if (subscribe) s.send(msg_account_download_end(account.empty() ? options_.accounts : account));
      break;
    }
    case 76: {  // reqAccountUpdatesMulti
      r.skip(1);
      s.send(msg_account_update_multi_end(r.int_or(0)));
      break;
    }
    default:
      log_note("session " + std::to_string(s.id()) + " unhandled message id " + std::to_string(id));
      break;
  }
}

void Gateway::on_start_api(Session& s, FieldReader& r) {
  r.skip(1);
  const auto client_id = r.int_or(0);
  bool clash = in_use_client_ids_.count(client_id) > 0;
  for (auto& [id, other] : sessions_)
    clash = clash || (other.get() != &s && other->api_started() && other->client_id() == client_id);
  if (clash) {
    // What TWS does: 326, then it closes the socket.
    s.send(msg_error(-1, 326, "Unable to connect as the client id is already in use. Retry with a unique client id."));
    auto self = sessions_.count(s.id()) ? sessions_[s.id()] : nullptr;
    boost::asio::post(io_, [self] {
      if (self) self->close();
    });
    return;
  }
  s.set_client(client_id);
  s.send(msg_managed_accounts(options_.accounts));
  s.send(msg_next_valid_id(next_valid_id_));
  s.send(msg_error(-1, 2104, "Market data farm connection is OK:usfarm"));
  s.send(msg_error(-1, 2106, "HMDS data farm connection is OK:ushmds"));
  s.send(msg_error(-1, 2158, "Sec-def data farm connection is OK:secdefnj"));
}

void Gateway::on_contract_details(Session& s, FieldReader& r) {
  r.skip(1);
  const auto req_id = r.int_or(0);
  const Contract c = read_contract(r);
  if (!r.ok()) return;
  if (c.symbol != "NQ" || c.exchange != "CME") {
    s.send(msg_error(req_id, 200, "No security definition has been found for the request"));
    return;
  }
  const FrontMonth fm = front_month();
  if (c.sec_type == "CONTFUT" || c.sec_type == "FUT+CONTFUT") s.send(msg_contract_details(req_id, fm, "CONTFUT"));
  if (c.sec_type == "FUT" || c.sec_type == "FUT+CONTFUT") {
    if (c.con_id == 0 || c.con_id == fm.contract.con_id) s.send(msg_contract_details(req_id, fm, "FUT"));
  }
  if (c.sec_type != "CONTFUT" && c.sec_type != "FUT" && c.sec_type != "FUT+CONTFUT") {
    s.send(msg_error(req_id, 200, "No security definition has been found for the request"));
    return;
  }
  s.send(msg_contract_details_end(req_id));
}

void Gateway::on_historical(Session& s, FieldReader& r) {
  const auto req_id = r.int_or(0);
  const Contract c = read_contract(r);
  r.skip(1);  // includeExpired
  const std::string end = r.str();
  const std::string bar_size = r.str();
  const std::string duration = r.str();
  r.skip(2);  // useRTH, whatToShow
  const int format_date = static_cast<int>(r.int_or(1));
  const bool keep = r.boolean();
  if (!r.ok()) {
    s.send(msg_error(req_id, 321, "Error validating request: " + r.status().message()));
    return;
  }
  if (c.sec_type == "CONTFUT" && !end.empty()) {
    s.send(msg_error(req_id, 10339, "Setting end date/time for continuous future security type is not allowed."));
    return;
  }
  if (bar_size != "1 min") {
    s.send(msg_error(req_id, 162, "Historical Market Data Service error message:only 1 min bars are simulated"));
    return;
  }
  const std::int64_t secs = duration_seconds(duration);
  if (secs == 0) {
    s.send(msg_error(req_id, 162, "Historical Market Data Service error message:bad duration " + duration));
    return;
  }
  const std::int64_t to = feed_.now();
  const std::int64_t from = to - secs;
  const auto bars = feed_.minute_bars(from, to);
  s.send(msg_historical_data(req_id, format_tws_time(from), format_tws_time(to), bars, format_date));
  if (keep) s.keep_up_to_date.insert(req_id);
}

void Gateway::on_realtime_bars(Session& s, FieldReader& r) {
  r.skip(1);
  const auto req_id = r.int_or(0);
  const Contract c = read_contract(r);
  if (!r.ok()) return;
  if (c.sec_type == "CONTFUT") {
    s.send(msg_error(req_id, 321, "Error validating request: CONTFUT is not allowed for real-time bars"));
    return;
  }
  if (c.symbol != "NQ") {
    s.send(msg_error(req_id, 200, "No security definition has been found for the request"));
    return;
  }
  s.realtime_bars.insert(req_id);
  probe_.on_subscribed();
}

void Gateway::on_mkt_data(Session& s, FieldReader& r) {
  r.skip(1);
  const auto req_id = r.int_or(0);
  s.market_data.insert(req_id);
  s.send(msg_tick_req_params(req_id));
  s.send(msg_market_data_type(req_id, market_data_type_));
  s.send(msg_tick_price(req_id, market_data_type_ >= 3 ? 68 : 4, feed_.last(), 1));
}

void Gateway::on_place_order(Session& s, const std::vector<std::string_view>& fields) {
  // Fixed indices of the 115-field layout (ib-api.md §5.1); both the official client and stoqey
  // send it for plain orders.
  FieldReader r("placeOrder", fields, 1);
  SimOrder o;
  o.order_id = r.int_or(0);
  o.contract = read_contract(r);
  r.skip(2);
  o.action = r.str();
  o.quantity = r.double_or(0);
  o.order_type = r.str();
  o.limit_price = r.opt_double();
  o.aux_price = r.opt_double();
  o.tif = r.str();
  o.oca_group = r.str();
  o.account = r.str();
  r.skip(2);
  o.order_ref = r.str();
  const std::string_view transmit = r.view();
  o.parent_id = r.int_or(0);
  r.skip(4);
  o.outside_rth = r.boolean();
  if (!r.ok() || fields.size() < 48) {
    s.send(msg_error(o.order_id, 321, "Error validating request: malformed placeOrder"));
    return;
  }
  o.oca_type = static_cast<int>(FieldReader("placeOrder", fields, 47).int_or(0));
  o.transmit = transmit != "0";  // empty means the default, true
  o.client_id = s.client_id();
  if (o.account.empty()) o.account = options_.accounts.substr(0, options_.accounts.find(','));
  if (o.contract.con_id == 0 || o.contract.sec_type == "FUT") {
    const FrontMonth fm = front_month();
    if (o.contract.symbol == fm.contract.symbol) o.contract = fm.contract;
  }
  next_valid_id_ = std::max(next_valid_id_, o.order_id + 1);
  probe_.on_place_order(o.order_id, o.parent_id, o.transmit);
  if (auto err = book_.place(std::move(o), feed_.last(), feed_.now())) {
    s.send(msg_error(FieldReader("placeOrder", fields, 1).int_or(0), err->code, err->text));
  }
}

void Gateway::on_open_orders(Session& s, bool all) {
  for (const auto& [id, o] : book_.orders()) {
    if (o.status != SimOrderStatus::kSubmitted && o.status != SimOrderStatus::kPreSubmitted) continue;
    if (!all && o.client_id != s.client_id()) continue;
    s.send(msg_open_order(o));
    s.send(msg_order_status(o));
  }
  s.send(msg_open_order_end());
}

void Gateway::on_completed_orders(Session& s) {
  for (const auto& [id, o] : book_.orders()) {
    if (o.status == SimOrderStatus::kFilled || (o.status == SimOrderStatus::kCancelled && !o.completed_time.empty()))
      s.send(msg_completed_order(o));
  }
  s.send(msg_completed_orders_end());
}

void Gateway::on_executions(Session& s, FieldReader& r) {
  r.skip(1);
  const auto req_id = r.int_or(0);
  const auto client_filter = r.int_or(0);
  r.skip(1);  // account
  const std::string time = r.str();
  const std::string symbol = r.str();
  std::int64_t since = 0;
  if (!time.empty()) {
    // yyyymmdd-hh:mm:ss (UTC) or yyyymmdd hh:mm:ss: read the digits, treat as UTC.
    int y, mo, d, h, mi, se;
    if (std::sscanf(time.c_str(), "%4d%2d%2d%*c%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se) == 6) {
      using namespace std::chrono;
      const auto day = date::sys_days{date::year{y} / date::month{static_cast<unsigned>(mo)} /
                                      date::day{static_cast<unsigned>(d)}};
      since = duration_cast<seconds>(day.time_since_epoch()).count() + h * 3600 + mi * 60 + se;
    }
  }
  for (const auto& e : book_.executions()) {
    if (e.epoch_seconds < since) continue;
    if (!symbol.empty() && e.contract.symbol != symbol) continue;
    if (client_filter != 0 && e.client_id != client_filter) continue;
    s.send(msg_exec_details(req_id, e));
    s.send(msg_commission_report(e));
  }
  s.send(msg_exec_details_end(req_id));
}

void Gateway::on_positions(Session& s) {
  for (const auto& p : book_.positions()) s.send(msg_position(p));
  s.send(msg_position_end());
  s.positions_subscribed = true;  // later changes are pushed (Gateway::push_position)
}

void Gateway::on_account_summary(Session& s, FieldReader& r) {
  r.skip(1);
  const auto req_id = r.int_or(0);
  r.skip(1);  // group
  const std::string tags = r.str();
  const std::string account = options_.accounts.substr(0, options_.accounts.find(','));
  auto has = [&](const char* tag) { return tags.find(tag) != std::string::npos; };
  const std::string value = plugins::ib::format_double(options_.net_liquidation);
  if (has("NetLiquidation")) s.send(msg_account_summary(req_id, account, "NetLiquidation", value, "USD"));
  if (has("BuyingPower")) s.send(msg_account_summary(req_id, account, "BuyingPower", value, "USD"));
  if (has("AvailableFunds")) s.send(msg_account_summary(req_id, account, "AvailableFunds", value, "USD"));
  if (has("ExcessLiquidity")) s.send(msg_account_summary(req_id, account, "ExcessLiquidity", value, "USD"));
  s.send(msg_account_summary_end(req_id));
}

}  // namespace slob::tools::ib_gateway_sim
