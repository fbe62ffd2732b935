// The dashboard's data (core/src/observe/dashboard_data.cpp) built from a real LMDB store: trades
// joined with the bracket orders and the setup they came from, the P&L totals by trading day,
// ISO week and month in the [risk] zone (not UTC), the caps on trades and warnings, and what the
// banner says for each state.

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "lmdb_store_open.hpp"
#include "lmdb_test_support.hpp"
#include "observe/dashboard_data.hpp"
#include "slob/sdk/orders.hpp"

namespace sdk = slob::sdk;
namespace core = slob::core;
using slob::test::lmdb::at;

namespace {

struct Store {
  Store()
      : store(slob::test::lmdb::open_ok(
            host, slob::test::lmdb::config_for(dir.sub("lmdb"), false, slob::plugins::lmdb::SyncMode::kNone))) {}

  void commit(const sdk::WriteBatch& b) { REQUIRE(store->commit(b).is_ok()); }

  nlohmann::json build(const nlohmann::json& status = nullptr) {
    auto hs = store->host_state();
    REQUIRE(hs.is_ok());
    state = *hs;
    auto j = core::build_dashboard({*store, state, risk, status, at("2026-03-01T12:00:00Z")});
    INFO(j.status().message());
    REQUIRE(j.is_ok());
    // What the page receives: the document must survive its own serialisation.
    return nlohmann::json::parse(j->dump());
  }

  slob::test::lmdb::TempDir dir;
  slob::test::TestHostServices host;
  std::unique_ptr<slob::plugins::lmdb::LmdbStore> store;
  core::RiskSection risk;  // Europe/Stockholm, 2 trades, 1000 a day
  sdk::HostState state;
};

sdk::TradeRecord closed(const std::string& id, sdk::Direction dir, const char* entry, const char* exit,
                        double pnl) {
  sdk::TradeRecord t;
  t.id = id;
  t.symbol = "NQ";
  t.direction = dir;
  t.quantity = 2;
  t.entry_price = 25572;
  t.entry_time = at(entry);
  t.exit_price = 25530;
  t.exit_time = at(exit);
  t.pnl = pnl;
  t.commission = 4.2;
  t.exit_reason = pnl > 0 ? "take_profit" : "stop_loss";
  return t;
}

sdk::JournalEntry leg(const std::string& setup, sdk::Leg l, double price) {
  sdk::JournalEntry j;
  j.client_ref = sdk::make_client_ref(setup, l);
  j.setup_id = setup;
  j.leg = l;
  j.symbol = "NQ";
  j.side = l == sdk::Leg::kEntry ? sdk::Side::kSell : sdk::Side::kBuy;
  j.quantity = 2;
  j.price = price;
  j.state = sdk::OrderState::kFilled;
  j.filled = 2;
  j.created = j.updated = at("2026-01-04T20:00:00Z");
  return j;
}

sdk::AuditEvent event(sdk::Severity s, const std::string& subject) {
  sdk::AuditEvent e;
  e.time = at("2026-01-05T10:00:00Z");
  e.type = s >= sdk::Severity::kWarning ? "order.skipped" : "setup.complete";
  e.severity = s;
  e.subject = subject;
  e.reason = "because " + subject;
  return e;
}

}  // namespace

TEST_CASE("dashboard: trades carry their bracket's stop and target and their setup, and totals go by trading day, ISO week and month in the [risk] zone",
          "[dashboard]") {
  Store s;
  sdk::WriteBatch b;
  // 23:30Z on Sunday 4 January is 00:30 on Monday 5 January in Stockholm: day 2026-01-05, ISO
  // week 2026-W02. In UTC it would still be Sunday, week 2026-W01.
  b.trades.push_back(closed("20260105-S-0030", sdk::Direction::kShort, "2026-01-04T23:00:00Z",
                            "2026-01-04T23:30:00Z", 1680));
  b.trades.push_back(closed("20260104-L-2300", sdk::Direction::kLong, "2026-01-04T22:00:00Z",
                            "2026-01-04T22:30:00Z", -420));
  b.trades.push_back(closed("20260202-S-1500", sdk::Direction::kShort, "2026-02-02T14:00:00Z",
                            "2026-02-02T15:00:00Z", 500));
  sdk::TradeRecord open = closed("20260301-L-1000", sdk::Direction::kLong, "2026-03-01T09:00:00Z",
                                 "2026-03-01T09:00:00Z", 0);
  open.exit_time.reset();
  open.exit_price.reset();
  open.exit_reason.clear();
  open.quantity = 3;
  b.trades.push_back(open);
  b.journal = {leg("20260105-S-0030", sdk::Leg::kEntry, 25572), leg("20260105-S-0030", sdk::Leg::kStopLoss, 25593),
               leg("20260105-S-0030", sdk::Leg::kTakeProfit, 25530), leg("20260301-L-1000", sdk::Leg::kStopLoss, 25500)};
  b.setups.push_back({"20260105-S-0030", sdk::Direction::kShort, "SETUP_COMPLETE", false,
                      R"({"entry":25572.0,"stop":25593.0,"target":25530.0,"rr":2.0,"note":"x"})",
                      at("2026-01-04T23:00:00Z")});
  b.setups.push_back({"20260301-S-1100", sdk::Direction::kShort, "WAITING_ENTRY", true,
                      R"({"entry":null})", at("2026-03-01T11:00:00Z")});
  sdk::HostState hs;
  hs.risk_day = "2026-03-01";
  hs.trades_today = 1;
  hs.realised_pnl_today = -300;
  b.host_state = hs;
  s.commit(b);

  const nlohmann::json d = s.build();
  CHECK(d["schema"] == 1);
  CHECK(d["mode"] == "report");
  CHECK(d["generated_at"] == "2026-03-01T12:00:00Z");
  CHECK(d["status"].is_null());

  // Closed trades in exit order; the open one is a position.
  REQUIRE(d["trades"].size() == 3);
  CHECK(d["trades_total"] == 3);
  CHECK(d["trades_limit"] == core::kDashboardMaxTrades);
  CHECK(d["trades"][0]["id"] == "20260104-L-2300");
  const auto& joined = d["trades"][1];
  CHECK(joined["id"] == "20260105-S-0030");
  CHECK(joined["entry_price"] == 25572.0);
  CHECK(joined["entry_order_price"] == 25572.0);
  CHECK(joined["stop"] == 25593.0);
  CHECK(joined["target"] == 25530.0);
  CHECK(joined["exit_price"] == 25530.0);
  CHECK(joined["exit_reason"] == "take_profit");
  CHECK(joined["pnl"] == 1680.0);
  CHECK(joined["setup"]["state"] == "SETUP_COMPLETE");
  CHECK(joined["setup"]["rr"] == 2.0);
  CHECK(joined["setup"]["stop"] == 25593.0);
  // A trade without orders or a setup in the store (one the bot did not place) has null levels.
  const auto& bare = d["trades"][2];
  CHECK(bare["stop"].is_null());
  CHECK(bare["target"].is_null());
  CHECK(bare["setup"].is_null());

  REQUIRE(d["open_positions"].size() == 1);
  CHECK(d["open_positions"][0]["id"] == "20260301-L-1000");
  CHECK(d["open_positions"][0]["stop"] == 25500.0);
  REQUIRE(d["setups"].size() == 1);
  CHECK(d["setups"][0]["id"] == "20260301-S-1100");
  CHECK(d["setups"][0]["state"] == "WAITING_ENTRY");

  const auto& risk = d["risk"];
  CHECK(risk["day"] == "2026-03-01");
  CHECK(risk["timezone"] == "Europe/Stockholm");
  CHECK(risk["trades_used"] == 1);
  CHECK(risk["max_trades_per_day"] == 2);
  CHECK(risk["realised_pnl"] == -300.0);
  CHECK(risk["max_daily_loss"] == 1000.0);
  CHECK(risk["loss_used"] == 300.0);
  CHECK(risk["position"]["contracts"] == 3);
  CHECK(risk["position"]["open_trades"] == 1);
  CHECK(risk["position"]["symbol"] == "NQ");

  const auto& pnl = d["pnl"];
  CHECK(pnl["daily"] == nlohmann::json::parse(R"([
      {"period":"2026-01-04","pnl":-420.0,"trades":1,"wins":0,"losses":1},
      {"period":"2026-01-05","pnl":1680.0,"trades":1,"wins":1,"losses":0},
      {"period":"2026-02-02","pnl":500.0,"trades":1,"wins":1,"losses":0}])"));
  CHECK(pnl["weekly"] == nlohmann::json::parse(R"([
      {"period":"2026-W01","pnl":-420.0,"trades":1,"wins":0,"losses":1},
      {"period":"2026-W02","pnl":1680.0,"trades":1,"wins":1,"losses":0},
      {"period":"2026-W06","pnl":500.0,"trades":1,"wins":1,"losses":0}])"));
  CHECK(pnl["monthly"] == nlohmann::json::parse(R"([
      {"period":"2026-01","pnl":1260.0,"trades":2,"wins":1,"losses":1},
      {"period":"2026-02","pnl":500.0,"trades":1,"wins":1,"losses":0}])"));
  CHECK(pnl["summary"] == nlohmann::json::parse(
                              R"({"pnl":1760.0,"trades":3,"wins":2,"losses":1,"best":1680.0,"worst":-420.0,"max_drawdown":420.0})"));
  CHECK(pnl["start"] == 0.0);
  REQUIRE(pnl["curve"].size() == 3);
  CHECK(pnl["curve"][0]["cumulative"] == -420.0);
  CHECK(pnl["curve"][1]["cumulative"] == 1260.0);
  CHECK(pnl["curve"][2]["cumulative"] == 1760.0);
  CHECK(pnl["curve"][2]["time"] == "2026-02-02T15:00:00Z");
}

TEST_CASE("dashboard: an ISO week that straddles the new year belongs to its ISO year", "[dashboard]") {
  Store s;
  sdk::WriteBatch b;
  // Thursday 1 January 2026 is in ISO week 2026-W01; Monday 29 December 2025 too.
  b.trades.push_back(closed("a", sdk::Direction::kShort, "2025-12-29T09:00:00Z", "2025-12-29T10:00:00Z", 100));
  b.trades.push_back(closed("b", sdk::Direction::kShort, "2025-12-28T09:00:00Z", "2025-12-28T10:00:00Z", 7));
  s.commit(b);
  const auto d = s.build();
  CHECK(d["pnl"]["weekly"] == nlohmann::json::parse(R"([
      {"period":"2025-W52","pnl":7.0,"trades":1,"wins":1,"losses":0},
      {"period":"2026-W01","pnl":100.0,"trades":1,"wins":1,"losses":0}])"));
  CHECK(d["pnl"]["monthly"][0]["period"] == "2025-12");
}

TEST_CASE("dashboard: the newest 500 trades are listed and drawn, the totals count every trade", "[dashboard]") {
  Store s;
  const std::size_t n = core::kDashboardMaxTrades + 3;
  sdk::WriteBatch b;
  for (std::size_t i = 0; i < n; ++i) {
    auto t = closed("t" + std::to_string(100000 + i), sdk::Direction::kLong, "2026-01-05T09:00:00Z",
                    "2026-01-05T10:00:00Z", static_cast<double>(i + 1));
    t.exit_time = *t.exit_time + std::chrono::minutes(i);
    b.trades.push_back(t);
  }
  s.commit(b);
  const auto d = s.build();
  REQUIRE(d["trades"].size() == core::kDashboardMaxTrades);
  CHECK(d["trades_total"] == n);
  CHECK(d["trades"][0]["id"] == "t100003");
  REQUIRE(d["pnl"]["curve"].size() == core::kDashboardMaxTrades);
  CHECK(d["pnl"]["start"] == 6.0);  // 1 + 2 + 3, the trades before the first one drawn
  CHECK(d["pnl"]["curve"][0]["cumulative"] == 10.0);
  CHECK(d["pnl"]["summary"]["trades"] == n);
  CHECK(d["pnl"]["summary"]["pnl"] == static_cast<double>(n * (n + 1) / 2));
}

TEST_CASE("dashboard: warnings and critical events only, newest first, at most 50", "[dashboard]") {
  Store s;
  sdk::WriteBatch b;
  for (int i = 0; i < 70; ++i) {
    b.audit.push_back(event(sdk::Severity::kInfo, "info " + std::to_string(i)));
    b.audit.push_back(event(sdk::Severity::kWarning, "warning " + std::to_string(i)));
    b.audit.push_back(event(sdk::Severity::kNotice, "notice " + std::to_string(i)));
  }
  b.audit.push_back(event(sdk::Severity::kCritical, "the newest"));
  s.commit(b);
  const auto d = s.build();
  const auto& alerts = d["alerts"];
  REQUIRE(alerts.size() == core::kDashboardMaxAlerts);
  CHECK(alerts[0]["subject"] == "the newest");
  CHECK(alerts[0]["severity"] == "critical");
  CHECK(alerts[1]["subject"] == "warning 69");
  CHECK(alerts[49]["subject"] == "warning 21");
  for (std::size_t i = 1; i < alerts.size(); ++i) {
    CHECK(alerts[i]["severity"] == "warning");
    CHECK(alerts[i]["sequence"].get<std::uint64_t>() < alerts[i - 1]["sequence"].get<std::uint64_t>());
  }
}

TEST_CASE("dashboard: the banner says safe mode first, then a halt, then the state, and a report says Report",
          "[dashboard]") {
  Store s;
  const nlohmann::json running = {{"state", "Running"}, {"reason", "reconciled"}};
  const nlohmann::json reconnecting = {{"state", "Reconnecting"}, {"reason", "heartbeat timeout"}};

  CHECK(s.build()["banner"] == nlohmann::json({{"state", "Report"}, {"reason", "generated from the store; not live"}}));
  auto live = s.build(running);
  CHECK(live["mode"] == "live");
  CHECK(live["status"] == running);
  CHECK(live["banner"] == nlohmann::json({{"state", "Running"}, {"reason", "reconciled"}}));
  CHECK(s.build(reconnecting)["banner"]["state"] == "Reconnecting");

  sdk::WriteBatch halt;
  sdk::HostState hs;
  hs.halted = true;
  hs.halt_reason = "max_daily_loss 1000 reached";
  hs.halted_until = at("2026-03-01T23:00:00Z");
  halt.host_state = hs;
  s.commit(halt);
  CHECK(s.build(running)["banner"] == nlohmann::json({{"state", "Halted"},
                                                      {"reason", "max_daily_loss 1000 reached"},
                                                      {"until", "2026-03-01T23:00:00Z"}}));
  CHECK(s.build()["banner"]["state"] == "Halted");
  CHECK(s.build(reconnecting)["banner"]["state"] == "Reconnecting");
  CHECK(s.build(running)["risk"]["halted"] == true);

  sdk::WriteBatch safe;
  hs.safe_mode = true;
  hs.safe_mode_reason = "the broker reports a position the store does not know";
  safe.host_state = hs;
  s.commit(safe);
  const nlohmann::json in_safe_mode = {{"state", "SafeMode"}, {"reason", "reconcile"}};
  CHECK(s.build(in_safe_mode)["banner"] ==
        nlohmann::json({{"state", "SafeMode"}, {"reason", "the broker reports a position the store does not know"}}));
  CHECK(s.build()["banner"]["state"] == "SafeMode");
  CHECK(s.build(running)["banner"]["state"] == "SafeMode");
}
