// SimBroker against TestHostServices: the replay loop, the ordering within one bar, resume,
// pacing, restart from the persisted book, and errors naming file and line.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/temp_dir.hpp"
#include "../support/test_host_services.hpp"
#include "sim_broker.hpp"
#include "sim_config.hpp"

using namespace slob;
using plugins::sim::SimBroker;
using plugins::sim::SimConfig;
using slob::test::TempDir;
using std::chrono::minutes;

namespace {

const std::string kFixtures = std::string(SLOB_TEST_FIXTURES_DIR) + "/sim";
const sdk::Time kFirst = *sdk::parse_rfc3339("2026-01-06T15:00:00Z");

// What the broker told the host, in order, as one line each.
struct Recorder final : sdk::BrokerListener {
  void on_health(const sdk::HealthEvent& e) override {
    health.push_back(e);
    log.push_back(std::string("health ") + sdk::channel_name(e.channel) + " " +
                  sdk::health_name(e.health));
  }
  void on_bar(const sdk::Bar& b) override {
    bars.push_back(b);
    log.push_back("bar " + sdk::format_rfc3339(b.start));
  }
  void on_order(const sdk::OrderReport& r) override {
    orders.push_back(r);
    log.push_back("order " + r.client_ref + " " + sdk::order_state_name(r.state));
  }
  void on_execution(const sdk::Execution& x) override {
    executions.push_back(x);
    log.push_back("exec " + x.exec_id + " " + x.client_ref);
  }
  void on_snapshot(const sdk::Result<sdk::BrokerSnapshot>& s) override { snapshots.push_back(s); }
  void on_end_of_data() override {
    ++ends;
    log.push_back("end");
  }
  void on_position(const sdk::Position& p) override {
    positions.push_back(p);
    log.push_back("position " + p.symbol + " " + std::to_string(p.quantity));
  }
  std::vector<sdk::Position> positions;
  std::vector<sdk::HealthEvent> health;
  std::vector<sdk::Bar> bars;
  std::vector<sdk::OrderReport> orders;
  std::vector<sdk::Execution> executions;
  std::vector<sdk::Result<sdk::BrokerSnapshot>> snapshots;
  std::vector<std::string> log;
  int ends = 0;
};

SimConfig config_for(const std::string& data, const TempDir& dir) {
  SimConfig c;
  c.data_path = kFixtures + "/" + data;
  c.state_path = (dir.path() / "sim-broker.json").string();
  return c;
}

std::unique_ptr<SimBroker> make(test::TestHostServices& host, SimConfig c, Recorder& rec) {
  auto b = SimBroker::create(host, std::move(c));
  REQUIRE(b.is_ok());
  auto broker = std::move(b.value());
  broker->set_listener(rec);
  return broker;
}

sdk::BracketOrder short_bracket(const std::string& id, std::int64_t first_id, double entry,
                                double stop, double target) {
  sdk::BracketOrder b;
  b.setup_id = id;
  b.symbol = "NQ";
  b.direction = sdk::Direction::kShort;
  b.quantity = 1;
  b.entry = {sdk::make_client_ref(id, sdk::Leg::kEntry), sdk::Leg::kEntry, sdk::Side::kSell,
             sdk::OrderType::kLimit, entry, first_id};
  b.take_profit = {sdk::make_client_ref(id, sdk::Leg::kTakeProfit), sdk::Leg::kTakeProfit,
                   sdk::Side::kBuy, sdk::OrderType::kLimit, target, first_id + 1};
  b.stop_loss = {sdk::make_client_ref(id, sdk::Leg::kStopLoss), sdk::Leg::kStopLoss, sdk::Side::kBuy,
                 sdk::OrderType::kStop, stop, first_id + 2};
  return b;
}

// Drives the replay the way the host's loop would: one posted handler at a time.
void run_until_bars(test::TestHostServices& host, Recorder& rec, std::size_t bars) {
  while (rec.bars.size() < bars && host.run_pending(1) == 1) {
  }
  REQUIRE(rec.bars.size() == bars);
}

}  // namespace

TEST_CASE("connect reports both channels up and moves the clock to the first bar") {
  TempDir dir;
  test::TestHostServices host;
  Recorder rec;
  auto broker = make(host, config_for("bars_12.csv", dir), rec);
  CHECK(broker->bar_count() == 12);
  REQUIRE(broker->connect().is_ok());
  CHECK(rec.health.empty());  // results arrive later, never inside the call
  host.run_pending();
  REQUIRE(rec.health.size() == 2);
  CHECK(rec.health[0].channel == sdk::Channel::kOrders);
  CHECK(rec.health[0].health == sdk::Health::kUp);
  CHECK(rec.health[0].next_valid_order_id == 1);
  CHECK(rec.health[1].channel == sdk::Channel::kMarketData);
  CHECK(host.clock().now() == kFirst);
  CHECK(host.recording_logger().contains_id("SLOB_SIM_DATA_LOADED"));
}

TEST_CASE("replay: one bar per loop turn, clock at the bar's end, end of data after the last") {
  TempDir dir;
  test::TestHostServices host;
  Recorder rec;
  auto broker = make(host, config_for("bars_12.csv", dir), rec);
  REQUIRE(broker->connect().is_ok());
  host.run_pending();
  CHECK(broker->subscribe({"ES", std::nullopt}).code() == sdk::StatusCode::kInvalidArgument);
  REQUIRE(broker->subscribe({"NQ", std::nullopt}).is_ok());
  for (int i = 0; i < 12; ++i) {
    REQUIRE(host.run_pending(1) == 1);
    REQUIRE(rec.bars.size() == static_cast<std::size_t>(i + 1));
    CHECK(rec.bars.back().start == kFirst + minutes(i));
    CHECK(rec.bars.back().span == std::chrono::seconds(60));
    CHECK_FALSE(rec.bars.back().backfill);
    CHECK(host.clock().now() == kFirst + minutes(i + 1));
  }
  CHECK(rec.ends == 0);
  host.run_pending();
  CHECK(rec.ends == 1);
  CHECK(rec.bars[4].high == 25590.0);
  CHECK(rec.bars[4].volume == 520.0);
  CHECK(host.recording_logger().contains_id("SLOB_SIM_END_OF_DATA"));
}

TEST_CASE("exit_at_end = false never calls on_end_of_data") {
  TempDir dir;
  test::TestHostServices host;
  Recorder rec;
  auto c = config_for("bars_12.csv", dir);
  c.exit_at_end = false;
  auto broker = make(host, c, rec);
  REQUIRE(broker->connect().is_ok());
  REQUIRE(broker->subscribe({"NQ", std::nullopt}).is_ok());
  host.run_pending();
  CHECK(rec.bars.size() == 12);
  CHECK(rec.ends == 0);
}

TEST_CASE("an order placed after bar N closes first fills in bar N+1, reported before its bar") {
  TempDir dir;
  test::TestHostServices host;
  Recorder rec;
  auto broker = make(host, config_for("bars_12.csv", dir), rec);
  REQUIRE(broker->connect().is_ok());
  REQUIRE(broker->subscribe({"NQ", std::nullopt}).is_ok());
  run_until_bars(host, rec, 5);  // 15:04 closed at 25585, high 25590
  // Sell limit at 25585: bar 15:04 traded through it, but the order came after that bar.
  REQUIRE(broker->place_bracket(short_bracket("s1", 1, 25585, 25595, 25500)).is_ok());
  rec.log.clear();
  run_until_bars(host, rec, 6);
  const std::vector<std::string> expected_a = {
      "order slob:s1:entry working", "order slob:s1:tp acknowledged",
      "order slob:s1:sl acknowledged", "exec sim-1 slob:s1:entry", "order slob:s1:entry filled",
      "order slob:s1:tp working", "order slob:s1:sl working", "bar 2026-01-06T15:05:00Z"};
  CHECK(rec.log == expected_a);
  CHECK(rec.executions[0].time == kFirst + minutes(5));
  rec.log.clear();
  // 15:06 low 25540, 15:07 low 25520, 15:08 low 25500: target at 25500 fills in 15:08.
  run_until_bars(host, rec, 9);
  const std::vector<std::string> expected_b = {
      "bar 2026-01-06T15:06:00Z", "bar 2026-01-06T15:07:00Z", "exec sim-2 slob:s1:tp",
      "order slob:s1:tp filled", "order slob:s1:sl cancelled", "bar 2026-01-06T15:08:00Z"};
  CHECK(rec.log == expected_b);

  host.run_pending();  // to the end: nothing is left working after 15:08
  REQUIRE(broker->request_snapshot(kFirst).is_ok());
  host.run_pending();
  REQUIRE(rec.snapshots.size() == 1);
  const auto& snap = rec.snapshots[0].value();
  CHECK(snap.positions.empty());
  CHECK(snap.executions.size() == 2);
  CHECK(*snap.equity == 100000.0 + 85.0 * 20 - 4.5);
  CHECK(snap.next_valid_order_id == 4);
}

TEST_CASE("subscribe with backfill_from resumes the replay at that bar") {
  TempDir dir;
  test::TestHostServices host;
  Recorder rec;
  auto broker = make(host, config_for("bars_12.csv", dir), rec);
  REQUIRE(broker->connect().is_ok());
  REQUIRE(broker->subscribe({"NQ", kFirst + minutes(7)}).is_ok());
  host.run_pending();
  REQUIRE(rec.bars.size() == 5);
  CHECK(rec.bars.front().start == kFirst + minutes(7));
  CHECK(rec.ends == 1);
}

TEST_CASE("start and end in the config replay a slice") {
  TempDir dir;
  test::TestHostServices host;
  Recorder rec;
  auto c = config_for("bars_12.csv", dir);
  c.start = kFirst + minutes(2);
  c.end = kFirst + minutes(4);
  auto broker = make(host, c, rec);
  REQUIRE(broker->connect().is_ok());
  REQUIRE(broker->subscribe({"NQ", std::nullopt}).is_ok());
  host.run_pending();
  REQUIRE(rec.bars.size() == 2);
  CHECK(rec.bars[0].start == kFirst + minutes(2));
  CHECK(rec.bars[1].start == kFirst + minutes(3));
}

TEST_CASE("speed N paces bars on the wall clock") {
  TempDir dir;
  test::TestHostServices host;
  Recorder rec;
  auto c = config_for("bars_12.csv", dir);
  c.speed = 60;  // one 1-minute bar per wall-clock second
  auto broker = make(host, c, rec);
  REQUIRE(broker->connect().is_ok());
  REQUIRE(broker->subscribe({"NQ", std::nullopt}).is_ok());
  host.run_pending();
  CHECK(rec.bars.size() == 1);  // the first bar is due at once
  host.manual_wall_clock().advance(std::chrono::milliseconds(999));
  host.run_pending();
  CHECK(rec.bars.size() == 1);
  host.manual_wall_clock().advance(std::chrono::milliseconds(1));
  host.run_pending();
  CHECK(rec.bars.size() == 2);
  host.manual_wall_clock().advance(std::chrono::seconds(3));
  host.run_pending();
  CHECK(rec.bars.size() == 5);
}

TEST_CASE("disconnect halts the replay and reports both channels down") {
  TempDir dir;
  test::TestHostServices host;
  Recorder rec;
  auto broker = make(host, config_for("bars_12.csv", dir), rec);
  REQUIRE(broker->connect().is_ok());
  REQUIRE(broker->subscribe({"NQ", std::nullopt}).is_ok());
  run_until_bars(host, rec, 3);
  broker->disconnect();
  host.run_pending();
  CHECK(rec.bars.size() == 3);
  REQUIRE(rec.health.size() == 4);
  CHECK(rec.health[2].health == sdk::Health::kDown);
  CHECK(rec.health[3].health == sdk::Health::kDown);
  CHECK(broker->place_bracket(short_bracket("s1", 1, 25585, 25595, 25500)).code() ==
        sdk::StatusCode::kUnavailable);
  CHECK(broker->request_snapshot(kFirst).code() == sdk::StatusCode::kUnavailable);
}

// The run the restart test must reproduce: bracket after 15:04, entry 15:05, target 15:08.
std::vector<sdk::Execution> uninterrupted_executions() {
  TempDir dir;
  test::TestHostServices host;
  Recorder rec;
  auto broker = make(host, config_for("bars_12.csv", dir), rec);
  REQUIRE(broker->connect().is_ok());
  REQUIRE(broker->subscribe({"NQ", std::nullopt}).is_ok());
  run_until_bars(host, rec, 5);
  REQUIRE(broker->place_bracket(short_bracket("s1", 1, 25585, 25595, 25500)).is_ok());
  host.run_pending();
  return rec.executions;
}

TEST_CASE("a restarted sim rebuilds its book from the state file and resumes deterministically") {
  const auto expected = uninterrupted_executions();
  REQUIRE(expected.size() == 2);

  TempDir dir;
  {
    test::TestHostServices host;
    Recorder rec;
    auto broker = make(host, config_for("bars_12.csv", dir), rec);
    REQUIRE(broker->connect().is_ok());
    REQUIRE(broker->subscribe({"NQ", std::nullopt}).is_ok());
    run_until_bars(host, rec, 5);
    REQUIRE(broker->place_bracket(short_bracket("s1", 1, 25585, 25595, 25500)).is_ok());
    run_until_bars(host, rec, 7);  // entry filled in 15:05; "killed" after 15:06
  }
  test::TestHostServices host;
  Recorder rec;
  auto broker = make(host, config_for("bars_12.csv", dir), rec);
  CHECK(host.recording_logger().contains_id("SLOB_SIM_STATE_RESTORED"));
  REQUIRE(broker->connect().is_ok());
  host.run_pending();
  CHECK(rec.health[0].next_valid_order_id == 4);
  // The ids and references the old process used are still taken.
  CHECK(broker->place_bracket(short_bracket("s1", 10, 25585, 25595, 25500)).code() ==
        sdk::StatusCode::kInvalidArgument);
  REQUIRE(broker->request_snapshot(kFirst).is_ok());
  host.run_pending();
  const auto& snap = rec.snapshots.at(0).value();
  REQUIRE(snap.positions.size() == 1);
  CHECK(snap.positions[0].quantity == -1);
  CHECK(snap.open_orders.size() == 2);
  REQUIRE(snap.executions.size() == 1);
  CHECK(snap.executions[0].exec_id == expected[0].exec_id);

  // The host stored candles through 15:06 and resumes at 15:07.
  REQUIRE(broker->subscribe({"NQ", kFirst + minutes(7)}).is_ok());
  host.run_pending();
  CHECK(rec.bars.front().start == kFirst + minutes(7));
  REQUIRE(rec.executions.size() == 1);
  CHECK(rec.executions[0].exec_id == expected[1].exec_id);
  CHECK(rec.executions[0].client_ref == expected[1].client_ref);
  CHECK(rec.executions[0].price == expected[1].price);
  CHECK(rec.executions[0].time == expected[1].time);
}

TEST_CASE("bars the old process never evaluated are evaluated on resume, even undelivered") {
  TempDir dir;
  {
    test::TestHostServices host;
    Recorder rec;
    auto broker = make(host, config_for("bars_12.csv", dir), rec);
    REQUIRE(broker->connect().is_ok());
    REQUIRE(broker->subscribe({"NQ", std::nullopt}).is_ok());
    run_until_bars(host, rec, 5);
    // Killed right after the sim accepted the bracket, before bar 15:05 was evaluated.
    REQUIRE(broker->place_bracket(short_bracket("s1", 1, 25585, 25595, 25500)).is_ok());
  }
  test::TestHostServices host;
  Recorder rec;
  auto broker = make(host, config_for("bars_12.csv", dir), rec);
  REQUIRE(broker->connect().is_ok());
  // Resuming at 15:10: the fills of 15:05 and 15:08 still happen, reported before 15:10.
  REQUIRE(broker->subscribe({"NQ", kFirst + minutes(10)}).is_ok());
  host.run_pending();
  REQUIRE(rec.executions.size() == 2);
  CHECK(rec.executions[0].time == kFirst + minutes(5));
  CHECK(rec.executions[1].time == kFirst + minutes(8));
  CHECK(rec.bars.size() == 2);
}

TEST_CASE("bars already evaluated before the kill are delivered again but never refilled") {
  TempDir dir;
  {
    test::TestHostServices host;
    Recorder rec;
    auto broker = make(host, config_for("bars_12.csv", dir), rec);
    REQUIRE(broker->connect().is_ok());
    REQUIRE(broker->subscribe({"NQ", std::nullopt}).is_ok());
    run_until_bars(host, rec, 5);
    REQUIRE(broker->place_bracket(short_bracket("s1", 1, 25585, 25595, 25500)).is_ok());
    // Bar 15:05 is evaluated (the entry fills, the book is persisted), then the process dies
    // before the host stored candle 15:05.
    host.run_pending(1);
    REQUIRE(rec.executions.size() == 1);
  }
  test::TestHostServices host;
  Recorder rec;
  auto broker = make(host, config_for("bars_12.csv", dir), rec);
  REQUIRE(broker->connect().is_ok());
  host.run_pending();
  // Not the end of the last evaluated bar (15:06): the host resumes after its last durable
  // candle, and a clock already past the bars it replays would close them as holes.
  CHECK(host.clock().now() == kFirst);
  REQUIRE(broker->subscribe({"NQ", kFirst + minutes(5)}).is_ok());
  host.run_pending();
  REQUIRE(rec.bars.size() == 7);
  CHECK(rec.bars.front().start == kFirst + minutes(5));
  REQUIRE(rec.executions.size() == 1);  // only the target, in 15:08: sim-1 is not refilled
  CHECK(rec.executions[0].exec_id == "sim-2");
  CHECK(rec.executions[0].time == kFirst + minutes(8));
}

TEST_CASE("a book that cannot be persisted refuses the order and leaves the book unchanged") {
  TempDir dir;
  test::TestHostServices host;
  Recorder rec;
  auto c = config_for("bars_12.csv", dir);
  c.state_path = (dir.path() / "missing-dir" / "sim-broker.json").string();
  auto broker = make(host, c, rec);
  REQUIRE(broker->connect().is_ok());
  host.run_pending();
  const auto st = broker->place_bracket(short_bracket("s1", 1, 25585, 25595, 25500));
  CHECK(st.code() == sdk::StatusCode::kIoError);
  CHECK_THAT(st.message(), Catch::StartsWith(c.state_path + ".tmp: cannot create"));
  CHECK(broker->book_for_test().state().orders.empty());
  CHECK(host.recording_logger().contains_id("SLOB_SIM_STATE_WRITE_FAILED"));
  host.run_pending();
  CHECK(rec.orders.empty());
}

TEST_CASE("state written for another data file is refused and a corrupt one names its path") {
  TempDir dir;
  {
    test::TestHostServices host;
    Recorder rec;
    auto broker = make(host, config_for("bars_12.csv", dir), rec);
    REQUIRE(broker->connect().is_ok());
    REQUIRE(broker->place_bracket(short_bracket("s1", 1, 25585, 25595, 25500)).is_ok());
  }
  test::TestHostServices host;
  auto other = config_for("bars_12.csv", dir);
  other.equity = 50000;
  auto r = SimBroker::create(host, other);
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().code() == sdk::StatusCode::kFailedPrecondition);
  CHECK_THAT(r.status().message(), Catch::Contains("start fresh"));

  std::ofstream(dir.path() / "sim-broker.json") << "{\"version\": 1, \"orders\": 3}";
  auto corrupt = SimBroker::create(host, config_for("bars_12.csv", dir));
  REQUIRE_FALSE(corrupt.is_ok());
  CHECK(corrupt.status().code() == sdk::StatusCode::kCorruption);
  CHECK_THAT(corrupt.status().message(), Catch::StartsWith((dir.path() / "sim-broker.json").string()));
}

TEST_CASE("sync none still writes the book write-ahead: a second StateFile loads what it saved") {
  TempDir dir;
  auto c = config_for("bars_12.csv", dir);
  c.sync = plugins::sim::SyncMode::kNone;
  plugins::sim::BookState saved;
  {
    test::TestHostServices host;
    Recorder rec;
    auto broker = make(host, c, rec);
    CHECK(host.recording_logger().contains_id("SLOB_SIM_SYNC_NONE"));
    REQUIRE(broker->connect().is_ok());
    REQUIRE(broker->subscribe({"NQ", std::nullopt}).is_ok());
    run_until_bars(host, rec, 5);
    REQUIRE(broker->place_bracket(short_bracket("s1", 1, 25585, 25595, 25500)).is_ok());
    run_until_bars(host, rec, 7);  // entry filled in 15:05; "killed" after 15:06, no clean stop
    saved = broker->book_for_test().state();
  }
  // The placement wrote the snapshot, the fill a journal line after it: both paths ran.
  CHECK(std::filesystem::file_size(c.state_path + ".journal") > 0);
  plugins::sim::StateFile again(c.state_path, {c.data_path, c.symbol, c.equity},
                                plugins::sim::SyncMode::kNone);
  auto loaded = again.load();
  REQUIRE(loaded.is_ok());
  REQUIRE(loaded->has_value());
  const auto& book = (*loaded)->book;
  REQUIRE(book.orders.size() == saved.orders.size());
  for (std::size_t i = 0; i < book.orders.size(); ++i) {
    CHECK(book.orders[i].report.client_ref == saved.orders[i].report.client_ref);
    CHECK(book.orders[i].report.state == saved.orders[i].report.state);
  }
  REQUIRE(book.executions.size() == 1);
  CHECK(book.executions[0].exec_id == saved.executions[0].exec_id);
  CHECK(book.position.quantity == -1);
  CHECK(book.max_order_id == saved.max_order_id);
  CHECK((*loaded)->evaluated_through == kFirst + minutes(5));  // 15:06 changed nothing: not saved
}

TEST_CASE("SLOB_SIM_SYNC_NONE only with sync none and a state file") {
  TempDir dir;
  {
    test::TestHostServices host;
    REQUIRE(SimBroker::create(host, config_for("bars_12.csv", dir)).is_ok());
    CHECK_FALSE(host.recording_logger().contains_id("SLOB_SIM_SYNC_NONE"));
  }
  test::TestHostServices host;
  auto c = config_for("bars_12.csv", dir);
  c.sync = plugins::sim::SyncMode::kNone;
  c.state_path.clear();
  REQUIRE(SimBroker::create(host, c).is_ok());
  CHECK_FALSE(host.recording_logger().contains_id("SLOB_SIM_SYNC_NONE"));
}

// fsync(2) refuses special files with EINVAL, so files that are symlinks to /dev/null take the
// writes and fail any fsync: a real probe, no mock. It covers the snapshot's temp file and the
// journal; the directory fsyncs (a real directory) are not observed.
TEST_CASE("sync none calls no fsync on the snapshot or the journal, sync full does") {
  using plugins::sim::SyncMode;
  for (const SyncMode mode : {SyncMode::kFull, SyncMode::kNone}) {
    TempDir dir;
    const std::string path = (dir.path() / "sim-broker.json").string();
    plugins::sim::StateFile file(path, {"data.csv", "NQ", 100000.0}, mode);
    REQUIRE(file.load().is_ok());
    plugins::sim::BookState book;
    std::filesystem::create_symlink("/dev/null", path + ".tmp");
    const auto snapshot = file.save(book, std::nullopt, 0);  // the first save is a snapshot
    if (mode == SyncMode::kFull) {
      CHECK(snapshot.code() == sdk::StatusCode::kIoError);
      CHECK_THAT(snapshot.message(), Catch::StartsWith(path + ".tmp: fsync failed"));
      std::filesystem::remove(path + ".tmp");
      REQUIRE(file.save(book, std::nullopt, 0).is_ok());  // a real snapshot to append after
    } else {
      CHECK(snapshot.is_ok());
    }
    std::filesystem::create_symlink("/dev/null", path + ".journal");
    book.max_order_id = 3;
    const auto line = file.save(book, std::nullopt, 0);  // a small change: one journal line
    if (mode == SyncMode::kFull) {
      CHECK_THAT(line.message(), Catch::StartsWith(path + ".journal: fsync failed"));
    } else {
      CHECK(line.is_ok());
    }
  }
}

TEST_CASE("bad market data fails the factory with file and line") {
  TempDir dir;
  test::TestHostServices host;
  auto r = SimBroker::create(host, config_for("bad_number.csv", dir));
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().message() == kFixtures + "/bad_number.csv:3: close is not a number: \"25x\"");
  r = SimBroker::create(host, config_for("bad_order.csv", dir));
  CHECK_THAT(r.status().message(), Catch::StartsWith(kFixtures + "/bad_order.csv:4: time "));
  r = SimBroker::create(host, config_for("bad_header.csv", dir));
  CHECK_THAT(r.status().message(), Catch::StartsWith(kFixtures + "/bad_header.csv:1: expected header"));
  r = SimBroker::create(host, config_for("missing.csv", dir));
  CHECK(r.status().code() == sdk::StatusCode::kIoError);
  CHECK_THAT(r.status().message(), Catch::StartsWith(kFixtures + "/missing.csv: cannot open"));
}

TEST_CASE("a price that is not positive, finite, below the ceiling and on the tick refuses the file") {
  TempDir dir;
  test::TestHostServices host;
  const std::string good = "2026-01-06T15:00:00Z,25560.00,25565.00,25555.00,25562.00,300\n";
  auto refusal = [&](const std::string& row) {
    const std::string data = (dir.path() / "prices.csv").string();
    std::ofstream(data) << "time,open,high,low,close,volume\n" << good << row << "\n";
    SimConfig c = config_for("", dir);
    c.data_path = data;
    auto r = SimBroker::create(host, c);
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().code() == sdk::StatusCode::kInvalidArgument);
    return r.status().message().substr(data.size());
  };
  // A 1e308 bar used to fill a stop at 1e308: P&L and equity -inf, "pnl": null in the export.
  CHECK(refusal("2026-01-06T15:01:00Z,25562,1e308,25560,25562,1") ==
        ":3: high 1e+308 is above the largest price accepted, 1000000000");
  CHECK(refusal("2026-01-06T15:01:00Z,0,0,0,0,1") == ":3: open 0 is not a positive price");
  CHECK(refusal("2026-01-06T15:01:00Z,-2,-1,-3,-2,1") == ":3: open -2 is not a positive price");
  CHECK(refusal("2026-01-06T15:01:00Z,25562,25568.1,25560,25562,1") ==
        ":3: high 25568.099999999999 is not a multiple of the tick size 0.25");
  // The ceiling itself is a price.
  SimConfig ceiling = config_for("", dir);
  ceiling.data_path = (dir.path() / "ceiling.csv").string();
  std::ofstream(ceiling.data_path) << "time,open,high,low,close,volume\n"
                                   << "2026-01-06T15:00:00Z,1000000000,1000000000,1000000000,1000000000,1\n";
  CHECK(SimBroker::create(host, ceiling).is_ok());
}

TEST_CASE("a directory given as the market data is named as one") {
  TempDir dir;
  test::TestHostServices host;
  SimConfig c = config_for("", dir);
  c.data_path = dir.path().string();
  auto r = SimBroker::create(host, c);
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().message() == dir.path().string() + ": market data is a directory, not a file");
}

TEST_CASE("without a clock driver the sim refuses to start") {
  TempDir dir;
  test::TestHostServices host(".", ".", /*offer_clock_driver=*/false);
  auto r = SimBroker::create(host, config_for("bars_12.csv", dir));
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().code() == sdk::StatusCode::kFailedPrecondition);
}
