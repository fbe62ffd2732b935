// Startup recovery of the lmdb store: open + scan_live_setups + scan_open_trades +
// scan_unresolved_orders with 10,000 live setups next to 1,000,000 historical trades, vs a raw
// LMDB open + cursor scan of the same live records. Goals: <= 100 ms and <= 2x raw.
//
//   bench_lmdb_recovery [--live N] [--history N] [--runs N] [--dir DIR] [--scale N,N,...]

#include <lmdb.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "lmdb_bench_util.hpp"
#include "lmdb_handles.hpp"
#include "lmdb_store.hpp"
#include "schema.hpp"
#include "test_host_services.hpp"

namespace lmdb = slob::plugins::lmdb;
namespace sdk = slob::sdk;
using namespace slob::bench::lmdb;

namespace {

const sdk::Time kT0 = sdk::Time{} + std::chrono::seconds(1'767'713'100);
const std::string kReport =
    R"({"liq1":{"time":"2026-01-06T15:25:00Z","price":21010.25},"liq2":null,"consolidation":)"
    R"({"high":21012.5,"low":20998.75,"bars":12},"entry":21000.25,"sl":21015.0,"tp":20950.0})";

void die(const sdk::Status& s) {
  std::fprintf(stderr, "bench_lmdb_recovery: %s\n", s.message().c_str());
  std::exit(1);
}

void commit(sdk::Store& store, sdk::WriteBatch& batch) {
  if (auto s = store.commit(batch); !s) die(s);
  batch = sdk::WriteBatch{};
}

struct Counts {
  int live_setups, open_trades, unresolved_orders, history_trades;
};

void populate(const std::string& path, const Counts& n) {
  slob::test::TestHostServices host;
  lmdb::StoreConfig config;
  config.path = path;
  config.sync = lmdb::SyncMode::kNone;  // population only; measured opens use full sync
  config.map_size = 2 * lmdb::kGiB;
  auto store = lmdb::LmdbStore::open(host, config);
  if (!store) die(store.status());
  sdk::WriteBatch b;
  for (int i = 0; i < 2 * n.live_setups; ++i) {
    const bool live = i % 2 == 0;
    b.setups.push_back({"setup-" + std::to_string(i), sdk::Direction::kShort,
                        live ? "WAITING_ENTRY" : "SETUP_COMPLETE", live, kReport,
                        kT0 + std::chrono::minutes(i)});
    if (b.setups.size() == 5000) commit(**store, b);
  }
  for (int i = 0; i < n.history_trades + n.open_trades; ++i) {
    sdk::TradeRecord t;
    t.id = "trade-" + std::to_string(i);
    t.symbol = "NQ";
    t.quantity = 1;
    t.entry_price = 21000.25;
    t.entry_time = kT0 + std::chrono::minutes(i);
    if (i < n.history_trades) {
      t.exit_price = 20950.0;
      t.exit_time = t.entry_time + std::chrono::minutes(30);
      t.pnl = 997.75;
      t.commission = 2.25;
      t.exit_reason = "take_profit";
    }
    b.trades.push_back(std::move(t));
    if (b.trades.size() == 10'000) commit(**store, b);
  }
  for (int i = 0; i < 30 * n.unresolved_orders; ++i) {
    sdk::JournalEntry e;
    e.setup_id = "setup-" + std::to_string(i);
    e.client_ref = sdk::make_client_ref(e.setup_id, sdk::Leg::kEntry);
    e.symbol = "NQ";
    e.quantity = 1;
    e.price = 21000.25;
    e.state = i % 30 == 0 ? sdk::OrderState::kWorking : sdk::OrderState::kFilled;
    e.created = e.updated = kT0 + std::chrono::minutes(i);
    b.journal.push_back(std::move(e));
    if (b.journal.size() == 10'000) commit(**store, b);
  }
  commit(**store, b);
}

struct Timing {
  double open_us, scan_us;
  std::size_t records;
};

Timing store_recovery(const std::string& path) {
  slob::test::TestHostServices host;
  lmdb::StoreConfig config;
  config.path = path;
  auto t0 = std::chrono::steady_clock::now();
  auto store = lmdb::LmdbStore::open(host, config);
  if (!store) die(store.status());
  const double open_us = elapsed_us(t0);
  std::size_t records = 0;
  t0 = std::chrono::steady_clock::now();
  sdk::Status s = (*store)->scan_live_setups([&](const sdk::SetupRecord& r) { return records += !r.id.empty(), true; });
  if (s) s = (*store)->scan_open_trades([&](const sdk::TradeRecord& r) { return records += !r.id.empty(), true; });
  if (s) s = (*store)->scan_unresolved_orders([&](const sdk::JournalEntry& r) { return records += !r.client_ref.empty(), true; });
  if (!s) die(s);
  return {open_us, elapsed_us(t0), records};
}

// `copy`: each key and value is copied out of the map, the least a caller must do to keep a
// record past its transaction. Without it only the last byte of each value is read.
Timing raw_recovery(const std::string& path, bool copy) {
  auto t0 = std::chrono::steady_clock::now();
  MDB_env* raw = nullptr;
  if (mdb_env_create(&raw)) std::exit(1);
  lmdb::EnvHandle env(raw);
  mdb_env_set_maxdbs(raw, lmdb::kMaxDatabases);
  if (int rc = mdb_env_open(raw, path.c_str(), MDB_NOTLS, 0640)) die(lmdb::lmdb_status(rc, path));
  const double open_us = elapsed_us(t0);
  std::size_t records = 0, bytes = 0;
  std::string key_copy, value_copy;
  t0 = std::chrono::steady_clock::now();
  for (const char* name : {lmdb::kDbSetupsLive, lmdb::kDbTradesOpen, lmdb::kDbOrdersUnresolved}) {
    lmdb::TxnHandle txn;
    if (lmdb::begin_txn(raw, MDB_RDONLY, txn)) std::exit(1);
    MDB_dbi dbi;
    if (mdb_dbi_open(txn.get(), name, 0, &dbi)) std::exit(1);
    lmdb::CursorHandle cursor;
    if (lmdb::open_cursor(txn.get(), dbi, cursor)) std::exit(1);
    MDB_val k, v;
    for (int rc = mdb_cursor_get(cursor.get(), &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(cursor.get(), &k, &v, MDB_NEXT)) {
      ++records;
      if (copy) {
        key_copy.assign(static_cast<const char*>(k.mv_data), k.mv_size);
        value_copy.assign(static_cast<const char*>(v.mv_data), v.mv_size);
        bytes += key_copy.size() + static_cast<unsigned char>(value_copy.back());
      } else {
        bytes += v.mv_size + static_cast<const unsigned char*>(v.mv_data)[v.mv_size - 1];
      }
    }
  }
  if (bytes == 0) std::exit(1);  // keeps the value reads from being optimised away
  return {open_us, elapsed_us(t0), records};
}

struct Result {
  double store_ms, raw_ms;
};

Result measure(const std::string& parent, const Counts& n, int runs) {
  ScratchDir dir(parent);
  const std::string path = dir.sub("store");
  auto t0 = std::chrono::steady_clock::now();
  populate(path, n);
  const double populate_s = elapsed_us(t0) / 1e6;
  const auto file_mib = static_cast<double>(std::filesystem::file_size(path + "/data.mdb")) / lmdb::kMiB;

  std::vector<double> s_open, s_scan, s_total, r_open, r_scan, r_total, t_scan;
  std::size_t records = 0;
  for (int run = 0; run < runs; ++run) {
    const Timing s = store_recovery(path);
    const Timing r = raw_recovery(path, /*copy=*/true);
    const Timing t = raw_recovery(path, /*copy=*/false);
    if (s.records != r.records || s.records != t.records) {
      std::fprintf(stderr, "bench_lmdb_recovery: store saw %zu records, raw %zu\n", s.records, r.records);
      std::exit(1);
    }
    records = s.records;
    s_open.push_back(s.open_us);
    s_scan.push_back(s.scan_us);
    s_total.push_back(s.open_us + s.scan_us);
    r_open.push_back(r.open_us);
    r_scan.push_back(r.scan_us);
    r_total.push_back(r.open_us + r.scan_us);
    t_scan.push_back(t.scan_us);
  }
  std::printf("startup recovery: %d live setups, %d open trades, %d unresolved orders (%zu live records)\n"
              "next to %d historical trades, %d finished setups, %d resolved orders; data.mdb %.0f MiB,\n"
              "populated in %.1f s; median of %d runs, page cache warm\n",
              n.live_setups, n.open_trades, n.unresolved_orders, records, n.history_trades,
              n.live_setups, 29 * n.unresolved_orders, file_mib, populate_s, runs);
  std::printf("%-34s %10s %10s %10s\n", "variant", "open ms", "scan ms", "total ms");
  std::printf("%-34s %10.2f %10.2f %10.2f\n", "lmdb store (decoded records)", stats(s_open).median_us / 1e3,
              stats(s_scan).median_us / 1e3, stats(s_total).median_us / 1e3);
  std::printf("%-34s %10.2f %10.2f %10.2f\n", "raw LMDB cursor scan, values copied", stats(r_open).median_us / 1e3,
              stats(r_scan).median_us / 1e3, stats(r_total).median_us / 1e3);
  std::printf("%-34s %10.2f %10.2f %10.2f   (goal: total <= 100 ms, <= 2x raw)\n", "ratio store/raw",
              stats(s_open).median_us / stats(r_open).median_us,
              stats(s_scan).median_us / stats(r_scan).median_us,
              stats(s_total).median_us / stats(r_total).median_us);
  std::printf("%-34s %10s %10.2f %10s   (store scan / this: %.2f)\n", "raw scan, last byte read only", "",
              stats(t_scan).median_us / 1e3, "", stats(s_scan).median_us / stats(t_scan).median_us);
  return {stats(s_total).median_us / 1e3, stats(r_total).median_us / 1e3};
}

std::vector<int> parse_list(const char* text) {
  std::vector<int> out;
  for (const char* p = text; *p;) {
    out.push_back(std::atoi(p));
    while (*p && *p != ',') ++p;
    if (*p == ',') ++p;
  }
  return out;
}

}  // namespace

// With --scale, one run per history size (ascending): the ROW lines of tools/bench.sh for the
// largest and for the growth across them.
int main(int argc, char** argv) {
  Counts n{10'000, 100, 300, 1'000'000};
  int runs = 15;
  std::string parent = ".";
  std::vector<int> scale;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--live")) n.live_setups = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--history")) n.history_trades = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--dir")) parent = argv[i + 1];
    else if (!std::strcmp(argv[i], "--scale")) scale = parse_list(argv[i + 1]);
  }
  if (scale.empty()) {
    measure(parent, n, runs);
    return 0;
  }
  std::vector<Result> results;
  for (int h : scale) {
    n.history_trades = h;
    results.push_back(measure(parent, n, runs));
  }
  const Result& big = results.back();
  char measured[96], floor[96], ratio[32], growth[256] = "", ratios[128] = "";
  std::snprintf(measured, sizeof measured, "%.1f ms (median of %d)", big.store_ms, runs);
  std::snprintf(floor, sizeof floor, "raw LMDB open + cursor scan of the live records %.1f ms", big.raw_ms);
  std::snprintf(ratio, sizeof ratio, "%.2f×", big.store_ms / big.raw_ms);
  std::printf("ROW|startup recovery (lmdb store): %d live setups beside %d historical trades|%s|%s|%s|≤ 100 ms, ≤ 2× floor|%s\n",
              n.live_setups, scale.back(), measured, floor, ratio,
              big.store_ms <= 100 && big.store_ms <= 2 * big.raw_ms ? "met" : "**not met**");
  double lo = results.front().store_ms, hi = lo;
  for (std::size_t i = 0; i < results.size(); ++i) {
    lo = std::min(lo, results[i].store_ms);
    hi = std::max(hi, results[i].store_ms);
    std::snprintf(growth + std::strlen(growth), sizeof growth - std::strlen(growth), "%s%d: %.1f ms",
                  i ? ", " : "", scale[i], results[i].store_ms);
    std::snprintf(ratios + std::strlen(ratios), sizeof ratios - std::strlen(ratios), "%s%.2f",
                  i ? " : " : "", results[i].store_ms / results.front().store_ms);
  }
  std::printf("ROW|startup recovery at 1×, 10×, 100× history (same %d live setups)|%s|flat|%s|flat|%s\n",
              n.live_setups, growth, ratios, hi <= 1.5 * lo ? "met" : "**not met**");
  return 0;
}
