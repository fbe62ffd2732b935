// The observers' pure parts on simulated time: what goes out next (delivery_plan), who is told
// what (event_filter), when an outage becomes an event (outage_alarm), and the events the core
// spells for trades (operator_events).

#include <catch2/catch.hpp>

#include <deque>
#include <string>
#include <vector>

#include "observers/delivery_plan.hpp"
#include "observers/event_filter.hpp"
#include "observers/outage_alarm.hpp"
#include "runtime/simulated_clock.hpp"
#include "trading/operator_events.hpp"

namespace sdk = slob::sdk;
namespace core = slob::core;
using namespace std::chrono_literals;

namespace {

const sdk::Time kT0 = *sdk::parse_rfc3339("2026-01-06T14:30:00Z");

std::deque<sdk::AuditEvent> stream(std::uint64_t first, int n, sdk::Time time) {
  std::deque<sdk::AuditEvent> out;
  for (int i = 0; i < n; ++i) {
    auto e = core::events::make(time, sdk::event_type::kOrderSent, "S" + std::to_string(i), "sent");
    e.sequence = first + static_cast<std::uint64_t>(i);
    out.push_back(e);
  }
  return out;
}

}  // namespace

TEST_CASE("delivery plan: fresh events go out in order, a burst coalesced up to max_batch",
          "[observers]") {
  const core::DeliveryLimits limits{1h, 3};
  CHECK_FALSE(core::plan_delivery("ops", {}, {kT0, kT0}, limits));
  auto one = core::plan_delivery("ops", stream(7, 1, kT0), {kT0 + 1min, kT0 + 1min}, limits);
  REQUIRE(one);
  CHECK(one->shape == sdk::Delivery::Shape::kEvents);
  CHECK(one->idempotency_key == "slob-7");
  CHECK(one->observer == "ops");
  auto burst = core::plan_delivery("ops", stream(10, 5, kT0), {kT0 + 1min, kT0 + 1min}, limits);
  REQUIRE(burst);
  REQUIRE(burst->events.size() == 3);
  CHECK(burst->events.front().sequence == 10);
  CHECK(burst->events.back().sequence == 12);
  CHECK(burst->idempotency_key == "slob-10-12");
}

TEST_CASE("delivery plan: events older than summarise_after go out as one summary, the fresh "
          "ones after it",
          "[observers]") {
  const core::DeliveryLimits limits{1h, 3};
  auto waiting = stream(1, 600, kT0);
  for (auto& e : stream(601, 2, kT0 + 3h)) waiting.push_back(e);
  auto summary = core::plan_delivery("ops", waiting, {kT0 + 3h + 1min, kT0 + 3h + 1min}, limits);
  REQUIRE(summary);
  CHECK(summary->shape == sdk::Delivery::Shape::kSummary);
  CHECK(summary->events.size() == core::kMaxSummarised);
  CHECK(summary->idempotency_key == "slob-1-500");
  waiting.erase(waiting.begin(), waiting.begin() + 600);
  auto fresh = core::plan_delivery("ops", waiting, {kT0 + 3h + 1min, kT0 + 3h + 1min}, limits);
  REQUIRE(fresh);
  CHECK(fresh->shape == sdk::Delivery::Shape::kEvents);
  CHECK(fresh->idempotency_key == "slob-601-602");
  // daemon.* is aged on the wall clock: fresh there however old the market says it is.
  auto started = stream(700, 1, kT0 + 4h);
  started.front().type = sdk::event_type::kDaemonStarted;
  CHECK(core::plan_delivery("ops", started, {kT0 + 9h, kT0 + 4h}, limits)->shape ==
        sdk::Delivery::Shape::kEvents);
  CHECK(core::plan_delivery("ops", stream(700, 1, kT0 + 4h), {kT0 + 9h, kT0 + 4h}, limits)->shape ==
        sdk::Delivery::Shape::kSummary);
  // A fresh event first, stale ones behind it: the fresh one alone, then the summary.
  auto mixed = started;
  for (auto& e : stream(701, 3, kT0)) mixed.push_back(e);
  auto head = core::plan_delivery("ops", mixed, {kT0 + 9h, kT0 + 4h}, limits);
  CHECK(head->idempotency_key == "slob-700");
  mixed.pop_front();
  CHECK(core::plan_delivery("ops", mixed, {kT0 + 9h, kT0 + 4h}, limits)->shape ==
        sdk::Delivery::Shape::kSummary);
  // Exactly at the limit is not old yet.
  CHECK(core::plan_delivery("ops", stream(1, 1, kT0), {kT0 + 1h, kT0 + 1h}, limits)->shape ==
        sdk::Delivery::Shape::kEvents);
}

TEST_CASE("event filter: severity, type patterns, and alert tests only for their observer",
          "[observers]") {
  const core::EventFilter f{"ops", sdk::Severity::kWarning, {"trade.*", "safe_mode.entered"}};
  auto ev = [](const char* type) { return core::events::make(kT0, type, "x", "y"); };
  CHECK(f.passes(ev(sdk::event_type::kSafeModeEntered)));
  CHECK(f.passes(ev(sdk::event_type::kClosedExternally)));   // warning, trade.*
  CHECK_FALSE(f.passes(ev(sdk::event_type::kStopLossHit)));  // trade.*, but notice
  CHECK_FALSE(f.passes(ev(sdk::event_type::kDailyLimit)));   // critical, type not listed
  CHECK(core::type_pattern_matches("*", "anything"));
  CHECK_FALSE(core::type_pattern_matches("trade.*", "trades.closed"));
  CHECK_FALSE(core::type_pattern_matches("trade", "trade.closed"));
  auto test = ev(sdk::event_type::kAlertTest);
  CHECK_FALSE(f.passes(test));  // names no observer
  test.fields = {{"observer", "ops"}};
  CHECK(f.passes(test));  // info, not in types: a test passes anyway
  test.fields = {{"observer", "other"}};
  CHECK_FALSE(f.passes(test));
  test.fields = {{"observer", "*"}};
  CHECK(f.passes(test));
}

TEST_CASE("outage alarm: a blip raises nothing, a long outage is raised once and cleared once, "
          "a maintenance window holds it back",
          "[observers]") {
  core::SimulatedClock clock(kT0);
  bool in_maintenance = false;
  std::vector<std::string> told;
  core::OutageAlarm alarm(clock, 5min,
                          {[&] { return !in_maintenance; },
                           [&](sdk::Time since, const std::string& why) {
                             told.push_back("raised " + sdk::format_rfc3339(since) + " " + why);
                           },
                           [&](sdk::Time, const std::string& why) { told.push_back("cleared " + why); }});
  alarm.begin("socket closed");
  clock.advance(4min);
  alarm.end();
  clock.advance(10min);
  CHECK(told.empty());

  const sdk::Time since = clock.now();
  alarm.begin("socket closed");
  alarm.begin("again");  // still the same outage
  clock.advance(5min);
  REQUIRE(told.size() == 1);
  CHECK(told[0] == "raised " + sdk::format_rfc3339(since) + " socket closed");
  clock.advance(30min);
  CHECK(told.size() == 1);
  alarm.end();
  REQUIRE(told.size() == 2);
  CHECK(told[1] == "cleared socket closed");

  in_maintenance = true;
  alarm.begin("nightly reset");
  clock.advance(6min);
  CHECK(told.size() == 2);
  in_maintenance = false;
  clock.advance(5min);
  CHECK(told.size() == 3);
  alarm.reset();
  CHECK_FALSE(alarm.raised());
  CHECK(told.size() == 3);  // a reset is silent
}

TEST_CASE("operator events: a trade's exit is typed by its reason and carries its P&L",
          "[observers]") {
  sdk::TradeRecord t;
  t.id = "20260106-S-1536";
  t.symbol = "NQ";
  t.quantity = 2;
  t.entry_price = 25419.25;
  t.exit_price = 25286.5;
  t.pnl = 5301.0;
  for (auto [reason, type] : std::vector<std::pair<std::string, std::string>>{
           {"take_profit", "trade.take_profit"},
           {"stop_loss", "trade.stop_loss"},
           {"closed_externally", "trade.closed_externally"},
           {"flatten", "trade.closed"}}) {
    t.exit_reason = reason;
    t.exit_time = kT0 + 45min;
    const auto e = core::events::trade_closed(t);
    CHECK(e.time == kT0 + 45min);
    CHECK(e.type == type);
    CHECK(*sdk::event_field(e, "pnl") == "5301.00");
    CHECK(*sdk::event_field(e, "exit_price") == "25286.50");
    CHECK(e.severity == sdk::find_event_type(type.c_str())->severity);
  }
  // A type outside the catalogue is never filtered away unseen.
  CHECK(core::events::make(kT0, "no.such", "x", "y").severity == sdk::Severity::kCritical);
}
