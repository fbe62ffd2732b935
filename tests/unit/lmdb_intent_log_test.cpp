// The intent log (plugins/lmdb/intent_log.hpp) through the real store: a commit of only journal
// entries and host state is durable in intents.wal without touching data.mdb, is read in place
// of the stored records, survives a reopen (read-only: read from the log; read-write: folded
// in), and never brings back an older version once a commit has folded it.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "lmdb_store.hpp"
#include "lmdb_store_open.hpp"
#include "lmdb_test_support.hpp"
#include "test_host_services.hpp"

namespace fs = std::filesystem;
namespace lmdb = slob::plugins::lmdb;
namespace sdk = slob::sdk;
using slob::test::TestHostServices;
using slob::test::lmdb::at;
using slob::test::lmdb::file_bytes;
using slob::test::lmdb::file_fingerprint;
using slob::test::lmdb::config_for;
using slob::test::lmdb::open_ok;
using slob::test::lmdb::TempDir;

namespace {

sdk::JournalEntry entry(const std::string& setup, sdk::Leg leg, sdk::OrderState state) {
  sdk::JournalEntry e;
  e.client_ref = sdk::make_client_ref(setup, leg);
  e.setup_id = setup;
  e.leg = leg;
  e.symbol = "NQ";
  e.side = sdk::Side::kSell;
  e.quantity = 1;
  e.price = 21000.25;
  e.state = state;
  e.created = at("2026-01-06T15:26:00Z");
  e.updated = e.created;
  return e;
}

// A bracket's three legs as intents, with the host state that reserves their order ids.
sdk::WriteBatch intent_batch(const std::string& setup, std::int64_t high_water) {
  sdk::WriteBatch b;
  for (sdk::Leg leg : {sdk::Leg::kEntry, sdk::Leg::kTakeProfit, sdk::Leg::kStopLoss}) {
    b.journal.push_back(entry(setup, leg, sdk::OrderState::kIntent));
  }
  sdk::HostState h;
  h.order_id_high_water = high_water;
  b.host_state = h;
  return b;
}

std::vector<std::string> order_refs(sdk::Store& store, bool unresolved_only) {
  std::vector<std::string> refs;
  auto visit = [&](const sdk::JournalEntry& e) {
    refs.push_back(e.client_ref + "=" + std::string(sdk::order_state_name(e.state)));
    return true;
  };
  REQUIRE((unresolved_only ? store.scan_unresolved_orders(visit) : store.scan_orders(visit)).is_ok());
  return refs;
}

std::string data_file(const std::string& path) { return path + "/data.mdb"; }
std::string log_file(const std::string& path) { return path + "/" + lmdb::kIntentLogFile; }

// A regular commit, so that a store has something in data.mdb and no staged records.
sdk::WriteBatch setup_batch(const std::string& id) {
  sdk::WriteBatch b;
  b.setups.push_back({id, sdk::Direction::kShort, "WAITING_ENTRY", true, "{}", at("2026-01-06T15:25:00Z")});
  return b;
}

}  // namespace

TEST_CASE("lmdb intent log: an intent is durable in the log, not data.mdb, and read in place",
          "[lmdb][intent-log]") {
  TempDir dir;
  const std::string path = dir.sub("state");
  const std::vector<std::string> want_orders = {"slob:a:entry=intent", "slob:a:sl=intent",
                                                "slob:a:tp=intent"};
  std::string stored;
  {
    TestHostServices host;
    auto store = open_ok(host, config_for(path));
    REQUIRE(fs::file_size(log_file(path)) == lmdb::kIntentLogCapacity);
    REQUIRE(store->commit(setup_batch("a")).is_ok());
    stored = file_fingerprint(data_file(path));
    const std::string empty_log = file_bytes(log_file(path));

    REQUIRE(store->commit(intent_batch("a", 1003)).is_ok());
    CHECK(file_fingerprint(data_file(path)) == stored);  // nothing written to LMDB
    CHECK(file_bytes(log_file(path)) != empty_log);
    CHECK(fs::file_size(log_file(path)) == lmdb::kIntentLogCapacity);  // written in place
    CHECK(order_refs(*store, false) == want_orders);
    CHECK(order_refs(*store, true) == want_orders);
    auto found = store->find_order("slob:a:tp");
    REQUIRE(found.is_ok());
    REQUIRE(found->has_value());
    CHECK((*found)->leg == sdk::Leg::kTakeProfit);
    CHECK(store->host_state()->order_id_high_water == 1003);
  }  // closed with the intent only in the log, as after kill -9

  SECTION("read-only: read from the log, nothing written") {
    TestHostServices host;
    auto store = open_ok(host, config_for(path, true));
    CHECK(host.recording_logger().contains_id("SLOB_LMDB_INTENTS_STAGED"));
    CHECK(order_refs(*store, true) == want_orders);
    CHECK(store->host_state()->order_id_high_water == 1003);
    CHECK(file_fingerprint(data_file(path)) == stored);
  }
  SECTION("read-write: folded into data.mdb once") {
    {
      TestHostServices host;
      auto store = open_ok(host, config_for(path));
      CHECK(host.recording_logger().contains_id("SLOB_LMDB_INTENTS_FOLDED"));
      CHECK(file_fingerprint(data_file(path)) != stored);
      CHECK(order_refs(*store, true) == want_orders);
      CHECK(store->host_state()->order_id_high_water == 1003);
    }
    TestHostServices host;
    auto store = open_ok(host, config_for(path));
    CHECK_FALSE(host.recording_logger().contains_id("SLOB_LMDB_INTENTS_FOLDED"));
    CHECK(order_refs(*store, false) == want_orders);
    CHECK(store->host_state()->order_id_high_water == 1003);
  }
}

TEST_CASE("lmdb intent log: a folded record never comes back over a newer one", "[lmdb][intent-log]") {
  TempDir dir;
  const std::string path = dir.sub("state");
  {
    TestHostServices host;
    auto store = open_ok(host, config_for(path));
    REQUIRE(store->commit(intent_batch("a", 3)).is_ok());
    // The next regular commit folds the intents in and moves the entry on.
    sdk::WriteBatch filled = setup_batch("a");
    filled.journal.push_back(entry("a", sdk::Leg::kEntry, sdk::OrderState::kFilled));
    REQUIRE(store->commit(filled).is_ok());
    // A new intent after the fold is written at the log's start, over the folded record.
    REQUIRE(store->commit(intent_batch("b", 6)).is_ok());
  }
  for (bool read_only : {true, false, false}) {
    INFO("read_only " << read_only);
    TestHostServices host;
    auto store = open_ok(host, config_for(path, read_only));
    CHECK(order_refs(*store, false) ==
          std::vector<std::string>{"slob:a:entry=filled", "slob:a:sl=intent", "slob:a:tp=intent",
                                   "slob:b:entry=intent", "slob:b:sl=intent", "slob:b:tp=intent"});
    CHECK(order_refs(*store, true).size() == 5);
    CHECK(store->host_state()->order_id_high_water == 6);
  }
}

TEST_CASE("lmdb intent log: staged and stored entries merge in key order", "[lmdb][intent-log]") {
  TempDir dir;
  const std::string path = dir.sub("state");
  TestHostServices host;
  auto store = open_ok(host, config_for(path));
  sdk::WriteBatch stored = setup_batch("x");
  for (const char* s : {"a", "c", "e"}) stored.journal.push_back(entry(s, sdk::Leg::kEntry, sdk::OrderState::kWorking));
  REQUIRE(store->commit(stored).is_ok());
  sdk::WriteBatch staged;
  staged.journal.push_back(entry("b", sdk::Leg::kEntry, sdk::OrderState::kIntent));
  staged.journal.push_back(entry("c", sdk::Leg::kEntry, sdk::OrderState::kCancelled));
  staged.journal.push_back(entry("f", sdk::Leg::kEntry, sdk::OrderState::kSent));
  const std::string before = file_fingerprint(data_file(path));
  REQUIRE(store->commit(staged).is_ok());
  REQUIRE(file_fingerprint(data_file(path)) == before);
  CHECK(order_refs(*store, false) ==
        std::vector<std::string>{"slob:a:entry=working", "slob:b:entry=intent", "slob:c:entry=cancelled",
                                 "slob:e:entry=working", "slob:f:entry=sent"});
  CHECK(order_refs(*store, true) == std::vector<std::string>{"slob:a:entry=working", "slob:b:entry=intent",
                                                             "slob:e:entry=working", "slob:f:entry=sent"});
  // A visitor that stops stops the merge too.
  int seen = 0;
  REQUIRE(store->scan_orders([&](const sdk::JournalEntry&) { return ++seen < 2; }).is_ok());
  CHECK(seen == 2);
  // Stored host state stays until an intent brings a newer one.
  CHECK(store->host_state()->order_id_high_water == 0);
}

TEST_CASE("lmdb intent log: a torn last record was never acknowledged and is dropped",
          "[lmdb][intent-log]") {
  TempDir dir;
  const std::string path = dir.sub("state");
  {
    TestHostServices host;
    auto store = open_ok(host, config_for(path));
    REQUIRE(store->commit(intent_batch("a", 3)).is_ok());
    REQUIRE(store->commit(intent_batch("b", 6)).is_ok());
  }
  // The crash hit while b's record was being written: its last byte never reached the disk.
  std::string bytes = file_bytes(log_file(path));
  const std::size_t last = bytes.find_last_not_of('\0');
  REQUIRE(last != std::string::npos);
  bytes[last] = '\0';
  std::ofstream(log_file(path), std::ios::binary | std::ios::trunc) << bytes;

  TestHostServices host;
  auto store = open_ok(host, config_for(path));
  CHECK(order_refs(*store, false) ==
        std::vector<std::string>{"slob:a:entry=intent", "slob:a:sl=intent", "slob:a:tp=intent"});
  CHECK(store->host_state()->order_id_high_water == 3);
  // The log goes on from there: the next intent is kept.
  REQUIRE(store->commit(intent_batch("c", 9)).is_ok());
  store.reset();
  TestHostServices again;
  auto reopened = open_ok(again, config_for(path, true));
  CHECK(order_refs(*reopened, false).size() == 6);
  CHECK(reopened->host_state()->order_id_high_water == 9);
}

TEST_CASE("lmdb intent log: a damaged record with an intact one after it is refused, not dropped",
          "[lmdb][intent-log]") {
  TempDir dir;
  const std::string path = dir.sub("state");
  {
    TestHostServices host;
    auto store = open_ok(host, config_for(path));
    for (const char* setup : {"a", "b", "c"}) {
      REQUIRE(store->commit(intent_batch(setup, 3)).is_ok());
    }
  }
  // One byte inside the second record's payload flips after it was acknowledged.
  std::string bytes = file_bytes(log_file(path));
  const std::size_t second = bytes.find("SLW1", 1);
  REQUIRE(second != std::string::npos);
  bytes[second + 40] ^= 0x01;
  std::ofstream(log_file(path), std::ios::binary | std::ios::trunc) << bytes;
  const std::string before = file_fingerprint(data_file(path));

  for (bool read_only : {true, false}) {
    INFO("read_only " << read_only);
    TestHostServices host;
    auto s = lmdb::LmdbStore::open(host, config_for(path, read_only));
    REQUIRE_FALSE(s.is_ok());
    CHECK(s.status().code() == sdk::StatusCode::kCorruption);
    CHECK(s.status().message() == log_file(path) + ": record 2 is damaged (CRC mismatch) and record 3 follows it");
    CHECK(host.recording_logger().contains_id("SLOB_LMDB_REFUSED"));
  }
  CHECK(file_fingerprint(data_file(path)) == before);
}

TEST_CASE("lmdb intent log: intents that no longer fit are committed to LMDB", "[lmdb][intent-log]") {
  TempDir dir;
  const std::string path = dir.sub("state");
  int commits = 0;
  {
    TestHostServices host;
    auto store = open_ok(host, config_for(path));
    REQUIRE(store->commit(setup_batch("x")).is_ok());
    const std::string before = file_fingerprint(data_file(path));
    // About 300 bytes a bracket record: the 64 KiB log holds a couple of hundred.
    while (file_fingerprint(data_file(path)) == before) {
      REQUIRE(commits < 1000);
      REQUIRE(store->commit(intent_batch("s" + std::to_string(commits), 3 * (commits + 1))).is_ok());
      ++commits;
    }
    CHECK(commits > 100);
    CHECK(order_refs(*store, false).size() == 3u * commits);
  }
  TestHostServices host;
  auto store = open_ok(host, config_for(path));
  CHECK(order_refs(*store, false).size() == 3u * commits);
  CHECK(store->host_state()->order_id_high_water == 3 * commits);
}

TEST_CASE("lmdb intent log: with sync none intents are committed to LMDB", "[lmdb][intent-log]") {
  TempDir dir;
  const std::string path = dir.sub("state");
  TestHostServices host;
  auto store = open_ok(host, config_for(path, false, lmdb::SyncMode::kNone));
  const std::string empty_log = file_bytes(log_file(path));
  REQUIRE(store->commit(intent_batch("a", 3)).is_ok());
  CHECK(file_bytes(log_file(path)) == empty_log);
  CHECK(order_refs(*store, false).size() == 3);
}

TEST_CASE("lmdb intent log: a log that is not a file is refused", "[lmdb][intent-log]") {
  TempDir dir;
  const std::string path = dir.sub("state");
  {
    TestHostServices host;
    open_ok(host, config_for(path));
  }
  fs::remove(log_file(path));
  fs::create_directory(log_file(path));
  TestHostServices host;
  auto s = lmdb::LmdbStore::open(host, config_for(path));
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.status().message() == log_file(path) + ": not a regular file");
  CHECK(host.recording_logger().contains_id("SLOB_LMDB_REFUSED"));
}
