// The lmdb store through a real LMDB environment in a temporary directory: round trips,
// atomicity, live indexes, audit sequences, candles, map growth, reopen, single open per process,
// and the event stream: scans after a sequence, the last sequence, observer cursors, version-1
// events and the 3 -> 4 migration.

#include <lmdb.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <functional>
#include <limits>
#include <sstream>

#include "lmdb_store.hpp"
#include "lmdb_store_open.hpp"
#include "lmdb_test_support.hpp"
#include "slob/sdk/events.hpp"
#include "store_probe.hpp"
#include "control/record_json.hpp"
#include "test_host_services.hpp"

namespace lmdb = slob::plugins::lmdb;
namespace sdk = slob::sdk;
using nlohmann::json;
using slob::test::TestHostServices;
using slob::test::lmdb::at;
using slob::test::lmdb::sample_batch;
using slob::test::lmdb::store_table;
using slob::test::lmdb::config_for;
using slob::test::lmdb::open_ok;
using slob::test::lmdb::TempDir;

namespace {

template <typename T, typename Scan>
std::vector<json> collect(Scan&& scan) {
  std::vector<json> out;
  const sdk::Status status = scan([&](const T& r) {
    out.push_back(slob::core::to_json(r));
    return true;
  });
  INFO(status.message());
  REQUIRE(status.is_ok());
  return out;
}

std::vector<json> live_setups(sdk::Store& s) {
  return collect<sdk::SetupRecord>([&](auto v) { return s.scan_live_setups(v); });
}
std::vector<json> open_trades(sdk::Store& s) {
  return collect<sdk::TradeRecord>([&](auto v) { return s.scan_open_trades(v); });
}
std::vector<json> unresolved(sdk::Store& s) {
  return collect<sdk::JournalEntry>([&](auto v) { return s.scan_unresolved_orders(v); });
}

void check_sample(sdk::Store& s) {
  const sdk::WriteBatch b = sample_batch();
  auto setups = collect<sdk::SetupRecord>([&](auto v) { return s.scan_setups(v); });
  REQUIRE(setups.size() == 2);
  CHECK(setups[0] == slob::core::to_json(b.setups[1]));  // key order: "s-0" < "s-1"
  CHECK(setups[1] == slob::core::to_json(b.setups[0]));
  CHECK(live_setups(s) == std::vector<json>{slob::core::to_json(b.setups[0])});

  auto orders = collect<sdk::JournalEntry>([&](auto v) { return s.scan_orders(v); });
  CHECK(orders == std::vector<json>{slob::core::to_json(b.journal[0]), slob::core::to_json(b.journal[1])});
  CHECK(unresolved(s) == std::vector<json>{slob::core::to_json(b.journal[0])});

  auto fills = collect<sdk::FillRecord>([&](auto v) { return s.scan_fills(v); });
  CHECK(fills == std::vector<json>{slob::core::to_json(b.fills[0])});

  auto trades = collect<sdk::TradeRecord>([&](auto v) { return s.scan_trades(v); });
  CHECK(trades == std::vector<json>{slob::core::to_json(b.trades[1]), slob::core::to_json(b.trades[0])});
  CHECK(open_trades(s) == std::vector<json>{slob::core::to_json(b.trades[0])});

  auto events = collect<sdk::AuditEvent>([&](auto v) { return s.scan_events(0, v); });
  std::vector<json> want_events;
  for (sdk::AuditEvent e : b.audit) {
    e.sequence = want_events.size() + 1;
    want_events.push_back(slob::core::to_json(e));
  }
  CHECK(events == want_events);  // type, severity and fields included
  CHECK(s.last_event_sequence().value() == 2);
  auto cursors = s.observer_cursors();
  REQUIRE(cursors.is_ok());
  REQUIRE(cursors->size() == 1);
  CHECK((*cursors)[0].observer == "ops-webhook");
  CHECK((*cursors)[0].delivered_through == 1);
  CHECK((*cursors)[0].updated == at("2026-01-06T15:00:02Z"));

  auto candles = collect<sdk::Candle>([&](auto v) { return s.scan_candles(sdk::Time::min(), v); });
  CHECK(candles == std::vector<json>{slob::core::to_json(b.candles[1]), slob::core::to_json(b.candles[0])});

  auto host = s.host_state();
  REQUIRE(host.is_ok());
  CHECK(slob::core::to_json(*host) == slob::core::to_json(*b.host_state));
  auto cp = s.checkpoint();
  REQUIRE(cp.is_ok());
  REQUIRE(cp->has_value());
  CHECK(slob::core::to_json(**cp) == slob::core::to_json(*b.checkpoint));

  auto order = s.find_order("slob:s-1:sl");
  REQUIRE(order.is_ok());
  REQUIRE(order->has_value());
  CHECK(slob::core::to_json(**order) == slob::core::to_json(b.journal[1]));
  auto setup = s.find_setup("s-1");
  REQUIRE((setup.is_ok() && setup->has_value()));
  CHECK((*setup)->report == b.setups[0].report);
  auto trade = s.find_trade("s-0");
  REQUIRE((trade.is_ok() && trade->has_value()));
  CHECK((*trade)->exit_price == 20950.5);
  CHECK(s.has_fill("0001f4e8.6543.01.01").value());
  CHECK_FALSE(s.has_fill("nope").value());
  CHECK_FALSE(s.find_order("slob:none:entry")->has_value());
  CHECK_FALSE(s.find_setup("none")->has_value());
  CHECK_FALSE(s.find_trade("none")->has_value());
}

}  // namespace

TEST_CASE("lmdb store: a fresh store is empty", "[lmdb][store]") {
  TempDir dir;
  TestHostServices host;
  auto s = open_ok(host, config_for(dir.sub("state")));
  CHECK(host.recording_logger().contains_id("SLOB_LMDB_CREATED"));
  CHECK(host.recording_logger().contains_id("SLOB_LMDB_OPENED"));
  auto h = s->host_state();
  REQUIRE(h.is_ok());
  CHECK(slob::core::to_json(*h) == slob::core::to_json(sdk::HostState{}));
  CHECK_FALSE(s->checkpoint()->has_value());
  CHECK(live_setups(*s).empty());
  CHECK(s->observer_cursors()->empty());
  CHECK(s->last_event_sequence().value() == 0);
  CHECK(s->commit(sdk::WriteBatch{}).is_ok());
}

TEST_CASE("lmdb store: every record kind round-trips and survives reopen", "[lmdb][store]") {
  TempDir dir;
  {
    TestHostServices host;
    auto s = open_ok(host, config_for(dir.sub("state")));
    const auto status = s->commit(sample_batch());
    INFO(status.message());
    REQUIRE(status.is_ok());
    check_sample(*s);
  }
  TestHostServices host;
  auto s = lmdb::create_store(host, store_table(dir.sub("state")));
  REQUIRE(s.is_ok());
  CHECK_FALSE(host.recording_logger().contains_id("SLOB_LMDB_CREATED"));
  check_sample(**s);
}

TEST_CASE("lmdb store: live indexes follow state changes", "[lmdb][store]") {
  TempDir dir;
  TestHostServices host;
  auto s = open_ok(host, config_for(dir.sub("state")));
  sdk::WriteBatch b = sample_batch();
  REQUIRE(s->commit(b).is_ok());
  REQUIRE(live_setups(*s).size() == 1);
  REQUIRE(unresolved(*s).size() == 1);
  REQUIRE(open_trades(*s).size() == 1);

  SECTION("setup live -> finished leaves the live index, keeps history") {
    sdk::WriteBatch u;
    u.setups.push_back(b.setups[0]);
    u.setups[0].live = false;
    u.setups[0].state = "SETUP_COMPLETE";
    REQUIRE(s->commit(u).is_ok());
    CHECK(live_setups(*s).empty());
    CHECK((*s->find_setup("s-1"))->state == "SETUP_COMPLETE");
    u.setups[0].live = true;  // a setup may come back to life (strategy reimport)
    REQUIRE(s->commit(u).is_ok());
    CHECK(live_setups(*s).size() == 1);
  }
  SECTION("journal entry resolved leaves the unresolved index; unknown stays") {
    sdk::WriteBatch u;
    u.journal.push_back(b.journal[0]);
    u.journal[0].state = sdk::OrderState::kUnknown;
    REQUIRE(s->commit(u).is_ok());
    REQUIRE(unresolved(*s).size() == 1);
    CHECK(unresolved(*s)[0]["state"] == "unknown");
    for (auto final_state : {sdk::OrderState::kFilled, sdk::OrderState::kRejected}) {
      u.journal[0].state = final_state;
      REQUIRE(s->commit(u).is_ok());
      CHECK(unresolved(*s).empty());
    }
    CHECK((*s->find_order("slob:s-1:entry"))->state == sdk::OrderState::kRejected);
  }
  SECTION("trade closed leaves the open index") {
    sdk::WriteBatch u;
    u.trades.push_back(b.trades[0]);
    u.trades[0].exit_time = at("2026-01-06T16:00:00Z");
    u.trades[0].exit_price = 20990;
    u.trades[0].exit_reason = "stop_loss";
    REQUIRE(s->commit(u).is_ok());
    CHECK(open_trades(*s).empty());
    CHECK((*s->find_trade("s-1"))->exit_reason == "stop_loss");
  }
  SECTION("the last write of a key in one batch wins, index included") {
    sdk::WriteBatch u;
    u.setups.push_back(b.setups[0]);
    u.setups.push_back(b.setups[0]);
    u.setups[1].live = false;
    REQUIRE(s->commit(u).is_ok());
    CHECK(live_setups(*s).empty());
  }
}

TEST_CASE("lmdb store: a batch that fails writes nothing", "[lmdb][store]") {
  TempDir dir;
  TestHostServices host;
  auto s = open_ok(host, config_for(dir.sub("state")));
  REQUIRE(s->commit(sample_batch()).is_ok());

  sdk::WriteBatch bad;
  bad.setups.push_back({"new-setup", sdk::Direction::kLong, "X", true, "{}", at("2026-01-07T00:00:00Z")});
  bad.audit.push_back({0, at("2026-01-07T00:00:00Z"), "order.sent", sdk::Severity::kNotice, "x", "y", {}});
  bad.observer_cursors.push_back({"ops-webhook", 3, at("2026-01-07T00:00:00Z")});
  sdk::HostState h;
  h.order_id_high_water = 99999;
  bad.host_state = h;
  sdk::TradeRecord t;
  t.id = std::string(600, 't');  // longer than LMDB's key limit: fails after the others were put
  bad.trades.push_back(t);
  const auto status = s->commit(bad);
  CHECK(status.code() == sdk::StatusCode::kInvalidArgument);
  CHECK_THAT(status.message(), Catch::Contains(dir.sub("state")));
  CHECK_THAT(status.message(), Catch::Contains("trades["));

  CHECK_FALSE(s->find_setup("new-setup")->has_value());
  CHECK(s->host_state()->order_id_high_water == 1003);
  check_sample(*s);

  sdk::WriteBatch empty_key;
  empty_key.fills.push_back(sdk::FillRecord{});
  CHECK(s->commit(empty_key).code() == sdk::StatusCode::kInvalidArgument);
  sdk::WriteBatch unnamed;
  unnamed.observer_cursors.push_back({"", 1, at("2026-01-07T00:00:00Z")});
  CHECK(s->commit(unnamed).code() == sdk::StatusCode::kInvalidArgument);
}

TEST_CASE("lmdb store: audit sequences continue across commits and reopen", "[lmdb][store]") {
  TempDir dir;
  for (int round = 0; round < 3; ++round) {
    TestHostServices host;
    auto s = open_ok(host, config_for(dir.sub("state")));
    sdk::WriteBatch b;
    b.audit.push_back({777, at("2026-01-06T15:00:00Z"), "operator.command", sdk::Severity::kNotice,
                       "r" + std::to_string(round), "", {}});
    b.audit.push_back(b.audit.back());
    REQUIRE(s->commit(b).is_ok());
  }
  TestHostServices host;
  auto s = open_ok(host, config_for(dir.sub("state")));
  auto events = collect<sdk::AuditEvent>([&](auto v) { return s->scan_events(0, v); });
  REQUIRE(events.size() == 6);
  for (std::size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i]["sequence"] == i + 1);  // assigned by the store, whatever the caller passed
    CHECK(events[i]["subject"] == "r" + std::to_string(i / 2));
  }
  int seen = 0;
  REQUIRE(s->scan_events(0, [&](const sdk::AuditEvent&) { return ++seen < 2; }).is_ok());
  CHECK(seen == 2);  // a visitor returning false stops the scan
}

TEST_CASE("lmdb store: candles scan from a time and are pruned beyond retention", "[lmdb][store]") {
  TempDir dir;
  TestHostServices host;
  lmdb::StoreConfig c = config_for(dir.sub("state"));
  c.candle_retention = std::chrono::minutes(10);
  auto s = open_ok(host, c);
  const sdk::Time t0 = at("2026-01-06T15:00:00Z");
  sdk::WriteBatch b;
  for (int m = 0; m < 8; ++m) b.candles.push_back({t0 + std::chrono::minutes(m), 1, 2, 0, 1, 1.0 * m});
  REQUIRE(s->commit(b).is_ok());
  auto from3 = collect<sdk::Candle>([&](auto v) { return s->scan_candles(t0 + std::chrono::minutes(3), v); });
  REQUIRE(from3.size() == 5);
  CHECK(from3.front()["start"] == "2026-01-06T15:03:00Z");
  CHECK(from3.back()["start"] == "2026-01-06T15:07:00Z");
  auto between = collect<sdk::Candle>(
      [&](auto v) { return s->scan_candles(t0 + std::chrono::seconds(150), v); });
  CHECK(between.front()["start"] == "2026-01-06T15:03:00Z");

  sdk::WriteBatch later;
  later.candles.push_back({t0 + std::chrono::minutes(14), 1, 2, 0, 1, 14});
  REQUIRE(s->commit(later).is_ok());
  auto all = collect<sdk::Candle>([&](auto v) { return s->scan_candles(sdk::Time::min(), v); });
  REQUIRE(all.size() == 5);  // 15:04 .. 15:07 and 15:14: older than 15:04 are dropped
  CHECK(all.front()["start"] == "2026-01-06T15:04:00Z");
}

TEST_CASE("lmdb store: candles across hours keep time order, replace and prune exactly", "[lmdb][store]") {
  TempDir dir;
  TestHostServices host;
  lmdb::StoreConfig c = config_for(dir.sub("state"));
  c.candle_retention = std::chrono::minutes(90);
  const sdk::Time t0 = at("2026-01-06T14:50:00Z");
  auto minute = [&](int m, double close) { return sdk::Candle{t0 + std::chrono::minutes(m), 1, 2, 0, close, 1}; };
  auto starts = [](const std::vector<json>& candles) {
    std::vector<std::string> out;
    for (const auto& j : candles) out.push_back(j["start"].get<std::string>() + "=" + j["close"].dump());
    return out;
  };
  {
    auto s = open_ok(host, c);
    sdk::WriteBatch b;  // 14:50 .. 16:09, one commit spanning three hours
    for (int m = 0; m < 80; ++m) b.candles.push_back(minute(m, m));
    REQUIRE(s->commit(b).is_ok());
    auto all = collect<sdk::Candle>([&](auto v) { return s->scan_candles(sdk::Time::min(), v); });
    REQUIRE(all.size() == 80);
    CHECK(all.front()["start"] == "2026-01-06T14:50:00Z");
    CHECK(all.back()["start"] == "2026-01-06T16:09:00Z");

    // Out of order, into stored hours: a candle with a stored start replaces it.
    sdk::WriteBatch again;
    again.candles = {minute(75, 1075), minute(5, 1005), minute(80, 1080)};
    REQUIRE(s->commit(again).is_ok());
    auto from = collect<sdk::Candle>(
        [&](auto v) { return s->scan_candles(t0 + std::chrono::minutes(74) + std::chrono::seconds(30), v); });
    CHECK(starts(from) == std::vector<std::string>{"2026-01-06T16:05:00Z=1075.0", "2026-01-06T16:06:00Z=76.0",
                                                   "2026-01-06T16:07:00Z=77.0", "2026-01-06T16:08:00Z=78.0",
                                                   "2026-01-06T16:09:00Z=79.0", "2026-01-06T16:10:00Z=1080.0"});
    auto early = collect<sdk::Candle>([&](auto v) { return s->scan_candles(t0 + std::chrono::minutes(5), v); });
    CHECK(early.front()["close"] == 1005.0);

    // Newest 16:10 with 90 minutes of retention: everything before 14:40 was already gone;
    // now 16:40 drops the whole 14:00 hour and 15:00 .. 15:09.
    sdk::WriteBatch later;
    later.candles.push_back(minute(110, 110));
    REQUIRE(s->commit(later).is_ok());
    all = collect<sdk::Candle>([&](auto v) { return s->scan_candles(sdk::Time::min(), v); });
    CHECK(all.front()["start"] == "2026-01-06T15:10:00Z");
    CHECK(all.size() == 80 + 1 + 1 - 20);  // 15:10 .. 16:10, then 16:40
  }
  // The same after a reopen, and a scan can stop early across hour records.
  auto s = open_ok(host, c);
  int seen = 0;
  REQUIRE(s->scan_candles(sdk::Time::min(), [&](const sdk::Candle&) { return ++seen < 55; }).is_ok());
  CHECK(seen == 55);
  sdk::WriteBatch far;  // a day later: every stored hour goes, the new one stays
  far.candles.push_back(minute(24 * 60, 1));
  REQUIRE(s->commit(far).is_ok());
  CHECK(collect<sdk::Candle>([&](auto v) { return s->scan_candles(sdk::Time::min(), v); }).size() == 1);
}

TEST_CASE("lmdb store: the map grows when full, up to max_map_size", "[lmdb][store]") {
  TempDir dir;
  TestHostServices host;
  lmdb::StoreConfig c = config_for(dir.sub("state"));
  c.map_size = lmdb::kMiB;
  c.max_map_size = 8 * lmdb::kMiB;
  auto s = open_ok(host, c);
  const std::string big(100 * 1024, 'r');
  int committed = 0;
  sdk::Status status;
  for (; committed < 200; ++committed) {
    sdk::WriteBatch b;
    b.setups.push_back({"big-" + std::to_string(committed), sdk::Direction::kLong, "X", false,
                        big, at("2026-01-06T15:00:00Z")});
    status = s->commit(b);
    if (!status) break;
  }
  CHECK(host.recording_logger().contains_id("SLOB_LMDB_MAP_GROWN"));
  CHECK(s->map_size() == 8 * lmdb::kMiB);
  CHECK(committed > 40);  // well past what 1 MiB holds
  REQUIRE(committed < 200);
  CHECK(status.code() == sdk::StatusCode::kResourceExhausted);
  CHECK_THAT(status.message(), Catch::Contains(dir.sub("state")) && Catch::Contains("max_map_size"));
  CHECK(host.recording_logger().contains_id("SLOB_LMDB_MAP_FULL"));

  // Everything committed before is intact, and small commits still fit.
  for (int i = 0; i < committed; ++i) {
    auto r = s->find_setup("big-" + std::to_string(i));
    REQUIRE((r.is_ok() && r->has_value()));
  }
  sdk::WriteBatch small;
  small.audit.push_back({0, at("2026-01-06T15:00:00Z"), "trading.halted", sdk::Severity::kWarning, "map full", "test", {}});
  CHECK(s->commit(small).is_ok());
  s.reset();

  // The grown size is kept on reopen even though the config asks for less.
  TestHostServices host2;
  auto again = open_ok(host2, c);
  CHECK(again->map_size() == 8 * lmdb::kMiB);
}

TEST_CASE("lmdb store: one environment per directory per process", "[lmdb][store]") {
  TempDir dir;
  TestHostServices host;
  auto first = open_ok(host, config_for(dir.sub("state")));
  std::filesystem::create_directory_symlink(dir.sub("state"), dir.sub("alias"));
  for (const std::string& path : {dir.sub("state"), dir.sub("alias"), dir.sub("state") + "/."}) {
    TestHostServices other;
    auto second = lmdb::create_store(other, store_table(path));
    REQUIRE_FALSE(second.is_ok());
    CHECK(second.status().code() == sdk::StatusCode::kFailedPrecondition);
    CHECK_THAT(second.status().message(), Catch::Contains("already open in this process"));
    CHECK(other.recording_logger().contains_id("SLOB_LMDB_REFUSED"));
  }
  first.reset();
  TestHostServices again;
  CHECK(lmdb::create_store(again, store_table(dir.sub("alias"))).is_ok());
}

TEST_CASE("lmdb store: read_only reads, refuses writes, never creates", "[lmdb][store]") {
  TempDir dir;
  lmdb::StoreConfig c = config_for(dir.sub("state"));
  c.read_only = true;
  {
    TestHostServices host;
    auto missing = lmdb::LmdbStore::open(host, c);
    CHECK(missing.status().code() == sdk::StatusCode::kNotFound);
    CHECK_FALSE(std::filesystem::exists(dir.sub("state")));
  }
  {
    TestHostServices host;
    REQUIRE(open_ok(host, config_for(dir.sub("state")))->commit(sample_batch()).is_ok());
  }
  TestHostServices host;
  auto s = open_ok(host, c);
  check_sample(*s);
  CHECK(s->commit(sample_batch()).code() == sdk::StatusCode::kFailedPrecondition);
}

TEST_CASE("lmdb store: sync none works and warns", "[lmdb][store]") {
  TempDir dir;
  TestHostServices host;
  {
    auto s = lmdb::create_store(host, store_table(dir.sub("state"), "none"));
    REQUIRE(s.is_ok());
    CHECK(host.recording_logger().contains_id("SLOB_LMDB_SYNC_NONE"));
    REQUIRE((*s)->commit(sample_batch()).is_ok());
    check_sample(**s);
  }
  // sync none writes through the map (MDB_WRITEMAP): the same file opens with sync full.
  auto again = lmdb::create_store(host, store_table(dir.sub("state"), "full"));
  REQUIRE(again.is_ok());
  check_sample(**again);
}

TEST_CASE("lmdb store: with sync none the map still grows when full", "[lmdb][store]") {
  TempDir dir;
  TestHostServices host;
  lmdb::StoreConfig c = config_for(dir.sub("state"));
  c.sync = lmdb::SyncMode::kNone;
  c.map_size = lmdb::kMiB;
  c.max_map_size = 8 * lmdb::kMiB;
  auto s = open_ok(host, c);
  const std::string big(100 * 1024, 'r');
  for (int i = 0; i < 30; ++i) {
    sdk::WriteBatch b;
    b.audit.push_back({0, at("2026-01-06T15:00:00Z"), "alert.test", sdk::Severity::kInfo, "big", big, {}});
    REQUIRE(s->commit(b).is_ok());
  }
  CHECK(s->map_size() > lmdb::kMiB);
  CHECK(host.recording_logger().contains_id("SLOB_LMDB_MAP_GROWN"));
  int events = 0;
  REQUIRE(s->scan_events(0, [&](const sdk::AuditEvent& e) { return e.reason == big && ++events; }).is_ok());
  CHECK(events == 30);
}

TEST_CASE("lmdb store: stale reader slots are cleared at open", "[lmdb][store]") {
  TempDir dir;
  const std::string path = dir.sub("state");
  {
    TestHostServices host;
    REQUIRE(open_ok(host, config_for(path))->commit(sample_batch()).is_ok());
  }
  // LMDB resets its reader table when the first process opens the environment, so a stale slot
  // matters while another process keeps it open (an exporter next to a restarted daemon). A
  // holder process keeps the environment open; a second process dies inside a read
  // transaction and leaves its slot behind.
  int ready[2], release[2];
  REQUIRE(::pipe(ready) == 0);
  REQUIRE(::pipe(release) == 0);
  auto open_raw = [&](MDB_env*& env) {
    return mdb_env_create(&env) == 0 && mdb_env_set_maxdbs(env, 32) == 0 &&
           mdb_env_open(env, path.c_str(), MDB_NOTLS | MDB_RDONLY, 0640) == 0;
  };
  const pid_t holder = ::fork();
  REQUIRE(holder >= 0);
  if (holder == 0) {
    ::close(release[1]);  // else the holder would never see end-of-file
    ::close(ready[0]);
    MDB_env* env = nullptr;
    const char ok = open_raw(env) ? 'y' : 'n';
    if (::write(ready[1], &ok, 1) != 1) ::_exit(1);
    char c;
    while (::read(release[0], &c, 1) > 0) {
    }
    ::_exit(0);
  }
  ::close(ready[1]);
  ::close(release[0]);
  char ok = 'n';
  REQUIRE(::read(ready[0], &ok, 1) == 1);
  REQUIRE(ok == 'y');
  const pid_t dying = ::fork();
  REQUIRE(dying >= 0);
  if (dying == 0) {
    MDB_env* env = nullptr;
    MDB_txn* txn = nullptr;
    if (!open_raw(env) || mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn)) ::_exit(1);
    ::_exit(0);  // no abort, no close: the slot stays taken
  }
  int wstatus = 0;
  REQUIRE(::waitpid(dying, &wstatus, 0) == dying);
  REQUIRE((WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0));
  TestHostServices host;
  auto s = open_ok(host, config_for(path));
  CHECK(host.recording_logger().contains_id("SLOB_LMDB_STALE_READERS"));
  check_sample(*s);
  ::close(release[1]);
  REQUIRE(::waitpid(holder, &wstatus, 0) == holder);
  ::close(ready[0]);
}

TEST_CASE("lmdb store: a damaged value is reported with its database and key", "[lmdb][store]") {
  TempDir dir;
  const std::string path = dir.sub("state");
  {
    TestHostServices host;
    REQUIRE(open_ok(host, config_for(path))->commit(sample_batch()).is_ok());
  }
  {
    MDB_env* raw = nullptr;
    REQUIRE(mdb_env_create(&raw) == 0);
    lmdb::EnvHandle env(raw);
    mdb_env_set_maxdbs(raw, 32);
    REQUIRE(mdb_env_open(raw, path.c_str(), 0, 0640) == 0);
    MDB_txn* txn = nullptr;
    REQUIRE(mdb_txn_begin(raw, nullptr, 0, &txn) == 0);
    MDB_dbi dbi;
    REQUIRE(mdb_dbi_open(txn, "setups", 0, &dbi) == 0);
    MDB_val k = lmdb::to_val("s-0");
    MDB_val v = lmdb::to_val("S\x01garbage");
    REQUIRE(mdb_put(txn, dbi, &k, &v, 0) == 0);
    REQUIRE(mdb_txn_commit(txn) == 0);
  }
  TestHostServices host;
  auto s = open_ok(host, config_for(path));
  const auto status = s->scan_setups([](const sdk::SetupRecord&) { return true; });
  CHECK(status.code() == sdk::StatusCode::kCorruption);
  CHECK_THAT(status.message(), Catch::Contains(path + ": setups[s-0]: setup value is truncated"));
  CHECK(s->find_setup("s-0").status().code() == sdk::StatusCode::kCorruption);
  CHECK(live_setups(*s).size() == 1);  // the live index does not touch the damaged record
}

namespace {

// Raw LMDB access to a closed store, for layouts and records this build no longer writes.
void raw_txn(const std::string& path, const std::function<void(MDB_txn*)>& body) {
  MDB_env* raw = nullptr;
  REQUIRE(mdb_env_create(&raw) == 0);
  lmdb::EnvHandle env(raw);
  mdb_env_set_maxdbs(raw, 32);
  REQUIRE(mdb_env_open(raw, path.c_str(), 0, 0640) == 0);
  MDB_txn* txn = nullptr;
  REQUIRE(mdb_txn_begin(raw, nullptr, 0, &txn) == 0);
  body(txn);
  REQUIRE(mdb_txn_commit(txn) == 0);
}

void raw_put(MDB_txn* txn, const char* db, std::string_view key, std::string_view value) {
  MDB_dbi dbi;
  REQUIRE(mdb_dbi_open(txn, db, 0, &dbi) == 0);
  MDB_val k = lmdb::to_val(key), v = lmdb::to_val(value);
  REQUIRE(mdb_put(txn, dbi, &k, &v, 0) == 0);
}

// Little-endian bytes as README.md's "On-disk encoding" gives them, written out by hand.
std::string le(std::uint64_t v, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}
std::string str_bytes(const std::string& s) { return le(s.size(), 4) + s; }

// An AuditEvent at encoding version 1 (schemas 1 to 3): tag, version, u64 sequence, time,
// str kind, str subject, str reason.
std::string v1_event(std::uint64_t sequence, const std::string& kind, const std::string& subject) {
  return std::string("E\x01", 2) + le(sequence, 8) + le(1'767'711'600'000'000, 8) + str_bytes(kind) +
         str_bytes(subject) + str_bytes("old " + kind);
}

std::string sequence_key(std::uint64_t n) {
  std::string key;
  for (int i = 7; i >= 0; --i) key += static_cast<char>((n >> (8 * i)) & 0xff);
  return key;
}

sdk::AuditEvent numbered_event(int n) {
  return {0, at("2026-01-06T15:00:00Z") + std::chrono::seconds(n), "order.sent", sdk::Severity::kNotice,
          "s-" + std::to_string(n), "bracket sent", {{"setup", "s-" + std::to_string(n)}, {"n", std::to_string(n)}}};
}

std::vector<std::uint64_t> sequences_after(sdk::Store& s, std::uint64_t after) {
  std::vector<std::uint64_t> out;
  const auto status = s.scan_events(after, [&](const sdk::AuditEvent& e) {
    out.push_back(e.sequence);
    CHECK(e.subject == "s-" + std::to_string(e.sequence));  // the event, not only its key
    CHECK(*sdk::event_field(e, "n") == std::to_string(e.sequence));
    return true;
  });
  INFO(status.message());
  REQUIRE(status.is_ok());
  return out;
}

std::vector<std::uint64_t> range(std::uint64_t first, std::uint64_t last) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t i = first; i <= last; ++i) out.push_back(i);
  return out;
}

// Every record of the store as JSON lines, singletons and cursors included.
std::string everything(sdk::Store& s) {
  std::string out;
  for (auto kind : {sdk::RecordKind::kSetups, sdk::RecordKind::kOrders, sdk::RecordKind::kFills,
                    sdk::RecordKind::kTrades, sdk::RecordKind::kEvents, sdk::RecordKind::kCandles}) {
    std::ostringstream lines;
    const auto status = slob::core::export_records(s, kind, lines);
    INFO(status.message());
    REQUIRE(status.is_ok());
    out += lines.str();
  }
  out += slob::core::to_json(s.host_state().value()).dump() + "\n";
  out += slob::core::to_json(s.checkpoint().value().value()).dump() + "\n";
  out += "live " + std::to_string(live_setups(s).size()) + " open " + std::to_string(open_trades(s).size()) +
         " unresolved " + std::to_string(unresolved(s).size()) + "\n";
  return out;
}

}  // namespace

TEST_CASE("lmdb store: scan_events(after) reads exactly the later events, in order, and never the earlier ones",
          "[lmdb][store][events]") {
  TempDir dir;
  const std::string path = dir.sub("state");
  {
    TestHostServices host;
    auto s = open_ok(host, config_for(path));
    for (int commit = 0; commit < 4; ++commit) {
      sdk::WriteBatch b;
      for (int i = 1; i <= 3; ++i) b.audit.push_back(numbered_event(commit * 3 + i));
      REQUIRE(s->commit(b).is_ok());
    }
    CHECK(sequences_after(*s, 0) == range(1, 12));
    CHECK(sequences_after(*s, 1) == range(2, 12));
    CHECK(sequences_after(*s, 7) == range(8, 12));
    CHECK(sequences_after(*s, 11) == range(12, 12));
    CHECK(sequences_after(*s, 12).empty());
    CHECK(sequences_after(*s, 1000).empty());
    CHECK(sequences_after(*s, std::numeric_limits<std::uint64_t>::max()).empty());
    int seen = 0;
    REQUIRE(s->scan_events(5, [&](const sdk::AuditEvent& e) { CHECK(e.sequence == 6); return ++seen < 1; }).is_ok());
    CHECK(seen == 1);  // a visitor returning false stops the scan
  }
  // Damage event 3: a scan after it never reads it (the cursor starts past the history), a scan
  // from the start reports it.
  raw_txn(path, [](MDB_txn* txn) { raw_put(txn, "events", sequence_key(3), "garbage"); });
  TestHostServices host;
  auto s = open_ok(host, config_for(path));
  CHECK(sequences_after(*s, 3) == range(4, 12));
  const auto from_start = s->scan_events(0, [](const sdk::AuditEvent&) { return true; });
  CHECK(from_start.code() == sdk::StatusCode::kCorruption);
  CHECK_THAT(from_start.message(), Catch::Contains("events[0x0000000000000003]"));
}

TEST_CASE("lmdb store: last_event_sequence is the newest event's, also right after an open", "[lmdb][store][events]") {
  TempDir dir;
  const std::string path = dir.sub("state");
  {
    TestHostServices host;
    auto s = open_ok(host, config_for(path));
    CHECK(s->last_event_sequence().value() == 0);
    sdk::WriteBatch b;
    for (int i = 1; i <= 5; ++i) b.audit.push_back(numbered_event(i));
    REQUIRE(s->commit(b).is_ok());
    CHECK(s->last_event_sequence().value() == 5);
    sdk::WriteBatch no_events;
    no_events.checkpoint = sdk::StrategyCheckpoint{"slob", std::nullopt, "{}"};
    REQUIRE(s->commit(no_events).is_ok());
    CHECK(s->last_event_sequence().value() == 5);
  }
  for (bool read_only : {false, true}) {
    TestHostServices host;
    auto s = open_ok(host, config_for(path, read_only));
    CHECK(s->last_event_sequence().value() == 5);  // before any commit or scan
  }
  TestHostServices host;
  auto s = open_ok(host, config_for(path));
  sdk::WriteBatch b;
  b.audit.push_back(numbered_event(6));
  REQUIRE(s->commit(b).is_ok());
  CHECK(s->last_event_sequence().value() == 6);
  CHECK(sequences_after(*s, 0) == range(1, 6));
}

TEST_CASE("lmdb store: observer cursors commit with the events, replace by name and survive reopen",
          "[lmdb][store][events]") {
  TempDir dir;
  const std::string path = dir.sub("state");
  {
    TestHostServices host;
    auto s = open_ok(host, config_for(path));
    sdk::WriteBatch b;
    b.audit.push_back(numbered_event(1));
    b.audit.push_back(numbered_event(2));
    b.observer_cursors.push_back({"ops-webhook", 2, at("2026-01-06T15:01:00Z")});
    b.observer_cursors.push_back({"desk-mail", 0, at("2026-01-06T15:01:00Z")});
    REQUIRE(s->commit(b).is_ok());
    // Only a cursor and the host state, as after a delivery: with sync "full" that batch shape
    // would fit the intent log, which does not hold cursors; it must still be stored.
    sdk::WriteBatch delivered;
    delivered.observer_cursors.push_back({"desk-mail", 1, at("2026-01-06T15:02:00Z")});
    delivered.host_state = s->host_state().value();
    REQUIRE(s->commit(delivered).is_ok());
    auto cursors = s->observer_cursors();
    REQUIRE(cursors.is_ok());
    REQUIRE(cursors->size() == 2);
    CHECK((*cursors)[0].observer == "desk-mail");  // by name
    CHECK((*cursors)[0].delivered_through == 1);
  }
  TestHostServices host;
  auto s = open_ok(host, config_for(path, /*read_only=*/true));
  auto cursors = s->observer_cursors();
  REQUIRE(cursors.is_ok());
  REQUIRE(cursors->size() == 2);
  CHECK((*cursors)[0].observer == "desk-mail");
  CHECK((*cursors)[0].delivered_through == 1);
  CHECK((*cursors)[0].updated == at("2026-01-06T15:02:00Z"));
  CHECK((*cursors)[1].observer == "ops-webhook");
  CHECK((*cursors)[1].delivered_through == 2);
  CHECK((*cursors)[1].updated == at("2026-01-06T15:01:00Z"));
  CHECK(s->last_event_sequence().value() == 2);
}

TEST_CASE("lmdb store: a version-1 event written before the event catalogue reads with its mapped type and severity",
          "[lmdb][store][events]") {
  TempDir dir;
  const std::string path = dir.sub("state");
  {
    TestHostServices host;
    open_ok(host, config_for(path));
  }
  struct Old {
    const char* kind;
    const char* subject;
    const char* type;
    sdk::Severity severity;
  };
  const Old olds[] = {
      {"transition", "Starting->Recovering", "lifecycle.changed", sdk::Severity::kInfo},
      {"transition", "Running->SafeMode", "safe_mode.entered", sdk::Severity::kCritical},
      {"safe_mode", "entered", "safe_mode.entered", sdk::Severity::kCritical},
      {"safe_mode", "cleared", "safe_mode.cleared", sdk::Severity::kWarning},
      {"halt", "halt", "trading.halted", sdk::Severity::kWarning},
      {"halt", "resume", "trading.resumed", sdk::Severity::kNotice},
      {"risk", "halt", "trading.halted", sdk::Severity::kWarning},
      {"order", "skipped s-1", "order.skipped", sdk::Severity::kWarning},
      {"order", "flatten s-1", "order.flatten", sdk::Severity::kWarning},
      {"order", "bracket s-1", "order.sent", sdk::Severity::kNotice},
      {"reconcile", "orphan_order", "reconcile.finding", sdk::Severity::kWarning},
      {"reload", "applied", "reload.applied", sdk::Severity::kNotice},
      {"reload", "refused", "reload.refused", sdk::Severity::kWarning},
      {"command", "clear-safe-mode", "operator.command", sdk::Severity::kNotice},
      {"note", "anything", "legacy.note", sdk::Severity::kInfo},
  };
  raw_txn(path, [&](MDB_txn* txn) {
    std::uint64_t n = 0;
    for (const Old& o : olds) {
      ++n;
      raw_put(txn, "events", sequence_key(n), v1_event(n, o.kind, o.subject));
    }
  });
  TestHostServices host;
  auto s = open_ok(host, config_for(path));
  std::vector<sdk::AuditEvent> events;
  REQUIRE(s->scan_events(0, [&](const sdk::AuditEvent& e) { return events.push_back(e), true; }).is_ok());
  REQUIRE(events.size() == std::size(olds));
  for (std::size_t i = 0; i < events.size(); ++i) {
    INFO(olds[i].kind << " " << olds[i].subject);
    CHECK(events[i].sequence == i + 1);
    CHECK(events[i].time == sdk::Time{sdk::Duration{1'767'711'600'000'000}});
    CHECK(events[i].type == olds[i].type);
    CHECK(events[i].severity == olds[i].severity);
    CHECK(events[i].subject == olds[i].subject);
    CHECK(events[i].reason == std::string("old ") + olds[i].kind);
    CHECK(events[i].fields.empty());
  }
  // New events follow the old ones, at version 2.
  sdk::WriteBatch b;
  b.audit.push_back(numbered_event(16));
  REQUIRE(s->commit(b).is_ok());
  CHECK(sequences_after(*s, 15) == range(16, 16));
}

TEST_CASE("lmdb store: a schema-3 store reads read-only as it is and migrates to schema 4 keeping every record",
          "[lmdb][store][migration]") {
  TempDir dir;
  const std::string path = dir.sub("state");
  sdk::WriteBatch batch = sample_batch();
  batch.observer_cursors.clear();  // schema 3 has no place for them
  {
    TestHostServices host;
    auto s = open_ok(host, config_for(path));
    REQUIRE(s->commit(batch).is_ok());
  }
  // The schema-3 layout: no observers database, version 3, events at encoding version 1.
  raw_txn(path, [&](MDB_txn* txn) {
    MDB_dbi observers;
    REQUIRE(mdb_dbi_open(txn, "observers", 0, &observers) == 0);
    REQUIRE(mdb_drop(txn, observers, 1) == 0);
    raw_put(txn, "meta", "schema_version", std::string("\x03\0\0\0", 4));
    raw_put(txn, "events", sequence_key(1), v1_event(1, "transition", "Running->SafeMode"));
    raw_put(txn, "events", sequence_key(2), v1_event(2, "command", "halt"));
  });
  REQUIRE(lmdb::probe_store(path)->schema_version == 3);
  const std::string data = path + "/data.mdb";
  std::string before;
  {
    const std::string fingerprint = slob::test::lmdb::file_fingerprint(data);
    TestHostServices host;
    auto s = open_ok(host, config_for(path, /*read_only=*/true));
    before = everything(*s);
    CHECK(s->observer_cursors()->empty());
    CHECK(s->last_event_sequence().value() == 2);
    CHECK(slob::test::lmdb::file_fingerprint(data) == fingerprint);
    CHECK(lmdb::probe_store(path)->schema_version == 3);
  }
  CHECK_THAT(before, Catch::Contains(R"("type":"safe_mode.entered")") &&
                         Catch::Contains(R"("severity":"critical")") &&
                         Catch::Contains(R"("type":"operator.command")") &&
                         Catch::Contains(R"("client_ref":"slob:s-1:sl")") &&
                         Catch::Contains("live 1 open 1 unresolved 1"));
  {
    TestHostServices host;
    auto s = open_ok(host, config_for(path));
    CHECK(host.recording_logger().contains_id("SLOB_LMDB_MIGRATED"));
    CHECK(lmdb::probe_store(path)->schema_version == 4);
    CHECK(everything(*s) == before);
    sdk::WriteBatch b;
    b.audit.push_back(numbered_event(3));
    b.observer_cursors.push_back({"ops-webhook", 2, at("2026-01-06T16:00:00Z")});
    REQUIRE(s->commit(b).is_ok());
  }
  TestHostServices host;
  auto s = open_ok(host, config_for(path));
  CHECK_FALSE(host.recording_logger().contains_id("SLOB_LMDB_MIGRATED"));
  CHECK(s->observer_cursors()->size() == 1);
  CHECK(s->last_event_sequence().value() == 3);
  std::vector<std::string> types;
  REQUIRE(s->scan_events(0, [&](const sdk::AuditEvent& e) { return types.push_back(e.type), true; }).is_ok());
  CHECK(types == std::vector<std::string>{"safe_mode.entered", "operator.command", "order.sent"});
}
