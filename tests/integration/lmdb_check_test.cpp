// Refusals at process level: `lmdb-crash-writer --check DIR` opens a store as the daemon would.
// Each bad store makes it exit non-zero with one line naming the path and the problem on stderr,
// and leaves data.mdb byte-for-byte unchanged.

#include <lmdb.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "lmdb_handles.hpp"
#include "lmdb_store.hpp"
#include "lmdb_test_support.hpp"
#include "process.hpp"
#include "test_host_services.hpp"

namespace fs = std::filesystem;
namespace lmdb = slob::plugins::lmdb;
using slob::test::Process;
using slob::test::Spawn;
using slob::test::lmdb::file_fingerprint;
using slob::test::lmdb::TempDir;

namespace {

using slob::test::RunResult;

// Runs the writer to completion, its output captured in a scratch directory of its own (the
// store's directory must hold only what the writer made). code is -1 on a timeout.
RunResult writer(const std::vector<std::string>& args, Spawn spawn = {}) {
  TempDir scratch;
  std::vector<std::string> argv = {LMDB_CRASH_WRITER};
  argv.insert(argv.end(), args.begin(), args.end());
  Process p(argv, scratch / "out", scratch / "err", spawn);
  REQUIRE(p.started());
  const auto code = p.wait_for_exit(std::chrono::seconds(60));
  return {code.value_or(-1), p.out(), p.err()};
}

RunResult check(const std::string& path, bool as_nobody = false) {
  return writer({"--check", path}, Spawn{.as_nobody = as_nobody});
}

std::string make_store(const TempDir& dir) {
  const std::string path = dir.sub("state");
  const RunResult w = writer({"--path", path, "--batches", "3"});
  REQUIRE(w.code == 0);
  REQUIRE(w.out == "ack 1\nack 2\nack 3\n");
  return path;
}

void expect_refused(const std::string& path, const std::string& problem, bool as_nobody = false) {
  const std::string data = path + "/data.mdb";
  const bool had = fs::exists(data);
  const std::string before = had ? file_fingerprint(data) : "";
  const RunResult r = check(path, as_nobody);
  INFO(r.err);
  CHECK(r.code == 1);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::StartsWith("lmdb-crash-writer: " + path) && Catch::Contains(problem));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  if (had) CHECK(file_fingerprint(data) == before);
}

}  // namespace

TEST_CASE("lmdb check: a good store opens", "[lmdb][check]") {
  TempDir dir;
  const std::string path = make_store(dir);
  const RunResult r = check(path);
  CHECK(r.code == 0);
  CHECK(r.out == "ok: " + path + ": 4 live setups\n");
}

TEST_CASE("lmdb check: bad stores exit non-zero and stay untouched", "[lmdb][check]") {
  TempDir dir;
  const std::string path = make_store(dir);
  const std::string data = path + "/data.mdb";
  const auto page = static_cast<std::uintmax_t>(::sysconf(_SC_PAGESIZE));

  SECTION("not LMDB") {
    std::ofstream(data, std::ios::trunc) << "this is a CSV file, not a store\n";
    expect_refused(path, "not an LMDB file");
  }
  SECTION("truncated") {
    fs::resize_file(data, 3 * page);
    expect_refused(path, "truncated");
  }
  SECTION("corrupt") {
    std::fstream f(data, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(2 * page));
    const std::string zeros(fs::file_size(data) - 2 * page, '\0');
    f.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
    f.close();
    expect_refused(path, "damaged store");
  }
  SECTION("newer schema") {
    {
      MDB_env* raw = nullptr;
      REQUIRE(mdb_env_create(&raw) == 0);
      lmdb::EnvHandle env(raw);
      mdb_env_set_maxdbs(raw, 32);
      REQUIRE(mdb_env_open(raw, path.c_str(), 0, 0640) == 0);
      MDB_txn* txn = nullptr;
      REQUIRE(mdb_txn_begin(raw, nullptr, 0, &txn) == 0);
      MDB_dbi dbi;
      REQUIRE(mdb_dbi_open(txn, "meta", 0, &dbi) == 0);
      MDB_val k = lmdb::to_val("schema_version");
      MDB_val v = lmdb::to_val(std::string_view("\x07\0\0\0", 4));
      REQUIRE(mdb_put(txn, dbi, &k, &v, 0) == 0);
      REQUIRE(mdb_txn_commit(txn) == 0);
    }
    expect_refused(path, "schema version 7 is newer");
  }
  SECTION("damaged intent log") {
    {
      // Two intents the store has not folded yet (as after kill -9), the first then damaged.
      slob::test::TestHostServices host;
      lmdb::StoreConfig config;
      config.path = path;
      auto store = lmdb::LmdbStore::open(host, config);
      REQUIRE(store.is_ok());
      for (const char* setup : {"x1", "x2"}) {
        slob::sdk::WriteBatch intent;
        slob::sdk::JournalEntry e;
        e.setup_id = setup;
        e.client_ref = slob::sdk::make_client_ref(setup, slob::sdk::Leg::kEntry);
        intent.journal.push_back(e);
        REQUIRE((*store)->commit(intent).is_ok());
      }
    }
    const std::string log = path + "/" + lmdb::kIntentLogFile;
    std::fstream f(log, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(30);
    f.put('\x7f');
    f.close();
    expect_refused(path, "intents.wal: record 4 is damaged (CRC mismatch) and record 5 follows it");
  }
  SECTION("read-only directory") {
    fs::remove(path + "/lock.mdb");
    fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read |
                                    fs::perms::group_exec | fs::perms::others_read |
                                    fs::perms::others_exec);
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read |
                              fs::perms::others_exec);
    fs::permissions(data, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    expect_refused(path, "Permission denied", /*as_nobody=*/true);
    CHECK_FALSE(fs::exists(path + "/lock.mdb"));
    fs::permissions(path, fs::perms::owner_all);
  }
  SECTION("missing directory") {
    expect_refused(dir.sub("gone") + "/state", "parent directory " + dir.sub("gone") + " does not exist");
    CHECK_FALSE(fs::exists(dir.sub("gone")));
  }
}
