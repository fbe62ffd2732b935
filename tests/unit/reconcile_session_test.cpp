// One reconciliation on simulated time: the snapshot request, the position recheck, the
// executions held while a snapshot is collected, and what the host is told. The comparison is the
// real reconciler over a store of open trades; only the engine's bookkeeping around it is a
// stand-in (it records what it is handed).

#include <catch2/catch.hpp>

#include <memory>

#include "trading/reconcile_session.hpp"
#include "runtime/simulated_clock.hpp"

using namespace std::chrono_literals;
using slob::core::ReconcileResult;
using slob::core::ReconcileSession;
using Kind = slob::core::ReconcileSession::Outcome::Kind;
namespace sdk = slob::sdk;

namespace {

const sdk::Time kT0 = sdk::Time{} + std::chrono::hours(24 * 20000);
constexpr sdk::Duration kRecheck = 5s;

struct Line {
  sdk::LogLevel level;
  std::string id;
  std::string text;
};

struct CapturingLogger final : sdk::Logger {
  std::vector<Line> lines;
  void log(sdk::LogLevel level, std::string_view id, std::string_view text) override {
    lines.push_back({level, std::string(id), std::string(text)});
  }
  const Line* find(const std::string& id) const {
    for (const auto& l : lines)
      if (l.id == id) return &l;
    return nullptr;
  }
};

struct Harness {
  slob::core::SimulatedClock market{kT0};
  slob::core::SimulatedClock wall{kT0 + 1h};
  CapturingLogger log;
  // The broker.
  std::vector<sdk::Time> requests;  // `since` of each snapshot request
  sdk::Status refuse = sdk::Status::ok();
  // The engine: its store is `open_trades` (none: flat), compared by the real reconciler.
  std::vector<sdk::TradeRecord> open_trades;
  bool unknown_orders = false;
  std::vector<std::vector<sdk::Execution>> compared_with;  // the held executions of each compare
  std::vector<std::vector<sdk::Execution>> applied;        // each apply_executions
  std::vector<ReconcileResult> acted;
  // The lifecycle and the host.
  bool running = false;
  int settled = 0;
  std::vector<ReconcileSession::Outcome> outcomes;
  std::unique_ptr<ReconcileSession> session;

  Harness() {
    session = std::make_unique<ReconcileSession>(
        market, wall, kRecheck, log,
        ReconcileSession::Callbacks{
            [this](sdk::Time since) {
              if (refuse) requests.push_back(since);
              return refuse;
            },
            [this](const sdk::BrokerSnapshot& snapshot, std::vector<sdk::Execution> held) {
              compared_with.push_back(std::move(held));
              slob::core::ReconcileInput in;
              in.open_trades = open_trades;
              in.snapshot = snapshot;
              in.now = market.now();
              return slob::core::reconcile(in, {});
            },
            [this](const ReconcileResult& r) { acted.push_back(r); },
            [this](std::vector<sdk::Execution> e) { applied.push_back(std::move(e)); },
            [this] { return unknown_orders; },
            [this] { return running; },
            [this] { ++settled; },
            [this](const ReconcileSession::Outcome& o) { outcomes.push_back(o); }});
  }
};

sdk::BrokerSnapshot flat() { return {}; }

// A long position nobody in the store opened: a manual buy in TWS.
sdk::BrokerSnapshot long_one() {
  sdk::BrokerSnapshot s;
  s.positions = {{"NQ", 1, 20010}};
  return s;
}

sdk::Execution fill(const std::string& id) {
  sdk::Execution e;
  e.exec_id = id;
  e.client_ref = "slob:20990105-S-0905:sl";
  e.symbol = "NQ";
  e.side = sdk::Side::kBuy;
  e.quantity = 1;
  e.price = 20035;
  return e;
}

std::vector<std::string> ids(const std::vector<sdk::Execution>& executions) {
  std::vector<std::string> out;
  for (const auto& e : executions) out.push_back(e.exec_id);
  return out;
}

}  // namespace

TEST_CASE("a snapshot that agrees with the store is acted on at once: reconciled, 0 findings",
          "[reconcile-session]") {
  Harness h;
  h.session->begin();
  REQUIRE(h.requests == std::vector<sdk::Time>{kT0 - 24h});  // the last day of market time
  CHECK(h.session->awaiting_snapshot());
  h.session->on_snapshot(flat());
  CHECK_FALSE(h.session->awaiting_snapshot());
  CHECK(h.settled == 1);
  CHECK(h.acted.size() == 1);
  REQUIRE(h.outcomes.size() == 1);
  CHECK(h.outcomes[0].kind == Kind::kReconciled);
  CHECK(h.outcomes[0].findings == 0);
  CHECK(h.market.pending_timers() + h.wall.pending_timers() == 0);
  // An answer nobody asked for (a second one, say) changes nothing.
  h.session->on_snapshot(long_one());
  CHECK(h.outcomes.size() == 1);
  CHECK(h.compared_with.size() == 1);
}

TEST_CASE("a position disagreement is asked again position_recheck later and acted on when confirmed",
          "[reconcile-session]") {
  Harness h;
  SECTION("before Running the recheck runs on the wall clock") {}
  SECTION("while Running it runs on market time") { h.running = true; }
  auto& recheck_clock = h.running ? h.market : h.wall;
  auto& other_clock = h.running ? h.wall : h.market;

  h.session->begin();
  h.session->on_snapshot(long_one());
  // Not acted on, nothing told to the host; the order gate closes while it is confirmed.
  CHECK(h.acted.empty());
  CHECK(h.outcomes.empty());
  CHECK(h.settled == 0);
  CHECK(h.session->confirming_disagreement());
  CHECK_FALSE(h.session->awaiting_snapshot());
  const auto* line = h.log.find("SLOB_RECONCILE_RECHECK");
  REQUIRE(line);
  CHECK(line->level == sdk::LogLevel::kWarn);
  CHECK(line->text == "position NQ 1 at the broker has no trade in the store (opened outside the bot?); "
                      "asking the broker again in 5s before acting on it");

  other_clock.advance(1h);
  CHECK(h.requests.size() == 1);
  recheck_clock.advance(kRecheck - 1ms);
  CHECK(h.requests.size() == 1);
  recheck_clock.advance(1ms);
  REQUIRE(h.requests.size() == 2);
  CHECK_FALSE(h.session->confirming_disagreement());
  CHECK(h.session->awaiting_snapshot());

  // Still there: acted on whatever it shows.
  h.session->on_snapshot(long_one());
  CHECK(h.settled == 1);
  REQUIRE(h.acted.size() == 1);
  REQUIRE(h.outcomes.size() == 1);
  CHECK(h.outcomes[0].kind == Kind::kSafeMode);
  CHECK(h.outcomes[0].findings == 1);
  CHECK(h.outcomes[0].reason ==
        "reconciliation: position NQ 1 at the broker has no trade in the store (opened outside the bot?)");
  CHECK_FALSE(h.session->confirming_disagreement());
}

TEST_CASE("a disagreement gone by the recheck is no finding", "[reconcile-session]") {
  Harness h;
  h.session->begin();
  h.session->on_snapshot(long_one());
  h.wall.advance(kRecheck);
  REQUIRE(h.requests.size() == 2);
  h.session->on_snapshot(flat());
  REQUIRE(h.acted.size() == 1);
  CHECK(h.acted[0].findings.empty());
  REQUIRE(h.outcomes.size() == 1);
  CHECK(h.outcomes[0].kind == Kind::kReconciled);
  CHECK(h.outcomes[0].findings == 0);
  // A recheck is asked for once: the next disagreement starts a new one.
  CHECK(h.wall.pending_timers() == 0);
}

TEST_CASE("executions that arrive while a snapshot is collected are held and compared with it",
          "[reconcile-session]") {
  Harness h;
  CHECK_FALSE(h.session->hold(fill("e0")));  // nothing awaited: the caller applies it
  h.session->begin();
  CHECK(h.session->hold(fill("e1")));
  CHECK(h.session->hold(fill("e2")));
  CHECK(h.compared_with.empty());
  h.session->on_snapshot(flat());
  REQUIRE(h.compared_with.size() == 1);
  CHECK(ids(h.compared_with[0]) == std::vector<std::string>{"e1", "e2"});
  CHECK(h.applied.empty());
  CHECK_FALSE(h.session->hold(fill("e3")));

  SECTION("held across a recheck: each snapshot gets those of its own wait") {
    h.session->begin();
    CHECK(h.session->hold(fill("e4")));
    h.session->on_snapshot(long_one());
    CHECK_FALSE(h.session->hold(fill("e5")));  // between the two snapshots: applied live
    h.wall.advance(kRecheck);
    CHECK(h.session->hold(fill("e6")));
    h.session->on_snapshot(flat());
    REQUIRE(h.compared_with.size() == 3);
    CHECK(ids(h.compared_with[1]) == std::vector<std::string>{"e4"});
    CHECK(ids(h.compared_with[2]) == std::vector<std::string>{"e6"});
  }
  SECTION("a cancelled session applies what it held at once") {
    h.session->begin();
    CHECK(h.session->hold(fill("e4")));
    h.session->cancel();
    REQUIRE(h.applied.size() == 1);
    CHECK(ids(h.applied[0]) == std::vector<std::string>{"e4"});
    CHECK_FALSE(h.session->awaiting_snapshot());
    h.session->on_snapshot(flat());  // too late: ignored
    CHECK(h.compared_with.size() == 1);
  }
}

TEST_CASE("a snapshot that fails applies the held executions and reports the failure",
          "[reconcile-session]") {
  Harness h;
  h.session->begin();
  CHECK(h.session->hold(fill("e1")));
  h.session->on_snapshot(sdk::Status::unavailable("snapshot timed out after 30s"));
  REQUIRE(h.applied.size() == 1);
  CHECK(ids(h.applied[0]) == std::vector<std::string>{"e1"});
  CHECK(h.compared_with.empty());
  CHECK(h.acted.empty());
  CHECK(h.settled == 0);
  REQUIRE(h.outcomes.size() == 1);
  CHECK(h.outcomes[0].kind == Kind::kFailed);
  CHECK(h.outcomes[0].reason == "snapshot timed out after 30s");
  const auto* line = h.log.find("SLOB_RECONCILE_SNAPSHOT_FAILED");
  REQUIRE(line);
  CHECK(line->text == "snapshot timed out after 30s");
  CHECK_FALSE(h.session->awaiting_snapshot());

  SECTION("a request the broker refuses ends the session without an outcome") {
    h.refuse = sdk::Status::unavailable("not connected");
    h.session->begin();
    CHECK_FALSE(h.session->awaiting_snapshot());
    CHECK_FALSE(h.session->hold(fill("e2")));
    const auto* refused = h.log.find("SLOB_RECONCILE_REQUEST_FAILED");
    REQUIRE(refused);
    CHECK(refused->text == "not connected");
    CHECK(h.outcomes.size() == 1);
  }
}

TEST_CASE("a snapshot that raced a bracket while Running is asked again, not acted on",
          "[reconcile-session]") {
  Harness h;
  h.running = true;
  h.session->begin();
  CHECK(h.session->hold(fill("e1")));
  h.unknown_orders = true;  // a bracket went out while the snapshot was collected
  h.session->on_snapshot(long_one());
  // Its fills are recorded (compared), nothing else: no recheck, no action.
  REQUIRE(h.compared_with.size() == 1);
  CHECK(ids(h.compared_with[0]) == std::vector<std::string>{"e1"});
  CHECK(h.acted.empty());
  CHECK(h.settled == 0);
  CHECK_FALSE(h.session->confirming_disagreement());
  CHECK_FALSE(h.session->awaiting_snapshot());
  CHECK(h.log.find("SLOB_RECONCILE_RECHECK") == nullptr);
  REQUIRE(h.outcomes.size() == 1);
  CHECK(h.outcomes[0].kind == Kind::kAskAgain);
  CHECK(h.outcomes[0].reason == "a bracket was sent while the last snapshot was collected");

  SECTION("before Running (at connect) orders of unknown outcome are what it resolves") {
    h.running = false;
    h.session->begin();
    h.session->on_snapshot(flat());
    CHECK(h.acted.size() == 1);
    CHECK(h.outcomes.back().kind == Kind::kReconciled);
  }
}

TEST_CASE("cancel, a lost connection and the end of the session drop the recheck timer",
          "[reconcile-session]") {
  Harness h;
  h.session->begin();
  h.session->on_snapshot(long_one());
  REQUIRE(h.wall.pending_timers() == 1);
  SECTION("cancel") { h.session->cancel(); }
  SECTION("drop_recheck") { h.session->drop_recheck(); }
  SECTION("a new session") {
    h.session->begin();
    CHECK(h.requests.size() == 2);
  }
  SECTION("destroyed") { h.session.reset(); }
  CHECK(h.wall.pending_timers() == 0);
  if (h.session) CHECK_FALSE(h.session->confirming_disagreement());
  const auto requested = h.requests.size();
  h.wall.advance(1h);
  CHECK(h.requests.size() == requested);
  CHECK(h.outcomes.empty());
}
