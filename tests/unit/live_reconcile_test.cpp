// Live reconciliation on simulated time: which reports start one, when a request waits, and the
// periodic backstop while Running.

#include <catch2/catch.hpp>

#include "trading/live_reconcile.hpp"
#include "runtime/simulated_clock.hpp"

using namespace std::chrono_literals;
using slob::core::LiveReconcile;
using Readiness = slob::core::LiveReconcile::Readiness;
namespace sdk = slob::sdk;

namespace {

struct Harness {
  slob::core::SimulatedClock clock;
  Readiness readiness = Readiness::kNow;
  std::vector<std::pair<sdk::Time, std::string>> started;
  LiveReconcile live;

  Harness()
      : live(clock, 5min, 1s,
             {[this] { return readiness; },
              [this](const std::string& why) { started.emplace_back(clock.now(), why); }}) {}
};

sdk::JournalEntry working(const std::string& ref, sdk::OrderType type, double price) {
  sdk::JournalEntry e;
  e.client_ref = ref;
  e.setup_id = "20990105-S-0905";
  e.type = type;
  e.price = price;
  e.quantity = 2;
  e.state = sdk::OrderState::kWorking;
  return e;
}

sdk::OrderReport report(const std::string& ref, sdk::OrderState state, double price, std::int64_t quantity = 2) {
  sdk::OrderReport r;
  r.client_ref = ref;
  r.state = state;
  r.price = price;
  r.quantity = quantity;
  return r;
}

}  // namespace

TEST_CASE("an order of ours cancelled, rejected or modified at the broker is not ours, a fill or ack is",
          "[live-reconcile]") {
  const auto sl = working("slob:20990105-S-0905:sl", sdk::OrderType::kStop, 20035);
  CHECK(*slob::core::unexpected_order_report(report(sl.client_ref, sdk::OrderState::kCancelled, 20035), &sl) ==
        "order slob:20990105-S-0905:sl (setup 20990105-S-0905) cancelled at the broker");
  CHECK(slob::core::unexpected_order_report(report(sl.client_ref, sdk::OrderState::kRejected, 20035), &sl));
  CHECK(*slob::core::unexpected_order_report(report(sl.client_ref, sdk::OrderState::kWorking, 20040.25), &sl) ==
        "order slob:20990105-S-0905:sl (setup 20990105-S-0905) modified at the broker: price 20035 -> 20040.25");
  CHECK(*slob::core::unexpected_order_report(report(sl.client_ref, sdk::OrderState::kWorking, 20035, 1), &sl) ==
        "order slob:20990105-S-0905:sl (setup 20990105-S-0905) modified at the broker: quantity 2 -> 1");
  // What the daemon's own orders do.
  CHECK_FALSE(slob::core::unexpected_order_report(report(sl.client_ref, sdk::OrderState::kWorking, 20035), &sl));
  CHECK_FALSE(slob::core::unexpected_order_report(report(sl.client_ref, sdk::OrderState::kFilled, 20035), &sl));
  // A report without a price says nothing about it; a market order has none.
  CHECK_FALSE(slob::core::unexpected_order_report(report(sl.client_ref, sdk::OrderState::kWorking, 0), &sl));
  const auto flatten = working("slob:x:flatten", sdk::OrderType::kMarket, 0);
  CHECK_FALSE(slob::core::unexpected_order_report(report(flatten.client_ref, sdk::OrderState::kWorking, 20014), &flatten));
  // Not in the journal (someone else's order, or one already final here): nothing new.
  CHECK_FALSE(slob::core::unexpected_order_report(report("", sdk::OrderState::kCancelled, 1), nullptr));
  auto done = sl;
  done.state = sdk::OrderState::kCancelled;
  CHECK_FALSE(slob::core::unexpected_order_report(report(sl.client_ref, sdk::OrderState::kCancelled, 20035), &done));
}

TEST_CASE("an execution without a slob reference and a position the trades do not explain are not ours",
          "[live-reconcile]") {
  sdk::Execution e;
  e.exec_id = "0000e5a1.00000007.01.01";
  e.symbol = "NQ";
  e.side = sdk::Side::kBuy;
  e.quantity = 1;
  e.price = 20015.25;
  CHECK(*slob::core::unexpected_execution(e) ==
        "execution 0000e5a1.00000007.01.01 BUY 1 NQ @ 20015.25 has no slob reference (a trade outside the bot)");
  e.client_ref = "slob:s:entry";
  CHECK_FALSE(slob::core::unexpected_execution(e));

  CHECK(*slob::core::unexpected_position({"NQ", 1, 20015}, 0) == "position NQ 1 at the broker, 0 by the open trades");
  CHECK_FALSE(slob::core::unexpected_position({"NQ", -2, 20014}, -2));
  CHECK_FALSE(slob::core::unexpected_position({"NQ", 0, 0}, 0));
}

TEST_CASE("a request starts a reconciliation at once while Running, and only then", "[live-reconcile]") {
  Harness h;
  h.live.request("before Running");
  CHECK(h.started.empty());
  h.live.set_running(true);
  h.live.request("position NQ 1 at the broker, 0 by the open trades");
  REQUIRE(h.started.size() == 1);
  CHECK(h.started[0].first == h.clock.now());
  CHECK(h.started[0].second == "position NQ 1 at the broker, 0 by the open trades");
  CHECK(h.live.started() == 1);
  CHECK(h.live.last_reason() == h.started[0].second);
}

TEST_CASE("a request while a snapshot is collected waits for it to end, then goes once", "[live-reconcile]") {
  Harness h;
  h.live.set_running(true);
  h.readiness = Readiness::kLater;
  h.live.request("first");
  h.live.request("second");  // the first waiting one is the one named
  CHECK(h.started.empty());
  h.clock.advance(200ms);
  h.readiness = Readiness::kNow;
  h.live.finished();
  REQUIRE(h.started.size() == 1);
  CHECK(h.started[0].second == "first");
  // Nothing waits any more: the retry timer does not start another.
  h.clock.advance(2s);
  CHECK(h.started.size() == 1);
}

TEST_CASE("a request that must wait retries on its own when nothing ends", "[live-reconcile]") {
  Harness h;
  h.live.set_running(true);
  h.readiness = Readiness::kLater;  // e.g. a bracket in flight
  const sdk::Time t0 = h.clock.now();
  h.live.request("order cancelled at the broker");
  h.clock.advance(1s);
  CHECK(h.started.empty());
  h.readiness = Readiness::kNow;
  h.clock.advance(1s);
  REQUIRE(h.started.size() == 1);
  CHECK(h.started[0].first == t0 + 2s);
}

TEST_CASE("a request a confirming snapshot will cover, or outside Running, is dropped", "[live-reconcile]") {
  Harness h;
  h.live.set_running(true);
  h.readiness = Readiness::kNotNeeded;
  h.live.request("covered");
  h.readiness = Readiness::kNow;
  h.live.finished();
  h.clock.advance(10s);
  CHECK(h.started.empty());

  h.readiness = Readiness::kLater;
  h.live.request("waiting when Running ends");
  h.live.set_running(false);
  h.readiness = Readiness::kNow;
  h.live.set_running(true);
  h.live.finished();
  h.clock.advance(10s);
  CHECK(h.started.empty());
}

TEST_CASE("while Running a reconciliation starts every interval, any other one restarts the count",
          "[live-reconcile]") {
  Harness h;
  const sdk::Time t0 = h.clock.now();
  h.live.set_running(true);
  h.clock.advance(5min);
  REQUIRE(h.started.size() == 1);
  CHECK(h.started[0].first == t0 + 5min);
  CHECK(h.started[0].second == "periodic reconciliation (every 300s)");
  h.clock.advance(2min);
  h.live.request("execution outside the bot");
  h.clock.advance(4min);
  CHECK(h.started.size() == 2);  // the backstop is due 5 min after the last one
  h.clock.advance(1min);
  REQUIRE(h.started.size() == 3);
  CHECK(h.started[2].first == t0 + 12min);

  // A periodic one that must wait goes when it can; the backstop stays armed.
  h.readiness = Readiness::kLater;
  h.clock.advance(5min);
  CHECK(h.started.size() == 3);
  h.readiness = Readiness::kNow;
  h.clock.advance(1s);
  CHECK(h.started.size() == 4);

  // Not while out of Running.
  h.live.set_running(false);
  h.clock.advance(30min);
  CHECK(h.started.size() == 4);
}
