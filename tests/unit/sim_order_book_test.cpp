// The sim broker's fill model with exact numbers: NQ, multiplier 20, 2.25 commission per side.

#include <chrono>
#include <string>
#include <variant>

#include <catch2/catch.hpp>

#include "order_book.hpp"
#include "slob/sdk/time.hpp"

using namespace slob;
using plugins::sim::BookEvents;
using plugins::sim::BookParams;
using plugins::sim::OrderBook;
using std::chrono::minutes;

namespace {

const sdk::Time kT0 = *sdk::parse_rfc3339("2026-01-06T15:31:00Z");

sdk::Candle bar(int minute, double o, double h, double l, double c) {
  return sdk::Candle{kT0 + minutes(minute), o, h, l, c, 100};
}

sdk::BracketOrder short_bracket(const std::string& id, std::int64_t first_order_id, double entry,
                                double stop, double target, std::int64_t qty = 2) {
  sdk::BracketOrder b;
  b.setup_id = id;
  b.symbol = "NQ";
  b.direction = sdk::Direction::kShort;
  b.quantity = qty;
  b.entry = {sdk::make_client_ref(id, sdk::Leg::kEntry), sdk::Leg::kEntry, sdk::Side::kSell,
             sdk::OrderType::kLimit, entry, first_order_id};
  b.take_profit = {sdk::make_client_ref(id, sdk::Leg::kTakeProfit), sdk::Leg::kTakeProfit,
                   sdk::Side::kBuy, sdk::OrderType::kLimit, target, first_order_id + 1};
  b.stop_loss = {sdk::make_client_ref(id, sdk::Leg::kStopLoss), sdk::Leg::kStopLoss, sdk::Side::kBuy,
                 sdk::OrderType::kStop, stop, first_order_id + 2};
  return b;
}

sdk::BracketOrder long_bracket(const std::string& id, std::int64_t first_order_id, double entry,
                               double stop, double target, std::int64_t qty = 1) {
  sdk::BracketOrder b = short_bracket(id, first_order_id, entry, stop, target, qty);
  b.direction = sdk::Direction::kLong;
  b.entry.side = sdk::Side::kBuy;
  b.take_profit.side = sdk::Side::kSell;
  b.stop_loss.side = sdk::Side::kSell;
  return b;
}

const sdk::OrderReport* find_report(const OrderBook& book, const std::string& ref) {
  for (const auto& o : book.state().orders)
    if (o.report.client_ref == ref) return &o.report;
  return nullptr;
}

sdk::OrderState state_of(const OrderBook& book, const std::string& ref) {
  const auto* r = find_report(book, ref);
  REQUIRE(r != nullptr);
  return r->state;
}

std::vector<sdk::Execution> executions(const BookEvents& events) {
  std::vector<sdk::Execution> out;
  for (const auto& e : events)
    if (const auto* x = std::get_if<sdk::Execution>(&e)) out.push_back(*x);
  return out;
}

}  // namespace

TEST_CASE("short bracket: entry fills through the limit, children from the next bar, target wins") {
  OrderBook book(BookParams{});
  BookEvents ev;
  REQUIRE(book.place_bracket(short_bracket("s1", 1, 25572, 25593, 25400), kT0, ev).is_ok());
  REQUIRE(ev.size() == 3);
  CHECK(std::get<sdk::OrderReport>(ev[0]).state == sdk::OrderState::kWorking);
  CHECK(std::get<sdk::OrderReport>(ev[1]).state == sdk::OrderState::kAcknowledged);
  CHECK(std::get<sdk::OrderReport>(ev[2]).state == sdk::OrderState::kAcknowledged);

  ev.clear();
  CHECK_FALSE(book.evaluate(bar(0, 25560, 25571.75, 25550, 25565), ev));  // below the limit
  // Trades through the limit; the bar also reaches the target, but children are not yet live.
  REQUIRE(book.evaluate(bar(1, 25565, 25580, 25390, 25500), ev));
  auto ex = executions(ev);
  REQUIRE(ex.size() == 1);
  CHECK(ex[0].exec_id == "sim-1");
  CHECK(ex[0].client_ref == "slob:s1:entry");
  CHECK(ex[0].side == sdk::Side::kSell);
  CHECK(ex[0].price == 25572.0);
  CHECK(ex[0].quantity == 2);
  CHECK(ex[0].commission == 4.5);
  CHECK(ex[0].time == kT0 + minutes(1));
  CHECK(state_of(book, "slob:s1:tp") == sdk::OrderState::kWorking);
  CHECK(state_of(book, "slob:s1:sl") == sdk::OrderState::kWorking);
  CHECK(book.position().quantity == -2);
  CHECK(book.position().average_cost == 25572.0);
  CHECK(book.equity() == 100000.0 - 4.5);

  ev.clear();
  REQUIRE(book.evaluate(bar(2, 25500, 25510, 25399.75, 25405), ev));
  ex = executions(ev);
  REQUIRE(ex.size() == 1);
  CHECK(ex[0].exec_id == "sim-2");
  CHECK(ex[0].client_ref == "slob:s1:tp");
  CHECK(ex[0].price == 25400.0);
  CHECK(state_of(book, "slob:s1:tp") == sdk::OrderState::kFilled);
  CHECK(state_of(book, "slob:s1:sl") == sdk::OrderState::kCancelled);
  CHECK(book.position().quantity == 0);
  // (25572 - 25400) points x 2 contracts x 20 - 4 x 2.25 commission.
  CHECK(book.equity() == 100000.0 + 6880.0 - 9.0);
  // Execution precedes the filled report, the OCA cancel comes last.
  REQUIRE(ev.size() == 3);
  CHECK(std::holds_alternative<sdk::Execution>(ev[0]));
  CHECK(std::get<sdk::OrderReport>(ev[1]).client_ref == "slob:s1:tp");
  CHECK(std::get<sdk::OrderReport>(ev[2]).client_ref == "slob:s1:sl");
  CHECK(std::get<sdk::OrderReport>(ev[2]).reason == "OCA");

  ev.clear();
  CHECK_FALSE(book.evaluate(bar(3, 25405, 25700, 25300, 25500), ev));  // nothing left working
}

TEST_CASE("stop and target inside one bar: the stop fills first and cancels the target") {
  OrderBook book(BookParams{});
  BookEvents ev;
  REQUIRE(book.place_bracket(short_bracket("s1", 10, 25572, 25593, 25400), kT0, ev).is_ok());
  REQUIRE(book.evaluate(bar(0, 25570, 25575, 25565, 25570), ev));
  ev.clear();
  REQUIRE(book.evaluate(bar(1, 25570, 25600, 25390, 25450), ev));
  const auto ex = executions(ev);
  REQUIRE(ex.size() == 1);
  CHECK(ex[0].client_ref == "slob:s1:sl");
  CHECK(ex[0].price == 25593.0);
  CHECK(state_of(book, "slob:s1:tp") == sdk::OrderState::kCancelled);
  // (25572 - 25593) x 2 x 20 = -840, minus 9 commission.
  CHECK(book.equity() == 100000.0 - 840.0 - 9.0);
  CHECK(book.next_valid_order_id() == 13);
}

TEST_CASE("a stop gapped through fills at the open") {
  OrderBook book(BookParams{});
  BookEvents ev;
  REQUIRE(book.place_bracket(short_bracket("s1", 1, 25572, 25593, 25400, 1), kT0, ev).is_ok());
  REQUIRE(book.evaluate(bar(0, 25570, 25575, 25565, 25570), ev));
  ev.clear();
  REQUIRE(book.evaluate(bar(1, 25595, 25610, 25590, 25600), ev));
  const auto ex = executions(ev);
  REQUIRE(ex.size() == 1);
  CHECK(ex[0].price == 25595.0);
  CHECK(book.equity() == 100000.0 - 23.0 * 20 - 4.5);
}

TEST_CASE("long bracket mirrors: BUY limit fills when low <= price, SELL stop below") {
  OrderBook book(BookParams{});
  BookEvents ev;
  REQUIRE(book.place_bracket(long_bracket("l1", 1, 25400, 25380.5, 25480, 3), kT0, ev).is_ok());
  CHECK_FALSE(book.evaluate(bar(0, 25410, 25420, 25400.25, 25405), ev));
  REQUIRE(book.evaluate(bar(1, 25405, 25490, 25399, 25410), ev));  // entry only: target waits
  CHECK(book.position().quantity == 3);
  ev.clear();
  REQUIRE(book.evaluate(bar(2, 25410, 25480, 25405, 25470), ev));
  const auto ex = executions(ev);
  REQUIRE(ex.size() == 1);
  CHECK(ex[0].client_ref == "slob:l1:tp");
  CHECK(ex[0].side == sdk::Side::kSell);
  CHECK(ex[0].price == 25480.0);
  // 80 points x 3 x 20 = 4800, commission 6 x 2.25 = 13.5.
  CHECK(book.equity() == 100000.0 + 4800.0 - 13.5);

  OrderBook stopped(BookParams{});
  REQUIRE(stopped.place_bracket(long_bracket("l2", 1, 25400, 25380.5, 25480, 1), kT0, ev).is_ok());
  REQUIRE(stopped.evaluate(bar(0, 25405, 25406, 25399, 25400), ev));
  ev.clear();
  REQUIRE(stopped.evaluate(bar(1, 25400, 25500, 25380.5, 25450), ev));  // both: stop first
  const auto ex2 = executions(ev);
  REQUIRE(ex2.size() == 1);
  CHECK(ex2[0].client_ref == "slob:l2:sl");
  CHECK(ex2[0].price == 25380.5);
  CHECK(stopped.equity() == 100000.0 - 19.5 * 20 - 4.5);
}

TEST_CASE("an order placed at T is eligible only in bars starting at or after T") {
  OrderBook book(BookParams{});
  BookEvents ev;
  REQUIRE(book.place_bracket(short_bracket("s1", 1, 25572, 25593, 25400), kT0 + minutes(2), ev)
              .is_ok());
  ev.clear();
  CHECK_FALSE(book.evaluate(bar(1, 25570, 25580, 25560, 25575), ev));  // a bar already past
  REQUIRE(book.evaluate(bar(2, 25570, 25580, 25560, 25575), ev));
  CHECK(book.position().quantity == -2);
}

TEST_CASE("cancel: an unfilled entry takes its children along, unknown and final refs fail") {
  OrderBook book(BookParams{});
  BookEvents ev;
  REQUIRE(book.place_bracket(short_bracket("s1", 1, 25572, 25593, 25400), kT0, ev).is_ok());
  ev.clear();
  REQUIRE(book.cancel("slob:s1:entry", ev).is_ok());
  REQUIRE(ev.size() == 3);
  for (const char* leg : {"entry", "tp", "sl"})
    CHECK(state_of(book, std::string("slob:s1:") + leg) == sdk::OrderState::kCancelled);
  CHECK_FALSE(book.evaluate(bar(0, 25570, 25700, 25300, 25575), ev));
  CHECK(book.cancel("slob:s1:entry", ev).code() == sdk::StatusCode::kFailedPrecondition);
  CHECK(book.cancel("slob:nope:entry", ev).code() == sdk::StatusCode::kNotFound);

  // Cancelling one child of a live position leaves the other working.
  REQUIRE(book.place_bracket(short_bracket("s2", 4, 25572, 25593, 25400), kT0, ev).is_ok());
  REQUIRE(book.evaluate(bar(1, 25570, 25575, 25565, 25570), ev));
  ev.clear();
  REQUIRE(book.cancel("slob:s2:tp", ev).is_ok());
  CHECK(ev.size() == 1);
  CHECK(state_of(book, "slob:s2:sl") == sdk::OrderState::kWorking);
}

TEST_CASE("bad brackets are refused and leave the book unchanged") {
  OrderBook book(BookParams{});
  BookEvents ev;
  REQUIRE(book.place_bracket(short_bracket("s1", 5, 25572, 25593, 25400), kT0, ev).is_ok());
  const auto orders_before = book.state().orders.size();

  auto dup = short_bracket("s1", 20, 25572, 25593, 25400);
  auto st = book.place_bracket(dup, kT0, ev);
  CHECK(st.code() == sdk::StatusCode::kInvalidArgument);
  CHECK(st.message() == "duplicate order reference \"slob:s1:entry\"");

  st = book.place_bracket(short_bracket("s2", 7, 25572, 25593, 25400), kT0, ev);
  CHECK(st.message() == "order id 7 of \"slob:s2:entry\" is not above the highest used, 7");

  auto off_tick = short_bracket("s3", 30, 25572.1, 25593, 25400);
  CHECK(book.place_bracket(off_tick, kT0, ev).code() == sdk::StatusCode::kInvalidArgument);

  auto wrong_side = short_bracket("s4", 40, 25572, 25593, 25400);
  wrong_side.stop_loss.side = sdk::Side::kSell;
  st = book.place_bracket(wrong_side, kT0, ev);
  CHECK(st.message() == "bracket sl leg of \"s4\" must be a BUY STP for a SHORT");

  auto other_symbol = short_bracket("s5", 50, 25572, 25593, 25400);
  other_symbol.symbol = "ES";
  CHECK(book.place_bracket(other_symbol, kT0, ev).code() == sdk::StatusCode::kInvalidArgument);

  auto zero = short_bracket("s6", 60, 25572, 25593, 25400, 0);
  CHECK(book.place_bracket(zero, kT0, ev).code() == sdk::StatusCode::kInvalidArgument);

  CHECK(book.state().orders.size() == orders_before);
  CHECK(book.next_valid_order_id() == 8);
}

TEST_CASE("flatten: market order for the whole position at the next bar's open") {
  OrderBook book(BookParams{});
  BookEvents ev;
  CHECK(book.flatten("NQ", "slob:flatten:1", 1, kT0, ev).code() ==
        sdk::StatusCode::kFailedPrecondition);
  REQUIRE(book.place_bracket(short_bracket("s1", 1, 25572, 25593, 25400), kT0, ev).is_ok());
  REQUIRE(book.evaluate(bar(0, 25570, 25575, 25565, 25570), ev));
  REQUIRE(book.flatten("NQ", "slob:flatten:1", 4, kT0 + minutes(1), ev).is_ok());
  const auto* f = find_report(book, "slob:flatten:1");
  REQUIRE(f != nullptr);
  CHECK(f->side == sdk::Side::kBuy);
  CHECK(f->type == sdk::OrderType::kMarket);
  CHECK(f->quantity == 2);
  ev.clear();
  // Market fills at the open (25560) before the children are looked at.
  REQUIRE(book.evaluate(bar(1, 25560, 25565, 25555, 25562), ev));
  const auto ex = executions(ev);
  REQUIRE(ex.size() == 1);
  CHECK(ex[0].price == 25560.0);
  CHECK(book.position().quantity == 0);
  CHECK(book.equity() == 100000.0 + 12.0 * 2 * 20 - 9.0);
  // The bracket children still work: cancelling them is the host's job, as with IB.
  CHECK(state_of(book, "slob:s1:sl") == sdk::OrderState::kWorking);
}

TEST_CASE("after the data ends a market order fills at the frozen last close") {
  OrderBook book(BookParams{});
  BookEvents ev;
  REQUIRE(book.place_bracket(short_bracket("s1", 1, 25572, 25593, 25400), kT0, ev).is_ok());
  REQUIRE(book.evaluate(bar(0, 25570, 25575, 25565, 25570), ev));
  CHECK_FALSE(book.fill_market_orders_at(25566.0, kT0 + minutes(1), ev));  // nothing at market
  REQUIRE(book.flatten("NQ", "slob:s1:flatten", 4, kT0 + minutes(1), ev).is_ok());
  ev.clear();
  REQUIRE(book.fill_market_orders_at(25566.0, kT0 + minutes(1), ev));
  const auto ex = executions(ev);
  REQUIRE(ex.size() == 1);
  CHECK(ex[0].client_ref == "slob:s1:flatten");
  CHECK(ex[0].price == 25566.0);
  CHECK(ex[0].time == kT0 + minutes(1));
  CHECK(book.position().quantity == 0);
  // Limit and stop orders are not market orders: they keep waiting for a bar.
  CHECK(state_of(book, "slob:s1:tp") == sdk::OrderState::kWorking);
}

TEST_CASE("snapshot: position, open and completed orders, executions since, equity, next id") {
  OrderBook book(BookParams{});
  BookEvents ev;
  REQUIRE(book.place_bracket(short_bracket("s1", 1, 25572, 25593, 25400), kT0, ev).is_ok());
  REQUIRE(book.evaluate(bar(0, 25570, 25575, 25565, 25570), ev));
  REQUIRE(book.place_bracket(short_bracket("s2", 4, 25600, 25620, 25500), kT0, ev).is_ok());
  REQUIRE(book.cancel("slob:s2:entry", ev).is_ok());

  const auto snap = book.snapshot(kT0, kT0 + minutes(5));
  CHECK(snap.taken == kT0 + minutes(5));
  REQUIRE(snap.positions.size() == 1);
  CHECK(snap.positions[0].symbol == "NQ");
  CHECK(snap.positions[0].quantity == -2);
  CHECK(snap.positions[0].average_cost == 25572.0);
  REQUIRE(snap.open_orders.size() == 2);
  CHECK(snap.open_orders[0].client_ref == "slob:s1:tp");
  CHECK(snap.open_orders[1].client_ref == "slob:s1:sl");
  REQUIRE(snap.completed_orders.size() == 4);
  CHECK(snap.completed_orders[0].client_ref == "slob:s1:entry");
  CHECK(snap.completed_orders[0].filled == 2);
  CHECK(snap.completed_orders[0].avg_fill_price == 25572.0);
  CHECK(snap.completed_orders[0].perm_id == 1);
  REQUIRE(snap.executions.size() == 1);
  CHECK(snap.executions[0].exec_id == "sim-1");
  REQUIRE(snap.equity.has_value());
  CHECK(*snap.equity == 100000.0 - 4.5);
  CHECK(snap.next_valid_order_id == 7);
  CHECK(book.snapshot(kT0 + minutes(1), kT0).executions.empty());
}

TEST_CASE("commission and multiplier come from the parameters") {
  BookParams p;
  p.commission_per_contract = 1.0;
  p.multiplier = 2.0;  // MNQ
  p.starting_equity = 5000;
  OrderBook book(p);
  BookEvents ev;
  REQUIRE(book.place_bracket(short_bracket("s1", 1, 25572, 25593, 25400, 4), kT0, ev).is_ok());
  REQUIRE(book.evaluate(bar(0, 25570, 25575, 25565, 25570), ev));
  REQUIRE(book.evaluate(bar(1, 25570, 25572, 25400, 25450), ev));
  CHECK(book.equity() == 5000.0 + 172.0 * 4 * 2 - 8.0);
}
