// The committed stores of each schema (tests/fixtures/lmdb/schema-vN/) must keep opening and
// reading exactly as recorded in schema-vN.jsonl: they pin the on-disk encodings and the export
// format. The older stores are also the input of the migrations (1 -> 2: candles regrouped by
// hour; 2 -> 3: the intent log added; 3 -> 4: the observers database added), read-write, and
// must stay readable unmigrated, read-only; their events (encoding version 1) read with the
// types their kinds map to. The schema-3 and schema-4 fixtures hold a record in their intent
// log that is not in data.mdb; the schema-4 one holds an observer cursor.
//
// Generate the fixture of the current schema (only for a deliberate format change, with a
// schema bump; older fixtures are never regenerated):
//   lmdb_unit_tests "[.generate-fixture]"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lmdb_store.hpp"
#include "schema.hpp"
#include "store_probe.hpp"
#include "lmdb_test_support.hpp"
#include "control/record_json.hpp"
#include "test_host_services.hpp"

namespace fs = std::filesystem;
namespace lmdb = slob::plugins::lmdb;
namespace sdk = slob::sdk;
using slob::test::TestHostServices;
using slob::test::lmdb::file_bytes;
using slob::test::lmdb::file_fingerprint;
using slob::test::lmdb::sample_batch;
using slob::test::lmdb::store_table;
using slob::test::lmdb::TempDir;

namespace {

const fs::path kFixtures = fs::path(SLOB_TEST_FIXTURES_DIR) / "lmdb";
const fs::path kFixture = kFixtures / "schema-v1";
const fs::path kExpected = kFixtures / "schema-v1.jsonl";
const fs::path kFixtureV2 = kFixtures / "schema-v2";
const fs::path kExpectedV2 = kFixtures / "schema-v2.jsonl";
const fs::path kFixtureV3 = kFixtures / "schema-v3";
const fs::path kExpectedV3 = kFixtures / "schema-v3.jsonl";
const fs::path kFixtureCurrent = kFixtures / ("schema-v" + std::to_string(lmdb::kSchemaVersion));
const fs::path kExpectedCurrent = kFixtures / ("schema-v" + std::to_string(lmdb::kSchemaVersion) + ".jsonl");

// Every record kind plus the singletons, each line prefixed with its kind.
std::string dump(sdk::Store& store) {
  std::ostringstream out;
  const std::pair<const char*, sdk::RecordKind> kinds[] = {
      {"setups", sdk::RecordKind::kSetups}, {"orders", sdk::RecordKind::kOrders},
      {"fills", sdk::RecordKind::kFills},   {"trades", sdk::RecordKind::kTrades},
      {"events", sdk::RecordKind::kEvents}, {"candles", sdk::RecordKind::kCandles}};
  for (const auto& [name, kind] : kinds) {
    std::ostringstream lines;
    REQUIRE(slob::core::export_records(store, kind, lines).is_ok());
    std::istringstream in(lines.str());
    for (std::string line; std::getline(in, line);) out << name << " " << line << "\n";
  }
  out << "host_state " << slob::core::to_json(store.host_state().value()).dump() << "\n";
  out << "checkpoint " << slob::core::to_json(store.checkpoint().value().value()).dump() << "\n";
  int live = 0, open = 0, unresolved = 0;
  REQUIRE(store.scan_live_setups([&](const sdk::SetupRecord&) { return ++live, true; }).is_ok());
  REQUIRE(store.scan_open_trades([&](const sdk::TradeRecord&) { return ++open, true; }).is_ok());
  REQUIRE(store.scan_unresolved_orders([&](const sdk::JournalEntry&) { return ++unresolved, true; }).is_ok());
  out << "live " << live << " open " << open << " unresolved " << unresolved << "\n";
  const auto cursors = store.observer_cursors();
  REQUIRE(cursors.is_ok());
  for (const auto& c : *cursors) {
    out << "observer " << nlohmann::json{{"observer", c.observer}, {"delivered_through", c.delivered_through},
                                         {"updated", sdk::format_rfc3339(c.updated)}}.dump() << "\n";
  }
  out << "last_event_sequence " << store.last_event_sequence().value() << "\n";
  return out.str();
}

// A copy of a fixture's files in a fresh directory; the fixture itself is never opened.
std::string copy_of(TempDir& dir, const fs::path& fixture) {
  const std::string path = dir.sub("state");
  fs::create_directory(path);
  for (const auto& file : fs::directory_iterator(fixture)) {
    fs::copy_file(file.path(), fs::path(path) / file.path().filename());
  }
  return path;
}

sdk::ConfigTable read_only_table(const std::string& path) {
  auto table = store_table(path);
  table.values["read_only"] = sdk::ConfigValue{true, {"test.toml", 13, 8}};
  return table;
}

std::uint32_t schema_of(const std::string& path) {
  auto probe = lmdb::probe_store(path);
  REQUIRE(probe.is_ok());
  return probe->schema_version;
}

}  // namespace

TEST_CASE("lmdb fixture: the schema-1 store is migrated to the current schema and reads as recorded", "[lmdb][fixture]") {
  REQUIRE(fs::exists(kFixture / "data.mdb"));
  const std::string before = file_fingerprint((kFixture / "data.mdb").string());
  TempDir dir;
  const std::string path = copy_of(dir, kFixture);
  REQUIRE(schema_of(path) == 1);
  {
    TestHostServices host;
    auto store = lmdb::create_store(host, store_table(path));
    INFO(store.status().message());
    REQUIRE(store.is_ok());
    CHECK(host.recording_logger().contains_id("SLOB_LMDB_MIGRATED"));
    CHECK(dump(**store) == file_bytes(kExpected));
  }
  CHECK(schema_of(path) == lmdb::kSchemaVersion);
  {
    // Migrated once: a second open reads the same without migrating again, and candles added
    // in a migrated hour join it in time order.
    TestHostServices host;
    auto store = lmdb::create_store(host, store_table(path));
    REQUIRE(store.is_ok());
    CHECK_FALSE(host.recording_logger().contains_id("SLOB_LMDB_MIGRATED"));
    CHECK(dump(**store) == file_bytes(kExpected));
    sdk::WriteBatch b;
    b.candles.push_back({slob::test::lmdb::at("2026-01-06T15:23:00Z"), 1, 2, 0, 1, 1});
    b.candles.push_back({slob::test::lmdb::at("2026-01-06T15:26:00Z"), 1, 2, 0, 1, 1});
    REQUIRE((*store)->commit(b).is_ok());
    std::vector<std::string> starts;
    REQUIRE((*store)->scan_candles(sdk::Time::min(), [&](const sdk::Candle& c) {
      starts.push_back(sdk::format_rfc3339(c.start));
      return true;
    }).is_ok());
    CHECK(starts == std::vector<std::string>{"2026-01-06T15:23:00Z", "2026-01-06T15:24:00Z",
                                             "2026-01-06T15:25:00Z", "2026-01-06T15:26:00Z"});
  }
  CHECK(file_fingerprint((kFixture / "data.mdb").string()) == before);
}

TEST_CASE("lmdb fixture: the schema-1 store opened read-only reads as recorded, unmigrated", "[lmdb][fixture]") {
  TempDir dir;
  const std::string path = copy_of(dir, kFixture);
  const std::string before = file_fingerprint(path + "/data.mdb");
  {
    TestHostServices host;
    auto store = lmdb::create_store(host, read_only_table(path));
    INFO(store.status().message());
    REQUIRE(store.is_ok());
    CHECK_FALSE(host.recording_logger().contains_id("SLOB_LMDB_MIGRATED"));
    CHECK(dump(**store) == file_bytes(kExpected));
  }
  CHECK(schema_of(path) == 1);
  CHECK(file_fingerprint(path + "/data.mdb") == before);
}

TEST_CASE("lmdb fixture: the schema-2 store is migrated to the current schema and reads as recorded", "[lmdb][fixture]") {
  const std::string before = file_fingerprint((kFixtureV2 / "data.mdb").string());
  TempDir dir;
  const std::string path = copy_of(dir, kFixtureV2);
  REQUIRE(schema_of(path) == 2);
  {
    TestHostServices host;
    auto store = lmdb::create_store(host, read_only_table(path));
    REQUIRE(store.is_ok());
    CHECK(dump(**store) == file_bytes(kExpectedV2));
  }
  CHECK(schema_of(path) == 2);
  CHECK_FALSE(fs::exists(fs::path(path) / lmdb::kIntentLogFile));  // read-only creates nothing
  {
    TestHostServices host;
    auto store = lmdb::create_store(host, store_table(path));
    INFO(store.status().message());
    REQUIRE(store.is_ok());
    CHECK(host.recording_logger().contains_id("SLOB_LMDB_MIGRATED"));
    CHECK(dump(**store) == file_bytes(kExpectedV2));
  }
  CHECK(schema_of(path) == lmdb::kSchemaVersion);
  CHECK(fs::file_size(fs::path(path) / lmdb::kIntentLogFile) == lmdb::kIntentLogCapacity);
  CHECK(file_fingerprint((kFixtureV2 / "data.mdb").string()) == before);
}

TEST_CASE("lmdb fixture: the schema-3 store reads read-only unmigrated, then is migrated with its intent folded",
          "[lmdb][fixture]") {
  const std::string before = file_fingerprint((kFixtureV3 / "data.mdb").string());
  TempDir dir;
  const std::string path = copy_of(dir, kFixtureV3);
  REQUIRE(schema_of(path) == 3);
  {
    const std::string data_before = file_fingerprint(path + "/data.mdb");
    TestHostServices host;
    auto store = lmdb::create_store(host, read_only_table(path));
    INFO(store.status().message());
    REQUIRE(store.is_ok());
    CHECK(host.recording_logger().contains_id("SLOB_LMDB_INTENTS_STAGED"));
    CHECK(dump(**store) == file_bytes(kExpectedV3));  // no observers, events mapped from kinds
    CHECK(file_fingerprint(path + "/data.mdb") == data_before);
  }
  CHECK(schema_of(path) == 3);
  {
    TestHostServices host;
    auto store = lmdb::create_store(host, store_table(path));
    INFO(store.status().message());
    REQUIRE(store.is_ok());
    CHECK(host.recording_logger().contains_id("SLOB_LMDB_MIGRATED"));
    CHECK(host.recording_logger().contains_id("SLOB_LMDB_INTENTS_FOLDED"));
    CHECK(dump(**store) == file_bytes(kExpectedV3));
  }
  CHECK(schema_of(path) == lmdb::kSchemaVersion);
  {
    TestHostServices host;
    auto store = lmdb::create_store(host, store_table(path));
    REQUIRE(store.is_ok());
    CHECK_FALSE(host.recording_logger().contains_id("SLOB_LMDB_MIGRATED"));
    CHECK_FALSE(host.recording_logger().contains_id("SLOB_LMDB_INTENTS_FOLDED"));
    CHECK(dump(**store) == file_bytes(kExpectedV3));
  }
  CHECK(file_fingerprint((kFixtureV3 / "data.mdb").string()) == before);
}

TEST_CASE("lmdb fixture: the current-schema store reads as recorded", "[lmdb][fixture]") {
  REQUIRE(fs::exists(kFixtureCurrent / "data.mdb"));
  TempDir dir;
  const std::string path = copy_of(dir, kFixtureCurrent);
  REQUIRE(schema_of(path) == lmdb::kSchemaVersion);
  SECTION("read-only: the intent log's record is read in place") {
    const std::string before = file_fingerprint(path + "/data.mdb");
    TestHostServices host;
    auto store = lmdb::create_store(host, read_only_table(path));
    INFO(store.status().message());
    REQUIRE(store.is_ok());
    CHECK(host.recording_logger().contains_id("SLOB_LMDB_INTENTS_STAGED"));
    CHECK(dump(**store) == file_bytes(kExpectedCurrent));
    CHECK(file_fingerprint(path + "/data.mdb") == before);
  }
  SECTION("read-write: the record is folded into data.mdb") {
    {
      TestHostServices host;
      auto store = lmdb::create_store(host, store_table(path));
      INFO(store.status().message());
      REQUIRE(store.is_ok());
      CHECK(host.recording_logger().contains_id("SLOB_LMDB_INTENTS_FOLDED"));
      CHECK(dump(**store) == file_bytes(kExpectedCurrent));
    }
    TestHostServices host;
    auto store = lmdb::create_store(host, store_table(path));
    REQUIRE(store.is_ok());
    CHECK_FALSE(host.recording_logger().contains_id("SLOB_LMDB_INTENTS_FOLDED"));
    CHECK(dump(**store) == file_bytes(kExpectedCurrent));
  }
}

TEST_CASE("lmdb fixture: generate", "[.generate-fixture]") {
  fs::remove_all(kFixtureCurrent);
  fs::create_directories(kFixtureCurrent);
  {
    TestHostServices host;
    auto store = lmdb::create_store(host, store_table(kFixtureCurrent.string()));
    REQUIRE(store.is_ok());
    REQUIRE((*store)->commit(sample_batch()).is_ok());
    // An intent (journal entries and host state only) stays in the intent log: the store is
    // closed before any other commit folds it in.
    sdk::WriteBatch intent;
    sdk::JournalEntry entry = sample_batch().journal.front();
    entry.client_ref = sdk::make_client_ref("fixture-staged", sdk::Leg::kEntry);
    entry.setup_id = "fixture-staged";
    entry.broker_order_id = 0;
    intent.journal.push_back(entry);
    sdk::HostState host_state = (*store)->host_state().value();
    host_state.order_id_high_water += 3;
    intent.host_state = host_state;
    REQUIRE((*store)->commit(intent).is_ok());
    std::ofstream(kExpectedCurrent) << dump(**store);
  }
  fs::remove(kFixtureCurrent / "lock.mdb");
}
