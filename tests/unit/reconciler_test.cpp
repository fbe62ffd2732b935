// Reconciliation as a pure function, including property tests: shuffled, duplicated and dropped
// reports never produce a wrong action.

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "trading/reconciler.hpp"

using namespace std::chrono_literals;
using slob::core::FindingKind;
using slob::core::reconcile;
using slob::core::ReconcileInput;
using slob::core::ReconcilePolicy;
namespace sdk = slob::sdk;

namespace {

const sdk::Time kT0 = sdk::Time{} + std::chrono::hours(24 * 20000);

sdk::TradeRecord short_trade(const std::string& id, std::int64_t qty) {
  sdk::TradeRecord t;
  t.id = id;
  t.symbol = "NQ";
  t.direction = sdk::Direction::kShort;
  t.quantity = qty;
  t.entry_price = 25572;
  t.entry_time = kT0;
  return t;
}

sdk::OrderReport working(const std::string& ref, sdk::OrderState st = sdk::OrderState::kWorking) {
  sdk::OrderReport r;
  r.client_ref = ref;
  r.symbol = "NQ";
  r.state = st;
  r.broker_order_id = 7;
  return r;
}

sdk::JournalEntry entry(const std::string& ref, sdk::OrderState st, std::int64_t qty = 2) {
  sdk::JournalEntry e;
  e.client_ref = ref;
  e.setup_id = "S1";
  e.symbol = "NQ";
  e.state = st;
  e.quantity = qty;
  e.created = kT0;
  return e;
}

bool has(const slob::core::ReconcileResult& r, FindingKind k) {
  return std::any_of(r.findings.begin(), r.findings.end(), [k](const auto& f) { return f.kind == k; });
}

// The open position of S1 with both children working, as the broker should report it.
ReconcileInput healthy() {
  ReconcileInput in;
  in.now = kT0;
  in.open_trades = {short_trade("S1", 2)};
  in.snapshot.positions = {{"NQ", -2, 25572}};
  in.snapshot.open_orders = {working("slob:S1:tp"), working("slob:S1:sl")};
  return in;
}

}  // namespace

TEST_CASE("all matching: no findings, no actions", "[reconcile]") {
  auto r = reconcile(healthy(), {});
  CHECK(r.findings.empty());
  CHECK(r.resolutions.empty());
  CHECK(r.closures.empty());
  CHECK_FALSE(r.requires_safe_mode());
}

TEST_CASE("a position at the broker with no trade: safe mode naming symbol and quantity", "[reconcile]") {
  ReconcileInput in;
  in.snapshot.positions = {{"NQ", 3, 25000}};
  auto r = reconcile(in, {});
  REQUIRE(r.requires_safe_mode());
  CHECK(r.safe_mode_reason() ==
        "position NQ 3 at the broker has no trade in the store (opened outside the bot?)");
  ReconcilePolicy adopt{true};
  CHECK_FALSE(reconcile(in, adopt).requires_safe_mode());
}

TEST_CASE("a trade open in the store, flat at the broker: closed from the executions", "[reconcile]") {
  ReconcileInput in = healthy();
  in.snapshot.positions.clear();
  in.snapshot.open_orders.clear();
  sdk::Execution e;
  e.exec_id = "x1";
  e.client_ref = "slob:S1:sl";
  e.price = 25593;
  e.quantity = 2;
  e.time = kT0 + 5min;
  in.snapshot.executions = {e};
  auto r = reconcile(in, {});
  CHECK_FALSE(r.requires_safe_mode());
  REQUIRE(r.closures.size() == 1);
  CHECK(r.closures[0].trade_id == "S1");
  CHECK(r.closures[0].exit_price == 25593);
  CHECK(r.closures[0].reason == "stop_loss");

  in.snapshot.executions.clear();
  r = reconcile(in, {});
  REQUIRE(r.closures.size() == 1);
  CHECK_FALSE(r.closures[0].exit_price);
  CHECK(r.closures[0].reason == "closed_externally");
}

TEST_CASE("a trade closed outside the bot: the exit price from the broker's execution", "[reconcile]") {
  ReconcileInput in = healthy();
  in.snapshot.positions.clear();
  auto execution = [](const std::string& id, const std::string& ref, sdk::Side side, double price,
                      sdk::Time t) {
    sdk::Execution e;
    e.exec_id = id;
    e.client_ref = ref;
    e.symbol = "NQ";
    e.side = side;
    e.quantity = 2;
    e.price = price;
    e.time = t;
    return e;
  };
  in.snapshot.executions = {
      execution("x0", "", sdk::Side::kBuy, 25000, kT0 - 1h),    // before the entry: not this one
      execution("x1", "", sdk::Side::kSell, 25900, kT0 + 1min),  // the wrong side: not a close
      execution("x2", "", sdk::Side::kBuy, 25550.25, kT0 + 3min),
      execution("x9", "slob:S1:entry", sdk::Side::kSell, 25572, kT0)};
  auto r = reconcile(in, {});
  CHECK_FALSE(r.requires_safe_mode());
  REQUIRE(r.closures.size() == 1);
  CHECK(r.closures[0].reason == "closed_externally");
  REQUIRE(r.closures[0].exit_price);
  CHECK(*r.closures[0].exit_price == 25550.25);
  CHECK(r.closures[0].exit_time == kT0 + 3min);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].message ==
        "trade S1 is open in the store but NQ is flat at the broker; closing it as "
        "closed_externally at 25550.25");
}

TEST_CASE("quantity or side mismatch: safe mode", "[reconcile]") {
  ReconcileInput in = healthy();
  in.snapshot.positions = {{"NQ", -1, 25572}};
  CHECK(has(reconcile(in, {}), FindingKind::kQuantityMismatch));
  in.snapshot.positions = {{"NQ", 2, 25572}};
  auto r = reconcile(in, {});
  CHECK(r.safe_mode_reason() == "position NQ is 2 at the broker but -2 in the store");
}

TEST_CASE("a bracket child missing while the position is open: safe mode", "[reconcile]") {
  ReconcileInput in = healthy();
  in.snapshot.open_orders = {working("slob:S1:tp")};
  auto r = reconcile(in, {});
  REQUIRE(r.requires_safe_mode());
  CHECK(r.safe_mode_reason() ==
        "position NQ -2 (trade S1) is open but its stop-loss slob:S1:sl is not working at the broker");
}

TEST_CASE("unresolved journal entries are looked up, never re-sent blindly", "[reconcile]") {
  ReconcileInput in;
  in.now = kT0 + 30s;
  in.unresolved_orders = {entry("slob:S1:entry", sdk::OrderState::kIntent),
                          entry("slob:S2:entry", sdk::OrderState::kSent),
                          entry("slob:S3:entry", sdk::OrderState::kIntent),
                          entry("slob:S4:entry", sdk::OrderState::kIntent)};
  in.unresolved_orders[3].created = kT0 - 10min;  // old
  sdk::OrderReport done = working("slob:S3:entry", sdk::OrderState::kFilled);
  done.filled = 2;
  in.snapshot.completed_orders = {done};
  auto r = reconcile(in, {});
  // S1: fresh intent unknown to the broker → resend; S2: sent but unknown → unresolved, safe mode;
  // S3: found completed → filled; S4: old intent unknown → cancelled, not re-sent.
  REQUIRE(r.resolutions.size() == 3);
  CHECK(r.resolutions[0].client_ref == "slob:S1:entry");
  CHECK(r.resolutions[0].resend);
  CHECK(r.resolutions[1].client_ref == "slob:S3:entry");
  CHECK(r.resolutions[1].state == sdk::OrderState::kFilled);
  CHECK(r.resolutions[2].client_ref == "slob:S4:entry");
  CHECK(r.resolutions[2].state == sdk::OrderState::kCancelled);
  CHECK_FALSE(r.resolutions[2].resend);
  CHECK(r.requires_safe_mode());
  CHECK(has(r, FindingKind::kOrderUnresolved));
}

TEST_CASE("property: shuffled, duplicated and dropped reports never give a wrong action", "[reconcile][property]") {
  std::mt19937 rng(20261201);
  for (int round = 0; round < 500; ++round) {
    ReconcileInput in = healthy();
    sdk::OrderReport entry_done = working("slob:S1:entry", sdk::OrderState::kFilled);
    entry_done.filled = 2;
    in.snapshot.completed_orders = {entry_done};
    sdk::Execution fill;
    fill.exec_id = "e1";
    fill.client_ref = "slob:S1:entry";
    fill.quantity = 2;
    fill.price = 25572;
    in.snapshot.executions = {fill};
    const auto expected = reconcile(in, {});
    REQUIRE_FALSE(expected.requires_safe_mode());

    // Duplicate and shuffle every report list: the verdict must not change.
    ReconcileInput noisy = in;
    auto noise = [&](auto& v) {
      const auto copy = v;
      for (const auto& x : copy)
        if (rng() % 2) v.push_back(x);
      std::shuffle(v.begin(), v.end(), rng);
    };
    noise(noisy.snapshot.open_orders);
    noise(noisy.snapshot.completed_orders);
    noise(noisy.snapshot.executions);
    noise(noisy.snapshot.positions);
    noise(noisy.open_trades);
    const auto got = reconcile(noisy, {});
    CHECK_FALSE(got.requires_safe_mode());
    CHECK(got.closures.empty());

    // Dropping a report may only make it stricter (safe mode), never close or resolve wrongly.
    ReconcileInput dropped = noisy;
    const int which = static_cast<int>(rng() % 3);
    if (which == 0) dropped.snapshot.open_orders.clear();
    if (which == 1) dropped.snapshot.positions.clear();
    if (which == 2) dropped.snapshot.completed_orders.clear();
    const auto strict = reconcile(dropped, {});
    for (const auto& c : strict.closures) CHECK(c.trade_id == "S1");
    if (which == 0) CHECK(strict.requires_safe_mode());
    if (which == 1) CHECK(strict.closures.size() == 1);
    for (const auto& res : strict.resolutions) CHECK(res.state != sdk::OrderState::kIntent);
  }
}
