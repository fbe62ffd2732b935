#include "incoming.hpp"

#include <string>

#include "incoming_detail.hpp"
#include "wire.hpp"

namespace slob::plugins::ib {
namespace {



sdk::Result<Incoming> decode_error(FieldReader& r) {
  ErrorMsg m;
  r.skip(1);  // version
  m.id = r.int_or(-1);
  m.code = static_cast<int>(r.int_or(0));
  m.message = r.str();
  if (!r.at_end()) m.advanced_order_reject_json = r.str();
  return finish(r, std::move(m));
}

sdk::Result<Incoming> decode_managed_accounts(FieldReader& r) {
  ManagedAccounts m;
  r.skip(1);
  const std::string list = r.str();
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = list.find(',', start);
    const auto item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) m.accounts.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return finish(r, std::move(m));
}

sdk::Result<Incoming> decode_contract_details(FieldReader& r) {
  ContractDetailsMsg m;
  m.req_id = r.int_or(0);
  Contract& c = m.contract;
  c.symbol = r.str();
  c.sec_type = r.str();
  c.last_trade_date = split_expiry(r.view());
  c.strike = r.opt_double();
  c.right = r.str();
  c.exchange = r.str();
  c.currency = r.str();
  c.local_symbol = r.str();
  m.market_name = r.str();
  c.trading_class = r.str();
  c.con_id = r.int_or(0);
  m.min_tick = r.opt_double();
  c.multiplier = r.str();
  r.skip(4);  // orderTypes, validExchanges, priceMagnifier, underConId
  m.long_name = r.str();
  c.primary_exchange = r.str();
  r.skip(4);  // contractMonth, industry, category, subcategory
  m.time_zone_id = r.str();
  m.trading_hours = r.str();
  m.liquid_hours = r.str();
  r.skip(2);  // evRule, evMultiplier
  r.skip(2 * r.count(2));  // secIdList
  r.skip(4);  // aggGroup, underSymbol, underSecType, marketRuleIds
  m.real_expiration_date = r.str();
  return finish(r, std::move(m));
}

sdk::Result<Incoming> decode_realtime_bar(FieldReader& r) {
  RealtimeBarMsg m;
  r.skip(1);
  m.req_id = r.int_or(0);
  m.time = r.int_or(0);
  m.open = r.double_or(0);
  m.high = r.double_or(0);
  m.low = r.double_or(0);
  m.close = r.double_or(0);
  m.volume = r.double_or(0);
  m.wap = r.opt_double();
  m.count = r.int_or(0);
  return finish(r, std::move(m));
}

void read_bar_ohlc(FieldReader& r, HistoricalBar& b) {
  b.open = r.double_or(0);
  b.high = r.double_or(0);
  b.low = r.double_or(0);
  b.close = r.double_or(0);
}

sdk::Result<Incoming> decode_historical_data(FieldReader& r) {
  HistoricalDataMsg m;
  m.req_id = r.int_or(0);
  m.start = r.str();
  m.end = r.str();
  const auto n = r.count(8);
  if (r.ok() && static_cast<std::int64_t>(n) > kMaxHistoricalBars) {
    return sdk::Status::corruption("historicalData: " + std::to_string(n) + " bars exceed the limit");
  }
  m.bars.reserve(n);
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    HistoricalBar b;
    b.date = r.str();
    read_bar_ohlc(r, b);
    b.volume = r.double_or(0);
    b.wap = r.opt_double();
    b.count = r.int_or(0);
    m.bars.push_back(std::move(b));
  }
  return finish(r, std::move(m));
}

sdk::Result<Incoming> decode_historical_update(FieldReader& r) {
  HistoricalDataUpdateMsg m;
  m.req_id = r.int_or(0);
  m.bar.count = r.int_or(0);
  m.bar.date = r.str();
  // Note the order on the wire: open, close, high, low, wap, volume.
  m.bar.open = r.double_or(0);
  m.bar.close = r.double_or(0);
  m.bar.high = r.double_or(0);
  m.bar.low = r.double_or(0);
  m.bar.wap = r.opt_double();
  m.bar.volume = r.double_or(0);
  return finish(r, std::move(m));
}

sdk::Result<Incoming> decode_order_status(FieldReader& r) {
  OrderStatusMsg m;
  m.order_id = r.int_or(0);
  m.status = r.str();
  m.filled = r.double_or(0);
  m.remaining = r.double_or(0);
  m.avg_fill_price = r.double_or(0);
  m.perm_id = r.int_or(0);
  m.parent_id = r.int_or(0);
  m.last_fill_price = r.double_or(0);
  m.client_id = r.int_or(0);
  m.why_held = r.str();
  return finish(r, std::move(m));
}

sdk::Result<Incoming> decode_exec_details(FieldReader& r) {
  ExecDetailsMsg m;
  m.req_id = r.int_or(-1);
  m.order_id = r.int_or(0);
  Contract& c = m.contract;
  c.con_id = r.int_or(0);
  c.symbol = r.str();
  c.sec_type = r.str();
  c.last_trade_date = split_expiry(r.view());
  c.strike = r.opt_double();
  c.right = r.str();
  c.multiplier = r.str();
  c.exchange = r.str();
  c.currency = r.str();
  c.local_symbol = r.str();
  c.trading_class = r.str();
  m.exec_id = r.str();
  m.time = r.str();
  m.account = r.str();
  m.exchange = r.str();
  m.side = r.str();
  m.shares = r.double_or(0);
  m.price = r.double_or(0);
  m.perm_id = r.int_or(0);
  m.client_id = r.int_or(0);
  r.skip(1);  // liquidation
  m.cum_qty = r.double_or(0);
  m.avg_price = r.double_or(0);
  m.order_ref = r.str();
  return finish(r, std::move(m));
}

sdk::Result<Incoming> decode_commission(FieldReader& r) {
  CommissionReportMsg m;
  r.skip(1);
  m.exec_id = r.str();
  m.commission = r.opt_double();
  m.currency = r.str();
  m.realized_pnl = r.opt_double();
  return finish(r, std::move(m));
}

sdk::Result<Incoming> decode_position(FieldReader& r) {
  PositionMsg m;
  r.skip(1);
  m.account = r.str();
  Contract& c = m.contract;
  c.con_id = r.int_or(0);
  c.symbol = r.str();
  c.sec_type = r.str();
  c.last_trade_date = split_expiry(r.view());
  c.strike = r.opt_double();
  c.right = r.str();
  c.multiplier = r.str();
  c.exchange = r.str();
  c.currency = r.str();
  c.local_symbol = r.str();
  c.trading_class = r.str();
  m.position = r.double_or(0);
  m.avg_cost = r.double_or(0);
  return finish(r, std::move(m));
}

sdk::Result<Incoming> decode_account_summary(FieldReader& r) {
  AccountSummaryMsg m;
  r.skip(1);
  m.req_id = r.int_or(0);
  m.account = r.str();
  m.tag = r.str();
  m.value = r.str();
  m.currency = r.str();
  return finish(r, std::move(m));
}

}  // namespace

sdk::Result<ServerHello> decode_server_hello(std::string_view payload) {
  auto fields = split_fields(payload);
  if (!fields) return fields.status();
  if (fields->size() != 2) {
    return sdk::Status::corruption("handshake answer has " + std::to_string(fields->size()) +
                                   " fields, expected 2");
  }
  FieldReader r("handshake", std::move(*fields));
  ServerHello h;
  const auto v = r.opt_int();
  h.connection_time = r.str();
  if (!r.ok()) return r.status();
  if (!v || *v <= 0 || *v > 1000) return sdk::Status::corruption("handshake: bad server version");
  h.server_version = static_cast<int>(*v);
  return h;
}

sdk::Result<Incoming> decode_incoming(std::string_view payload) {
  auto fields = split_fields(payload);
  if (!fields) return fields.status();
  FieldReader head("message", *fields);
  const auto id = head.opt_int();
  if (!head.ok() || !id) return sdk::Status::corruption("message id missing or not a number");

  const auto reader = [&](const char* name) { return FieldReader(name, *fields, 1); };
  switch (*id) {
    case kErrorId: { auto r = reader("error"); return decode_error(r); }
    case kNextValidIdId: {
      auto r = reader("nextValidId");
      r.skip(1);
      NextValidId m{r.int_or(0)};
      return finish(r, m);
    }
    case kManagedAccountsId: { auto r = reader("managedAccounts"); return decode_managed_accounts(r); }
    case kCurrentTimeId: {
      auto r = reader("currentTime");
      r.skip(1);
      CurrentTime m{r.int_or(0)};
      return finish(r, m);
    }
    case kContractDetailsId: { auto r = reader("contractDetails"); return decode_contract_details(r); }
    case kContractDetailsEndId: {
      auto r = reader("contractDetailsEnd");
      r.skip(1);
      ContractDetailsEnd m{r.int_or(0)};
      return finish(r, m);
    }
    case kRealtimeBarId: { auto r = reader("realtimeBar"); return decode_realtime_bar(r); }
    case kHistoricalDataId: { auto r = reader("historicalData"); return decode_historical_data(r); }
    case kHistoricalDataUpdateId: {
      auto r = reader("historicalDataUpdate");
      return decode_historical_update(r);
    }
    case kOrderStatusId: { auto r = reader("orderStatus"); return decode_order_status(r); }
    case kOpenOrderId: { auto r = reader("openOrder"); return decode_open_order(r); }
    case kCompletedOrderId: { auto r = reader("completedOrder"); return decode_completed_order(r); }
    case kOpenOrderEndId: return Incoming(OpenOrderEnd{});
    case kCompletedOrdersEndId: return Incoming(CompletedOrdersEnd{});
    case kExecDetailsId: { auto r = reader("execDetails"); return decode_exec_details(r); }
    case kExecDetailsEndId: {
      auto r = reader("execDetailsEnd");
      r.skip(1);
      ExecDetailsEnd m{r.int_or(0)};
      return finish(r, m);
    }
    case kCommissionReportId: { auto r = reader("commissionReport"); return decode_commission(r); }
    case kPositionId: { auto r = reader("position"); return decode_position(r); }
    case kPositionEndId: return Incoming(PositionEnd{});
    case kAccountSummaryId: { auto r = reader("accountSummary"); return decode_account_summary(r); }
    case kAccountSummaryEndId: {
      auto r = reader("accountSummaryEnd");
      r.skip(1);
      AccountSummaryEnd m{r.int_or(0)};
      return finish(r, m);
    }
    case kMarketDataTypeId: {
      auto r = reader("marketDataType");
      r.skip(1);
      MarketDataTypeMsg m;
      m.req_id = r.int_or(0);
      m.type = static_cast<int>(r.int_or(0));
      return finish(r, m);
    }
    case kTickPrice:
    case kTickSize:
    case kAcctValue:
    case kPortfolioValue:
    case kAcctUpdateTime:
    case kTickGeneric:
    case kTickString:
    case kAccountDownloadEnd:
    case kTickSnapshotEnd:
    case kTickReqParams:
    case kOrderBound:
      return Incoming(Ignored{static_cast<int>(*id)});
    default:
      return sdk::Status::corruption("unknown message id " + std::to_string(*id));
  }
}

}  // namespace slob::plugins::ib
