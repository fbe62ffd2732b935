// The order journal (core/src/trading/order_journal.cpp): order ids, reports, fills, the
// reconciliation's verdicts and the re-sends that wait for the gate. Simulated time only.

#include <catch2/catch.hpp>

#include "trading/order_journal.hpp"

namespace sdk = slob::sdk;
using slob::core::OrderJournal;
using slob::core::OrderResolution;
using namespace std::chrono_literals;

namespace {

const sdk::Time kT0 = *sdk::parse_rfc3339("2026-01-06T14:35:00Z");

// A short bracket of `qty` with ids from `base`, as the engine builds one.
sdk::BracketOrder bracket(const std::string& setup, std::int64_t base, std::int64_t qty = 2) {
  sdk::BracketOrder o;
  o.setup_id = setup;
  o.symbol = "NQ";
  o.direction = sdk::Direction::kShort;
  o.quantity = qty;
  o.entry = {sdk::make_client_ref(setup, sdk::Leg::kEntry), sdk::Leg::kEntry, sdk::Side::kSell,
             sdk::OrderType::kLimit, 25572, base};
  o.take_profit = {sdk::make_client_ref(setup, sdk::Leg::kTakeProfit), sdk::Leg::kTakeProfit,
                   sdk::Side::kBuy, sdk::OrderType::kLimit, 25530, base + 1};
  o.stop_loss = {sdk::make_client_ref(setup, sdk::Leg::kStopLoss), sdk::Leg::kStopLoss,
                 sdk::Side::kBuy, sdk::OrderType::kStop, 25593, base + 2};
  return o;
}

sdk::OrderReport report(const std::string& ref, sdk::OrderState state, std::int64_t filled = 0) {
  sdk::OrderReport r;
  r.client_ref = ref;
  r.state = state;
  r.filled = filled;
  return r;
}

sdk::Execution fill(const std::string& ref, const std::string& id, std::int64_t qty) {
  sdk::Execution e;
  e.exec_id = id;
  e.client_ref = ref;
  e.quantity = qty;
  return e;
}

std::vector<OrderResolution> never_received(const sdk::BracketOrder& o) {
  std::vector<OrderResolution> r;
  for (const auto* leg : {&o.entry, &o.take_profit, &o.stop_loss}) {
    OrderResolution x;
    x.client_ref = leg->client_ref;
    x.state = sdk::OrderState::kIntent;
    x.resend = true;
    r.push_back(x);
  }
  return r;
}

}  // namespace

TEST_CASE("order journal: ids start above the broker's next id and the stored high-water mark",
          "[journal]") {
  OrderJournal journal;
  sdk::HostState state;
  CHECK(journal.reserve_ids(state, 3) == 1);
  CHECK(state.order_id_high_water == 3);
  journal.raise_next_valid_id(100);
  CHECK(journal.reserve_ids(state, 3) == 100);
  CHECK(state.order_id_high_water == 102);
  // A reconnect's nextValidId below what was used: the high-water mark wins; never lowered.
  journal.raise_next_valid_id(50);
  CHECK(journal.reserve_ids(state, 1) == 103);
  CHECK(state.order_id_high_water == 103);
}

TEST_CASE("order journal: an intent is three live entries until the commit fails", "[journal]") {
  OrderJournal journal;
  auto entries = journal.record_intent(bracket("S1", 10), kT0, "sized 2");
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].state == sdk::OrderState::kIntent);
  CHECK(entries[1].broker_order_id == 11);
  CHECK(entries[2].note == "sized 2");
  CHECK(journal.size() == 3);
  CHECK(journal.has_unknown());
  journal.forget(entries);
  CHECK(journal.size() == 0);
  CHECK_FALSE(journal.has_unknown());
}

TEST_CASE("order journal: reports move an entry forward only, once", "[journal]") {
  OrderJournal journal;
  const auto o = bracket("S1", 10);
  journal.record_intent(o, kT0, "");
  auto working = journal.apply_report(report(o.entry.client_ref, sdk::OrderState::kWorking), kT0 + 1s);
  REQUIRE(working);
  CHECK(working->state == sdk::OrderState::kWorking);
  CHECK(working->note == "broker reports working");
  // The same report again changes nothing.
  CHECK_FALSE(journal.apply_report(report(o.entry.client_ref, sdk::OrderState::kWorking), kT0 + 2s));

  auto rejected = report(o.take_profit.client_ref, sdk::OrderState::kRejected);
  rejected.reason = "201 order rejected";
  auto r = journal.apply_report(rejected, kT0 + 3s);
  REQUIRE(r);
  CHECK(r->note == "201 order rejected");
  CHECK_FALSE(journal.find(o.take_profit.client_ref));  // final: out of the journal
  // A late "working" for the rejected leg is not ours any more.
  CHECK_FALSE(journal.apply_report(report(o.take_profit.client_ref, sdk::OrderState::kWorking), kT0 + 4s));
  CHECK_FALSE(journal.apply_report(report("manual-1", sdk::OrderState::kWorking), kT0));
}

TEST_CASE("order journal: partial fills add up, and the entry leaves when filled", "[journal]") {
  OrderJournal journal;
  const auto o = bracket("S1", 10, 3);
  journal.record_intent(o, kT0, "");
  auto first = journal.apply_fill(fill(o.entry.client_ref, "x1", 1), kT0 + 1s);
  REQUIRE(first);
  CHECK(first->filled == 1);
  CHECK(first->state == sdk::OrderState::kIntent);  // a fill is not a state report
  CHECK(journal.find(o.entry.client_ref));
  CHECK(journal.working(true).empty());  // something filled: not an unfilled entry any more
  auto second = journal.apply_fill(fill(o.entry.client_ref, "x2", 2), kT0 + 2s);
  REQUIRE(second);
  CHECK(second->filled == 3);
  CHECK(second->state == sdk::OrderState::kFilled);
  CHECK(second->note == "filled by x2");
  CHECK_FALSE(journal.find(o.entry.client_ref));
  CHECK_FALSE(journal.apply_fill(fill(o.entry.client_ref, "x3", 1), kT0 + 3s));
}

TEST_CASE("order journal: a refused bracket is rejected leg by leg, with the reason", "[journal]") {
  OrderJournal journal;
  const auto o = bracket("S1", 10);
  journal.record_intent(o, kT0, "");
  auto legs = journal.reject(o, "not connected", kT0 + 1s);
  REQUIRE(legs.size() == 3);
  for (const auto& e : legs) {
    CHECK(e.state == sdk::OrderState::kRejected);
    CHECK(e.note == "refused by the broker plugin: not connected");
  }
  CHECK(journal.size() == 0);
}

TEST_CASE("order journal: never-received brackets re-sent in id order while fresh, cancelled when stale",
          "[journal]") {
  OrderJournal journal;
  const auto late = bracket("S10", 10);
  const auto early = bracket("S8", 8 - 2);  // ids 6..8: journalled first
  const auto old = bracket("S1", 1);
  journal.record_intent(old, kT0 - 5min, "");
  journal.record_intent(early, kT0, "");
  journal.record_intent(late, kT0 + 10s, "");
  for (const auto* o : {&late, &early, &old}) {
    auto changed = journal.apply_resolutions(never_received(*o), kT0 + 20s);
    CHECK(changed.empty());
  }
  REQUIRE(journal.has_resends());
  auto due = journal.take_due_resends(kT0 + 30s, 60s);
  REQUIRE(due.send.size() == 2);
  CHECK(due.send[0].setup_id == "S8");
  CHECK(due.send[1].setup_id == "S10");
  CHECK(due.send[1].stop_loss.broker_order_id == 12);
  CHECK(due.send[1].direction == sdk::Direction::kShort);
  REQUIRE(due.stale.size() == 3);  // S1, 5 minutes old: cancelled, every leg
  for (const auto& e : due.stale) {
    CHECK(e.setup_id == "S1");
    CHECK(e.state == sdk::OrderState::kCancelled);
  }
  CHECK_FALSE(journal.has_resends());
}

TEST_CASE("order journal: a re-send made after `now` waits, with every later one", "[journal]") {
  OrderJournal journal;
  const auto a = bracket("A", 1);
  const auto b = bracket("B", 4);
  journal.record_intent(a, kT0, "");
  journal.record_intent(b, kT0 + 1min, "");
  journal.apply_resolutions(never_received(a), kT0);
  journal.apply_resolutions(never_received(b), kT0);
  // A replay restarted behind both candles: the market is before either moment.
  auto due = journal.take_due_resends(kT0 - 1min, 60s);
  CHECK(due.send.empty());
  CHECK(due.stale.empty());
  CHECK(journal.has_resends());
  due = journal.take_due_resends(kT0 + 30s, 60s);
  REQUIRE(due.send.size() == 1);
  CHECK(due.send[0].setup_id == "A");
  due = journal.take_due_resends(kT0 + 90s, 60s);
  REQUIRE(due.send.size() == 1);
  CHECK(due.send[0].setup_id == "B");
}

TEST_CASE("order journal: a bracket only partly unknown to the broker is not re-sent", "[journal]") {
  OrderJournal journal;
  const auto o = bracket("S1", 1);
  journal.record_intent(o, kT0, "");
  auto verdicts = never_received(o);
  verdicts[0].state = sdk::OrderState::kWorking;
  verdicts[0].perm_id = 77;
  verdicts[0].note = "found in open orders";
  verdicts[0].resend = false;
  auto changed = journal.apply_resolutions(verdicts, kT0);
  REQUIRE(changed.size() == 1);
  CHECK(changed[0].perm_id == 77);
  CHECK_FALSE(journal.has_resends());
}

TEST_CASE("order journal: what a shutdown cancels", "[journal]") {
  OrderJournal journal;
  const auto filled = bracket("F", 1);
  const auto waiting = bracket("W", 4);
  journal.record_intent(filled, kT0, "");
  journal.record_intent(waiting, kT0, "");
  journal.apply_fill(fill(filled.entry.client_ref, "x1", 2), kT0);
  auto open = [](const std::string& setup) { return setup == "F"; };
  // Entries only: the unfilled entry; its exit legs go with it at the broker.
  CHECK(journal.cancel_targets(true, open) == std::vector<std::string>{waiting.entry.client_ref});
  // Everything: also the exit legs of the open trade.
  const auto all = journal.cancel_targets(false, open);
  CHECK(all.size() == 3);
  CHECK(journal.working(false).size() == 5);
}
