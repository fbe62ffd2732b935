// Bracket building, order tracking, trading hours, pacing and config of the ib plugin.
#include <catch2/catch.hpp>

#include "bracket.hpp"
#include "ib_config.hpp"
#include "ib_time.hpp"
#include "order_tracker.hpp"
#include "pacer.hpp"
#include "snapshot.hpp"
#include "trading_hours.hpp"

using namespace slob;
using namespace slob::plugins::ib;

namespace {

sdk::BracketOrder long_bracket() {
  sdk::BracketOrder b;
  b.setup_id = "20260106-1";
  b.symbol = "NQ";
  b.direction = sdk::Direction::kLong;
  b.quantity = 2;
  b.entry = {"slob:20260106-1:entry", sdk::Leg::kEntry, sdk::Side::kBuy, sdk::OrderType::kLimit, 21000, 10};
  b.take_profit = {"slob:20260106-1:tp", sdk::Leg::kTakeProfit, sdk::Side::kSell, sdk::OrderType::kLimit, 21050, 11};
  b.stop_loss = {"slob:20260106-1:sl", sdk::Leg::kStopLoss, sdk::Side::kSell, sdk::OrderType::kStop, 20980, 12};
  return b;
}

sdk::ConfigTable table(std::map<std::string, sdk::ConfigValue> values) {
  sdk::ConfigTable t;
  t.section = "broker.config";
  t.position = {"slob.toml", 20, 1};
  t.values = std::move(values);
  return t;
}

sdk::ConfigValue s(const char* v, int line) { return {std::string(v), {"slob.toml", line, 1}}; }

}  // namespace

TEST_CASE("bracket: parent transmit 0, children with parentId in one OCA group, last transmits", "[ib][bracket]") {
  auto legs = build_bracket(long_bracket(), LegDefaults{"GTC", true, "DU1"}, 10);
  REQUIRE(legs.is_ok());
  REQUIRE(legs->size() == 3);
  const auto& e = (*legs)[0];
  const auto& tp = (*legs)[1];
  const auto& sl = (*legs)[2];
  CHECK(e.order_id == 10);
  CHECK(e.fields.action == "BUY");
  CHECK(e.fields.order_type == "LMT");
  CHECK(e.fields.limit_price == 21000);
  CHECK_FALSE(e.fields.transmit);
  CHECK(e.fields.parent_id == 0);
  CHECK(e.fields.oca_group.empty());
  CHECK(e.fields.order_ref == "slob:20260106-1:entry");
  CHECK(tp.fields.action == "SELL");
  CHECK(tp.fields.parent_id == 10);
  CHECK_FALSE(tp.fields.transmit);
  CHECK(tp.fields.order_ref == "slob:20260106-1:tp");
  CHECK(sl.fields.order_type == "STP");
  CHECK(sl.fields.aux_price == 20980);
  CHECK_FALSE(sl.fields.limit_price.has_value());
  CHECK(sl.fields.transmit);
  CHECK(sl.fields.parent_id == 10);
  CHECK(tp.fields.oca_group == sl.fields.oca_group);
  CHECK(tp.fields.oca_type == 1);
  for (const auto& l : *legs) {
    CHECK(l.fields.quantity == 2);
    CHECK(l.fields.tif == "GTC");
    CHECK(l.fields.outside_rth);
    CHECK(l.fields.account == "DU1");
  }
}

TEST_CASE("bracket validation refuses reused ids, wrong sides and inverted prices", "[ib][bracket]") {
  auto b = long_bracket();
  CHECK(build_bracket(b, {}, 11).status().code() == sdk::StatusCode::kInvalidArgument);  // id 10 < 11
  b = long_bracket();
  b.take_profit.broker_order_id = 10;
  CHECK_FALSE(build_bracket(b, {}, 1).is_ok());
  b = long_bracket();
  b.stop_loss.side = sdk::Side::kBuy;
  CHECK_FALSE(build_bracket(b, {}, 1).is_ok());
  b = long_bracket();
  b.stop_loss.price = 21010;
  CHECK_FALSE(build_bracket(b, {}, 1).is_ok());
  b = long_bracket();
  b.quantity = 0;
  CHECK_FALSE(build_bracket(b, {}, 1).is_ok());
  b = long_bracket();
  b.entry.client_ref.clear();
  CHECK_FALSE(build_bracket(b, {}, 1).is_ok());
  // A short bracket mirrors the sides and prices.
  b = long_bracket();
  b.direction = sdk::Direction::kShort;
  b.entry.side = sdk::Side::kSell;
  b.take_profit.side = b.stop_loss.side = sdk::Side::kBuy;
  b.take_profit.price = 20950;
  b.stop_loss.price = 21020;
  CHECK(build_bracket(b, {}, 1).is_ok());
}

TEST_CASE("order tracker merges openOrder and orderStatus, reports changes only", "[ib][orders]") {
  OrderTracker t;
  t.track(10, "slob:x:entry", "NQ", sdk::Side::kBuy, sdk::OrderType::kLimit, 21000, 1);
  OrderStatusMsg st;
  st.order_id = 10;
  st.status = "Submitted";
  st.perm_id = 77;
  auto r = t.on_order_status(st);
  REQUIRE(r.has_value());
  CHECK(r->client_ref == "slob:x:entry");
  CHECK(r->state == sdk::OrderState::kWorking);
  CHECK(r->perm_id == 77);
  CHECK_FALSE(t.on_order_status(st).has_value());  // duplicate
  st.status = "Filled";
  st.filled = 1;
  st.avg_fill_price = 21000;
  r = t.on_order_status(st);
  REQUIRE(r.has_value());
  CHECK(r->state == sdk::OrderState::kFilled);
  CHECK(r->filled == 1);
  st.status = "Submitted";  // late, out of order: a final state never goes back
  CHECK_FALSE(t.on_order_status(st).has_value());
  CHECK(t.id_for_perm(77) == 10);
  CHECK(t.find_by_ref("slob:x:entry") == 10);
  CHECK(t.working("NQ").empty());
}

TEST_CASE("order errors: rejections are final, warnings and cancel failures are not", "[ib][orders]") {
  OrderTracker t;
  t.track(20, "slob:y:tp", "NQ", sdk::Side::kSell, sdk::OrderType::kLimit, 21050, 1);
  CHECK_FALSE(t.on_error(20, 2109, "outside RTH warning").has_value());
  CHECK_FALSE(t.on_error(20, 10147, "not found").has_value());
  CHECK_FALSE(t.on_error(99, 201, "unknown order").has_value());
  auto r = t.on_error(20, 201, "Order rejected - reason: margin");
  REQUIRE(r.has_value());
  CHECK(r->state == sdk::OrderState::kRejected);
  CHECK_THAT(r->reason, Catch::Contains("201") && Catch::Contains("margin"));
  t.track(21, "slob:y:sl", "NQ", sdk::Side::kSell, sdk::OrderType::kStop, 20900, 1);
  CHECK(t.working("NQ") == std::vector<std::int64_t>{21});
  CHECK(t.on_error(21, 202, "Order Canceled - reason:")->state == sdk::OrderState::kCancelled);
}

TEST_CASE("order states map from IB's texts", "[ib][orders]") {
  CHECK(map_order_state("PreSubmitted") == sdk::OrderState::kWorking);
  CHECK(map_order_state("Submitted") == sdk::OrderState::kWorking);
  CHECK(map_order_state("PendingSubmit") == sdk::OrderState::kAcknowledged);
  CHECK(map_order_state("ApiCancelled") == sdk::OrderState::kCancelled);
  CHECK(map_order_state("Cancelled") == sdk::OrderState::kCancelled);
  CHECK(map_order_state("Filled") == sdk::OrderState::kFilled);
  CHECK(map_order_state("Inactive") == sdk::OrderState::kRejected);
  CHECK(map_order_state("Weird") == sdk::OrderState::kUnknown);
}

TEST_CASE("trading hours in the contract's zone, CLOSED days, outside the window", "[ib][hours]") {
  auto h = TradingHours::parse("20260105:1700-20260106:1600;20260106:1700-20260107:1600;20260110:CLOSED", "US/Central");
  REQUIRE(h.is_ok());
  CHECK(h->is_open(*sdk::parse_rfc3339("2026-01-06T15:00:00Z")));   // 09:00 CT
  CHECK_FALSE(h->is_open(*sdk::parse_rfc3339("2026-01-06T22:30:00Z")));  // 16:30 CT: the daily break
  CHECK(h->is_open(*sdk::parse_rfc3339("2026-01-06T23:30:00Z")));   // 17:30 CT
  CHECK(h->is_open(*sdk::parse_rfc3339("2026-02-01T12:00:00Z")));   // beyond the window: unknown, open
  CHECK_FALSE(TradingHours::parse("20260105:1700-x", "UTC").is_ok());
  CHECK_FALSE(TradingHours::parse("20260105:1700-20260105:1600", "UTC").is_ok());
  CHECK_FALSE(TradingHours::parse("20260105:1700-20260106:1600", "Mars/Base").is_ok());
  CHECK(TradingHours::always_open().is_open(sdk::Time{}));
}

TEST_CASE("pacer: at most N per rolling second", "[ib][pacing]") {
  Pacer p(45, std::chrono::seconds(1));
  const sdk::Time t0 = *sdk::parse_rfc3339("2026-01-06T10:00:00Z");
  for (int i = 0; i < 45; ++i) REQUIRE_FALSE(p.admit(t0 + std::chrono::milliseconds(i)).has_value());
  const auto later = p.admit(t0 + std::chrono::milliseconds(100));
  REQUIRE(later.has_value());
  CHECK(*later == t0 + std::chrono::seconds(1));
  CHECK_FALSE(p.admit(t0 + std::chrono::seconds(1)).has_value());
  // Over any 1-second window never more than 45.
  Pacer q(45, std::chrono::seconds(1));
  std::vector<sdk::Time> sent;
  sdk::Time now = t0;
  while (sent.size() < 500) {
    if (auto next = q.admit(now)) now = *next;
    else sent.push_back(now);
  }
  for (std::size_t i = 45; i < sent.size(); ++i) CHECK(sent[i] - sent[i - 45] >= std::chrono::seconds(1));
}

TEST_CASE("pacer: a group of messages counts as its size, one above the limit waits for an empty window", "[ib][pacing]") {
  const sdk::Time t0 = *sdk::parse_rfc3339("2026-01-06T10:00:00Z");
  Pacer p(45, std::chrono::seconds(1));
  for (int i = 0; i < 44; ++i) REQUIRE_FALSE(p.admit(t0 + std::chrono::milliseconds(i)).has_value());
  // A bracket (3 messages) needs 3 free places: the oldest two sends must leave the window.
  const auto later = p.admit(t0 + std::chrono::milliseconds(100), 3);
  REQUIRE(later.has_value());
  CHECK(*later == t0 + std::chrono::milliseconds(1) + std::chrono::seconds(1));
  CHECK_FALSE(p.admit(*later, 3).has_value());
  CHECK(p.admit(*later).has_value());  // 45 in the window again
  Pacer small(2, std::chrono::seconds(1));
  REQUIRE_FALSE(small.admit(t0).has_value());
  const auto empty = small.admit(t0 + std::chrono::milliseconds(10), 3);
  REQUIRE(empty.has_value());
  CHECK(*empty == t0 + std::chrono::seconds(1));
  CHECK_FALSE(small.admit(*empty, 3).has_value());
}

TEST_CASE("config: defaults, every key, and all errors at once with positions", "[ib][config]") {
  auto d = parse_ib_config(table({}), sdk::HostSettings{});
  REQUIRE(d.is_ok());
  CHECK(d->host == "127.0.0.1");
  CHECK(d->port == 4002);
  CHECK(d->client_id == 1);
  CHECK(d->symbol == "NQ");
  CHECK(d->exchange == "CME");
  CHECK(d->heartbeat_interval == std::chrono::seconds(30));
  CHECK(d->heartbeat_timeout == std::chrono::seconds(10));
  CHECK(d->connect_timeout == std::chrono::seconds(10));
  CHECK(d->market_data_type == MarketDataType::kRealtime);
  CHECK(d->max_messages_per_second == 45);

  auto ok = parse_ib_config(table({{"market_data_type", s("delayed", 2)}, {"account", s("DU9", 3)},
                                   {"gateway_timezone", s("America/New_York", 4)}}),
                            sdk::HostSettings{"ES", "UTC", std::chrono::seconds(1), std::chrono::seconds(2)});
  REQUIRE(ok.is_ok());
  CHECK(ok->market_data_type == MarketDataType::kDelayed);
  // The symbol and the heartbeat are the host's ([risk], [connection]).
  CHECK(ok->symbol == "ES");
  CHECK(ok->heartbeat_interval == std::chrono::seconds(1));
  CHECK(ok->heartbeat_timeout == std::chrono::seconds(2));

  auto bad = parse_ib_config(table({{"exchange", s("GLOBEX", 5)},
                                     {"market_data_type", s("live", 6)},
                                     {"heartbeat_interval", s("1s", 7)},
                                     {"prot", {std::int64_t{4002}, {"slob.toml", 8, 1}}},
                                     {"max_messages_per_second", {std::int64_t{60}, {"slob.toml", 9, 1}}},
                                     {"gateway_timezone", s("Nowhere/City", 10)},
                                     {"symbol", s("NQ", 11)}}),
                             sdk::HostSettings{});
  REQUIRE_FALSE(bad.is_ok());
  const std::string m = bad.status().message();  // status() returns a copy
  CHECK_THAT(m, Catch::Contains("slob.toml:5:1") && Catch::Contains("GLOBEX"));
  CHECK_THAT(m, Catch::Contains("slob.toml:6:1") && Catch::Contains("market_data_type"));
  // A key for a fact the host owns is refused whatever its value, naming the owner.
  CHECK_THAT(m, Catch::Contains("slob.toml:7:1: [broker.config] heartbeat_interval is set in [connection] "
                                "heartbeat_interval only"));
  CHECK_THAT(m, Catch::Contains("slob.toml:11:1: [broker.config] symbol is set in [risk] symbol only"));
  CHECK_THAT(m, Catch::Contains("slob.toml:8:1") && Catch::Contains("unknown key \"prot\""));
  CHECK_THAT(m, Catch::Contains("slob.toml:9:1"));
  CHECK_THAT(m, Catch::Contains("slob.toml:10:1") && Catch::Contains("Nowhere/City"));
}

TEST_CASE("snapshot pieces: futures avgCost back to a price, executions keep orderRef", "[ib][snapshot]") {
  PositionMsg p;
  p.contract.symbol = "NQ";
  p.contract.multiplier = "20";
  p.position = -2;
  p.avg_cost = 420005;
  const auto pos = to_position(p);
  CHECK(pos.quantity == -2);
  CHECK(pos.average_cost == Approx(21000.25));

  ExecDetailsMsg e;
  e.exec_id = "0001.01";
  e.order_ref = "slob:a:sl";
  e.side = "SLD";
  e.shares = 1;
  e.price = 20990;
  e.time = "20260106  10:15:00";
  bool ok = false;
  const auto fallback = *sdk::parse_rfc3339("2026-01-06T00:00:00Z");
  auto x = to_execution(e, find_zone("America/New_York"), fallback, ok);
  CHECK(ok);
  CHECK(x.time == *sdk::parse_rfc3339("2026-01-06T15:15:00Z"));
  CHECK(x.side == sdk::Side::kSell);
  CHECK(x.client_ref == "slob:a:sl");
  e.time = "garbage";
  x = to_execution(e, nullptr, fallback, ok);
  CHECK_FALSE(ok);
  CHECK(x.time == fallback);

  SnapshotCollector c(5, 6, fallback, nullptr);
  CHECK_FALSE(c.complete());
  CHECK_THAT(c.missing(), Catch::Contains("positions") && Catch::Contains("account summary"));
  e.time = "20260106-10:15:00";
  c.on_execution(e);
  CommissionReportMsg cr;
  cr.exec_id = "0001.01";
  cr.commission = 2.25;
  c.on_commission(cr);
  AccountSummaryMsg a;
  a.tag = "NetLiquidation";
  a.value = "123456.5";
  c.on_account_summary(a);
  c.on_position_end();
  c.on_open_order_end();
  c.on_completed_end();
  c.on_exec_end();
  c.on_summary_end();
  REQUIRE(c.complete());
  auto snap = c.take(42);
  REQUIRE(snap.executions.size() == 1);
  CHECK(snap.executions[0].commission == 2.25);
  CHECK(snap.equity == 123456.5);
  CHECK(snap.next_valid_order_id == 42);
}
