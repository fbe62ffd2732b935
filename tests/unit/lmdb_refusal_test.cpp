// Files the lmdb store must refuse: each gives one clear line naming the path and the problem,
// and the data file stays byte-for-byte as it was.

#include <lmdb.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "lmdb_handles.hpp"
#include "lmdb_store.hpp"
#include "lmdb_test_support.hpp"
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

std::string make_store(const TempDir& dir) {
  const std::string path = dir.sub("state");
  TestHostServices host;
  auto s = lmdb::create_store(host, store_table(path));
  REQUIRE(s.is_ok());
  REQUIRE((*s)->commit(sample_batch()).is_ok());
  return path;
}

void raw_put(const std::string& path, const char* db, std::string_view key, std::string_view value) {
  MDB_env* raw = nullptr;
  REQUIRE(mdb_env_create(&raw) == 0);
  lmdb::EnvHandle env(raw);
  mdb_env_set_maxdbs(raw, 32);
  REQUIRE(mdb_env_open(raw, path.c_str(), 0, 0640) == 0);
  MDB_txn* txn = nullptr;
  REQUIRE(mdb_txn_begin(raw, nullptr, 0, &txn) == 0);
  MDB_dbi dbi;
  REQUIRE(mdb_dbi_open(txn, db, MDB_CREATE, &dbi) == 0);
  MDB_val k = lmdb::to_val(key);
  MDB_val v = lmdb::to_val(value);
  REQUIRE(mdb_put(txn, dbi, &k, &v, 0) == 0);
  REQUIRE(mdb_txn_commit(txn) == 0);
}

// Opens `path` expecting a refusal; checks the message and that data.mdb did not change.
void expect_refusal(const std::string& path, sdk::StatusCode code, const std::string& problem) {
  const std::string data = path + "/data.mdb";
  const bool had_data = fs::exists(data);
  const std::string before = had_data ? file_fingerprint(data) : "";
  TestHostServices host;
  auto s = lmdb::create_store(host, store_table(path));
  REQUIRE_FALSE(s.is_ok());
  const std::string message = s.status().message();
  INFO(message);
  CHECK(s.status().code() == code);
  CHECK_THAT(message, Catch::StartsWith(path) && Catch::Contains(problem));
  CHECK(message.find('\n') == std::string::npos);
  CHECK(host.recording_logger().contains_id("SLOB_LMDB_REFUSED"));
  if (had_data) CHECK(file_fingerprint(data) == before);
  CHECK(fs::exists(data) == had_data);
}

}  // namespace

TEST_CASE("lmdb refusal: a file that is not LMDB", "[lmdb][refusal]") {
  TempDir dir;
  const std::string path = make_store(dir);
  {
    std::ofstream out(path + "/data.mdb", std::ios::binary | std::ios::trunc);
    for (int i = 0; i < 1000; ++i) out << "time,open,high,low,close,volume\n";
  }
  expect_refusal(path, sdk::StatusCode::kCorruption, "data.mdb: not an LMDB file");
}

TEST_CASE("lmdb refusal: a truncated file", "[lmdb][refusal]") {
  TempDir dir;
  const std::string path = make_store(dir);
  const std::string data = path + "/data.mdb";
  const auto size = fs::file_size(data);
  const auto page = static_cast<std::uintmax_t>(::sysconf(_SC_PAGESIZE));
  REQUIRE(size > 4 * page);

  SECTION("after the meta pages") {
    fs::resize_file(data, size / 2 > 2 * page ? size / 2 : 3 * page);
    expect_refusal(path, sdk::StatusCode::kCorruption, "data.mdb: truncated: the file has");
  }
  SECTION("inside the meta pages") {
    fs::resize_file(data, page + 100);
    expect_refusal(path, sdk::StatusCode::kCorruption, "data.mdb: damaged or truncated LMDB header");
  }
}

TEST_CASE("lmdb refusal: a corrupt file", "[lmdb][refusal]") {
  TempDir dir;
  const std::string path = make_store(dir);
  const std::string data = path + "/data.mdb";
  const auto size = fs::file_size(data);
  const auto page = static_cast<std::uintmax_t>(::sysconf(_SC_PAGESIZE));
  {
    // Meta pages intact, every tree page wiped: what a bad disk or a stray writer leaves.
    std::fstream f(data, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(2 * page));
    const std::string zeros(size - 2 * page, '\0');
    f.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
  }
  expect_refusal(path, sdk::StatusCode::kCorruption, "damaged store");
}

TEST_CASE("lmdb refusal: a newer schema", "[lmdb][refusal]") {
  TempDir dir;
  const std::string path = make_store(dir);
  raw_put(path, "meta", "schema_version", std::string("\x05\0\0\0", 4));
  expect_refusal(path, sdk::StatusCode::kFailedPrecondition,
                 "schema version 5 is newer than this build supports (4)");
}

TEST_CASE("lmdb refusal: a broken schema version", "[lmdb][refusal]") {
  TempDir dir;
  const std::string path = make_store(dir);
  SECTION("zero") {
    raw_put(path, "meta", "schema_version", std::string("\0\0\0\0", 4));
    expect_refusal(path, sdk::StatusCode::kCorruption, "invalid schema version 0");
  }
  SECTION("wrong width") {
    raw_put(path, "meta", "schema_version", "1");
    expect_refusal(path, sdk::StatusCode::kCorruption, "schema version has 1 bytes");
  }
}

TEST_CASE("lmdb refusal: an LMDB file of another program", "[lmdb][refusal]") {
  TempDir dir;
  const std::string path = dir.sub("other");
  fs::create_directory(path);
  raw_put(path, "accounts", "alice", "42");
  expect_refusal(path, sdk::StatusCode::kFailedPrecondition, "not a slob store");
}

TEST_CASE("lmdb refusal: a missing directory", "[lmdb][refusal]") {
  TempDir dir;
  const std::string path = dir.sub("missing") + "/state";
  expect_refusal(path, sdk::StatusCode::kIoError, "parent directory " + dir.sub("missing") + " does not exist");
  CHECK_FALSE(fs::exists(dir.sub("missing")));
}

TEST_CASE("lmdb refusal: a path that is a file", "[lmdb][refusal]") {
  TempDir dir;
  const std::string path = dir.sub("file");
  { std::ofstream(path) << "not a directory\n"; }
  const std::string before = file_fingerprint(path);
  expect_refusal(path, sdk::StatusCode::kInvalidArgument, "not a directory");
  CHECK(file_fingerprint(path) == before);
}

TEST_CASE("lmdb refusal: a read-only directory (as a non-root user)", "[lmdb][refusal]") {
  // Root ignores permissions; the integration test covers root by dropping privileges.
  if (::geteuid() == 0) return;
  TempDir dir;
  const std::string path = make_store(dir);
  fs::remove(path + "/lock.mdb");
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_exec);
  expect_refusal(path, sdk::StatusCode::kIoError, "Permission denied");
  fs::permissions(path, fs::perms::owner_all);
}
