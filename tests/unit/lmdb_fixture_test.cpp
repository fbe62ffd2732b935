// The committed schema-1 store (tests/fixtures/lmdb/schema-v1/) must keep opening and reading
// exactly as recorded in schema-v1.jsonl: it pins the on-disk encodings and the export format,
// and is the input of the 1 -> 2 migration test once schema 2 exists.
//
// Regenerate (only for a deliberate format change, with a schema bump):
//   lmdb_unit_tests "[.generate-fixture]"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lmdb_store.hpp"
#include "lmdb_test_support.hpp"
#include "record_json.hpp"
#include "test_host_services.hpp"

namespace fs = std::filesystem;
namespace lmdb = slob::plugins::lmdb;
namespace sdk = slob::sdk;
using slob::test::TestHostServices;
using slob::test::lmdb::file_fingerprint;
using slob::test::lmdb::sample_batch;
using slob::test::lmdb::store_table;
using slob::test::lmdb::TempDir;

namespace {

const fs::path kFixture = fs::path(SLOB_TEST_FIXTURES_DIR) / "lmdb" / "schema-v1";
const fs::path kExpected = fs::path(SLOB_TEST_FIXTURES_DIR) / "lmdb" / "schema-v1.jsonl";

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
  return out.str();
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("lmdb fixture: the schema-1 store reads as recorded", "[lmdb][fixture]") {
  REQUIRE(fs::exists(kFixture / "data.mdb"));
  const std::string before = file_fingerprint((kFixture / "data.mdb").string());
  TempDir dir;
  const std::string path = dir.sub("state");
  fs::create_directory(path);
  fs::copy_file(kFixture / "data.mdb", path + "/data.mdb");
  TestHostServices host;
  auto store = lmdb::create_store(host, store_table(path));
  INFO(store.status().message());
  REQUIRE(store.is_ok());
  CHECK(dump(**store) == read_file(kExpected));
  CHECK(file_fingerprint((kFixture / "data.mdb").string()) == before);
}

TEST_CASE("lmdb fixture: generate", "[.generate-fixture]") {
  fs::remove_all(kFixture);
  fs::create_directories(kFixture);
  {
    TestHostServices host;
    auto store = lmdb::create_store(host, store_table(kFixture.string()));
    REQUIRE(store.is_ok());
    REQUIRE((*store)->commit(sample_batch()).is_ok());
    std::ofstream(kExpected) << dump(**store);
  }
  fs::remove(kFixture / "lock.mdb");
}
