// Durable commit of one journal entry through the lmdb store vs a raw LMDB put+commit of the
// same bytes, interleaved in one run so both see the same disk. Goal: ratio <= 1.2.
//
//   bench_lmdb_commit [--commits N] [--dir DIR]

#include <lmdb.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "lmdb_bench_util.hpp"
#include "lmdb_handles.hpp"
#include "lmdb_store.hpp"
#include "record_codec.hpp"
#include "test_host_services.hpp"

namespace lmdb = slob::plugins::lmdb;
namespace sdk = slob::sdk;
using namespace slob::bench::lmdb;

namespace {

sdk::JournalEntry entry(int i) {
  sdk::JournalEntry e;
  e.setup_id = "2026-01-06-" + std::to_string(i);
  e.client_ref = sdk::make_client_ref(e.setup_id, sdk::Leg::kEntry);
  e.symbol = "NQ";
  e.side = sdk::Side::kSell;
  e.quantity = 2;
  e.price = 21000.25;
  e.state = sdk::OrderState::kIntent;
  e.created = e.updated = sdk::Time{} + std::chrono::seconds(1'767'713'100 + i);
  e.note = "bracket intent";
  return e;
}

int check(int rc, const char* what) {
  if (rc != MDB_SUCCESS) {
    std::fprintf(stderr, "bench_lmdb_commit: %s: %s\n", what, mdb_strerror(rc));
    std::exit(1);
  }
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  int commits = 500;
  std::string parent = ".";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--commits")) commits = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--dir")) parent = argv[i + 1];
  }
  ScratchDir dir(parent);

  slob::test::TestHostServices host;
  lmdb::StoreConfig config;
  config.path = dir.sub("store");
  auto store = lmdb::LmdbStore::open(host, config);
  if (!store) {
    std::fprintf(stderr, "bench_lmdb_commit: %s\n", store.status().message().c_str());
    return 1;
  }

  // The raw baseline: same LMDB flags as the store (MDB_NOTLS, full sync), one database.
  const std::string raw_path = dir.sub("raw");
  std::filesystem::create_directory(raw_path);
  MDB_env* raw_env = nullptr;
  check(mdb_env_create(&raw_env), "create");
  lmdb::EnvHandle env(raw_env);
  mdb_env_set_maxdbs(raw_env, 4);
  mdb_env_set_mapsize(raw_env, config.map_size);
  check(mdb_env_open(raw_env, raw_path.c_str(), MDB_NOTLS, 0640), "open");
  MDB_dbi dbi;
  {
    MDB_txn* txn;
    check(mdb_txn_begin(raw_env, nullptr, 0, &txn), "begin");
    check(mdb_dbi_open(txn, "orders", MDB_CREATE, &dbi), "dbi");
    check(mdb_txn_commit(txn), "commit");
  }

  std::vector<double> plugin_us, raw_us;
  for (int i = 0; i < commits; ++i) {
    const sdk::JournalEntry e = entry(i);
    auto t0 = std::chrono::steady_clock::now();
    sdk::WriteBatch batch;
    batch.journal.push_back(e);
    if (auto s = (*store)->commit(batch); !s) {
      std::fprintf(stderr, "bench_lmdb_commit: %s\n", s.message().c_str());
      return 1;
    }
    plugin_us.push_back(elapsed_us(t0));

    t0 = std::chrono::steady_clock::now();
    const std::string value = lmdb::encode(e);
    MDB_txn* txn;
    check(mdb_txn_begin(raw_env, nullptr, 0, &txn), "begin");
    MDB_val k = lmdb::to_val(e.client_ref);
    MDB_val v = lmdb::to_val(value);
    check(mdb_put(txn, dbi, &k, &v, 0), "put");
    check(mdb_txn_commit(txn), "commit");
    raw_us.push_back(elapsed_us(t0));
  }
  const Stats p = stats(plugin_us), r = stats(raw_us);
  std::printf("durable commit of one journal entry (%d commits each, interleaved, sync full)\n", commits);
  std::printf("%-28s %10s %10s %10s\n", "variant", "mean us", "median us", "p99 us");
  std::printf("%-28s %10.1f %10.1f %10.1f\n", "lmdb store commit()", p.mean_us, p.median_us, p.p99_us);
  std::printf("%-28s %10.1f %10.1f %10.1f\n", "raw LMDB put+commit", r.mean_us, r.median_us, r.p99_us);
  std::printf("%-28s %10.2f %10.2f %10.2f   (goal <= 1.2)\n", "ratio store/raw", p.mean_us / r.mean_us,
              p.median_us / r.median_us, p.p99_us / r.p99_us);
  return 0;
}
