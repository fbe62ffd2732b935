// Replay throughput of the real daemon: `slob-host --config …` with the sim broker (speed 0,
// exit_at_end), the lmdb store and the slob strategy, timed as a whole process from spawn to exit,
// over data from tools/gen-nq-data (whole Globex weeks, 52 a simulated year). Floors measured
// in the same run: a plain parse of the same CSV with sdk::CandleCsvReader (in this process), and
// the raw LMDB durable commit rate on the same disk.
//
//   bench_replay --host BIN --plugins DIR --gen BIN [--years 1,4,16] [--dir DIR]
//
// Prints ROW lines (bench_support.hpp) for: sync "none" (1 year), sync "full" (1 year, with
// commits per bar: LMDB's last transaction id plus the intent-log records folded in), the 1/4/16-year growth, and the peak
// resident memory during the replay. `sync` is set alike in the store and the sim broker (whose
// book journal fsyncs every change by default), so a "none" run waits on neither's fsyncs and
// measures the daemon, not the disk.

#include <lmdb.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "bench_support.hpp"
#include "slob/sdk/candle_csv.hpp"

namespace sdk = slob::sdk;
using namespace slob::bench;

namespace {

constexpr int kWeeksPerYear = 52;

struct Paths {
  std::string host, plugins, gen;
};

// `years` of whole weeks from the first Monday of 2010, one gen-nq-data call.
std::filesystem::path generate(const Paths& paths, const Scratch& dir, int years) {
  const auto csv = dir / ("nq-" + std::to_string(years) + "y.csv");
  std::vector<std::string> argv = {paths.gen, "--seed", "20100104", "--out", csv.string()};
  const std::chrono::sys_days first{std::chrono::year{2010} / 1 / 4};
  for (int w = 0; w < years * kWeeksPerYear; ++w) {
    const std::chrono::year_month_day d{first + std::chrono::days(7 * w)};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
    argv.push_back("--week");
    argv.push_back(buf);
  }
  Child gen(argv, dir / "gen.out", dir / "gen.err");
  if (!gen.wait(std::chrono::minutes(5)) || gen.exit_code() != 0)
    die("gen-nq-data failed: " + read_text(dir / "gen.err"));
  return csv;
}

struct ParseResult {
  std::size_t rows = 0;
  double seconds = 0;
};

// The floor: the sim broker's own reader over the same file, best of `runs`.
ParseResult parse_floor(const std::filesystem::path& csv, int runs) {
  ParseResult best;
  for (int r = 0; r < runs; ++r) {
    const auto t0 = steady_now();
    std::ifstream in(csv, std::ios::binary);
    sdk::CandleCsvReader reader(in, csv.string());
    sdk::Candle c;
    std::size_t rows = 0;
    double check = 0;
    for (;;) {
      auto more = reader.next(c);
      if (!more.is_ok()) die(more.status().message());
      if (!more.value()) break;
      ++rows;
      check += c.close;
    }
    const double s = ms_since(t0) / 1e3;
    if (check == 0) die("parse read nothing");
    if (r == 0 || s < best.seconds) best = {rows, s};
  }
  return best;
}

// Raw LMDB: one put of 90 bytes + a durable commit, in a fresh environment, `n` times.
double raw_commits_per_second(const Scratch& dir, int n) {
  const auto path = dir / "raw-lmdb";
  std::filesystem::create_directories(path);
  MDB_env* env = nullptr;
  if (mdb_env_create(&env) || mdb_env_set_mapsize(env, 64u << 20) ||
      mdb_env_open(env, path.c_str(), MDB_NOTLS, 0640))
    die("raw lmdb open failed");
  MDB_dbi dbi;
  MDB_txn* txn = nullptr;
  mdb_txn_begin(env, nullptr, 0, &txn);
  mdb_dbi_open(txn, nullptr, 0, &dbi);
  mdb_txn_commit(txn);
  std::string value(90, 'v');
  const auto t0 = steady_now();
  for (int i = 0; i < n; ++i) {
    if (mdb_txn_begin(env, nullptr, 0, &txn)) die("raw lmdb begin failed");
    const std::string key = "k" + std::to_string(i);
    MDB_val k{key.size(), const_cast<char*>(key.data())};
    MDB_val v{value.size(), value.data()};
    if (mdb_put(txn, dbi, &k, &v, 0) || mdb_txn_commit(txn)) die("raw lmdb commit failed");
  }
  const double s = ms_since(t0) / 1e3;
  mdb_env_close(env);
  return n / s;
}

// The durable commits a store made: LMDB's write transactions (it counts them) and the records
// of its intent log (plugins/lmdb/README.md), whose last folded sequence the store keeps in
// meta[intent_log_applied]; the daemon's last commit at shutdown folds every one.
struct StoreCommits {
  std::size_t transactions = 0;
  std::size_t intent_records = 0;
  std::size_t total() const { return transactions + intent_records; }
};

StoreCommits store_commits(const std::filesystem::path& path) {
  MDB_env* env = nullptr;
  if (mdb_env_create(&env)) die("mdb_env_create");
  mdb_env_set_maxdbs(env, 32);
  if (mdb_env_open(env, path.c_str(), MDB_RDONLY | MDB_NOTLS, 0640)) die("cannot open " + path.string());
  MDB_envinfo info;
  mdb_env_info(env, &info);
  StoreCommits c;
  c.transactions = info.me_last_txnid;
  MDB_txn* txn = nullptr;
  MDB_dbi meta = 0;
  if (mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn) == 0 && mdb_dbi_open(txn, "meta", 0, &meta) == 0) {
    char key[] = "intent_log_applied";
    MDB_val k{sizeof key - 1, key}, v;
    std::uint64_t applied = 0;
    if (mdb_get(txn, meta, &k, &v) == 0 && v.mv_size == sizeof applied) {
      std::memcpy(&applied, v.mv_data, sizeof applied);  // little-endian, as on this host
      c.intent_records = applied;
    }
  }
  if (txn) mdb_txn_abort(txn);
  mdb_env_close(env);
  return c;
}

// "2026-12-01T22:40:01.123 info host SLOB_..." -> milliseconds of the day of the first line
// containing `id`, or -1.
double log_ms(const std::string& log, const std::string& id) {
  const auto pos = log.find(id);
  if (pos == std::string::npos) return -1;
  const auto start = log.rfind('\n', pos);
  const std::string line = log.substr(start == std::string::npos ? 0 : start + 1, 23);
  int h = 0, m = 0;
  double s = 0;
  if (std::sscanf(line.c_str() + 11, "%d:%d:%lf", &h, &m, &s) != 3) return -1;
  return ((h * 60 + m) * 60 + s) * 1e3;
}

struct DaemonRun {
  double wall_s = 0;
  double replay_s = 0;  // SLOB_SIM_REPLAY_STARTED .. SLOB_SIM_END_OF_DATA, from the log
  double peak_rss_mib = 0;
  double sampled_rss_mib = 0;  // the highest VmRSS sampled while it ran
  StoreCommits commits;
};

DaemonRun run_daemon(const Paths& paths, const Scratch& dir, const std::filesystem::path& csv,
                     const std::string& sync, const std::string& tag) {
  const auto state = dir / ("state-" + tag);
  const auto config = dir / ("slob-" + tag + ".toml");
  std::ostringstream toml;
  toml << "[host]\nstate_dir = \"" << state.string() << "\"\nplugin_dirs = [\"" << paths.plugins
       << "\"]\ncontrol_socket = \"" << (state / "slob.sock").string() << "\"\n"
       << "[broker]\nplugin = \"sim\"\n[broker.config]\ndata = \"" << csv.string()
       << "\"\nspeed = 0\nexit_at_end = true\nsync = \"" << sync << "\"\n"
       << "[store]\nplugin = \"lmdb\"\n[store.config]\npath = \"" << (state / "lmdb").string()
       << "\"\nsync = \"" << sync << "\"\n"
       << "[strategy]\nplugin = \"slob\"\n" << kNoMaintenanceWindows;
  write_text(config, toml.str());
  const auto err = dir / ("daemon-" + tag + ".err");
  Child daemon({paths.host, "--config", config.string()}, dir / ("daemon-" + tag + ".out"), err);
  DaemonRun r;
  while (!daemon.wait(std::chrono::milliseconds(20))) {
    r.sampled_rss_mib = std::max(r.sampled_rss_mib, proc_status_mib(daemon.pid(), "VmRSS"));
    if (ms_since(daemon.started()) > 15 * 60 * 1e3) die("replay " + tag + " did not finish");
  }
  if (daemon.exit_code() != 0) die("slob-host exited " + std::to_string(daemon.exit_code()) + ": " + read_text(err));
  r.wall_s = std::chrono::duration<double>(daemon.exited_at() - daemon.started()).count();
  r.peak_rss_mib = daemon.max_rss_mib();
  const std::string log = read_text(err);
  // A daemon stopped early (a signal from outside) also exits 0: only a replay that reached the
  // end of its data is a measurement.
  if (log.find("SLOB_SIM_END_OF_DATA") == std::string::npos) die("replay " + tag + " stopped before the end of its data");
  const double a = log_ms(log, "SLOB_SIM_REPLAY_STARTED"), b = log_ms(log, "SLOB_SIM_END_OF_DATA");
  if (a >= 0 && b >= 0) r.replay_s = (b >= a ? b - a : b + 86'400'000 - a) / 1e3;
  r.commits = store_commits(state / "lmdb");
  std::error_code ec;
  std::filesystem::remove_all(state, ec);
  return r;
}

std::vector<int> parse_years(const std::string& text) {
  std::vector<int> out;
  std::stringstream s(text);
  std::string item;
  while (std::getline(s, item, ',')) out.push_back(std::atoi(item.c_str()));
  if (out.empty() || out.front() != 1) die("--years must start with 1");
  return out;
}

}  // namespace

int bench_main(int argc, char** argv) {
  const Args args(argc, argv, {"--host", "--plugins", "--gen", "--years", "--dir"});
  const Paths paths{args.need("--host"), args.need("--plugins"), args.need("--gen")};
  const std::vector<int> years = parse_years(args.get("--years", "1,4,16"));
  const Scratch dir(args.get("--dir", "."), "slob-bench-replay");

  const auto csv1 = generate(paths, dir, 1);
  const ParseResult parse = parse_floor(csv1, 3);
  const double parse_rate = static_cast<double>(parse.rows) / parse.seconds;
  std::printf("1 simulated year: %zu bars; parse floor %.3f s = %s rows/s\n", parse.rows, parse.seconds,
              grouped(parse_rate).c_str());

  // Best of two whole-process runs each: the machine is shared.
  auto best_of = [&](const std::filesystem::path& csv, const std::string& sync, const std::string& tag, int runs) {
    DaemonRun best;
    for (int i = 0; i < runs; ++i) {
      DaemonRun r = run_daemon(paths, dir, csv, sync, tag + "-" + std::to_string(i));
      std::printf("  %s run %d: wall %.3f s, replay loop %.3f s, %zu LMDB transactions + %zu intent-log records, VmHWM %.1f MiB\n",
                  tag.c_str(), i, r.wall_s, r.replay_s, r.commits.transactions, r.commits.intent_records,
                  r.peak_rss_mib);
      if (i == 0 || r.wall_s < best.wall_s) best = r;
    }
    return best;
  };
  const DaemonRun none = best_of(csv1, "none", "none-1y", 2);
  const double bars = static_cast<double>(parse.rows);
  const double none_rate = bars / none.wall_s;
  row("replay, sync \"none\", 1 simulated year (" + grouped(bars) +
          " bars; store and sim broker), whole slob-host process",
      grouped(none_rate) + " bars/s (" + fmt("%.2f", none.wall_s) + " s; replay loop alone " +
          grouped(bars / none.replay_s) + " bars/s)",
      "CSV parse " + grouped(parse_rate) + " rows/s", fmt("%.2f", none_rate / parse_rate) + " of parse",
      "≥ 1,000,000 bars/s", verdict(none_rate >= 1e6));

  const double raw_rate = raw_commits_per_second(dir, 300);
  const DaemonRun full = best_of(csv1, "full", "full-1y", 1);
  const double full_rate = bars / full.wall_s;
  const double per_bar = static_cast<double>(full.commits.total()) / bars;
  row("replay, sync \"full\", 1 simulated year (store and sim broker), whole slob-host process",
      grouped(full_rate) + " bars/s (" + fmt("%.2f", full.wall_s) + " s); " +
          grouped(static_cast<double>(full.commits.total())) + " durable commits (" +
          grouped(static_cast<double>(full.commits.transactions)) + " LMDB + " +
          grouped(static_cast<double>(full.commits.intent_records)) + " intent log) = " + fmt("%.4f", per_bar) +
          " per bar",
      "raw LMDB durable commit " + grouped(raw_rate) + " commits/s",
      fmt("%.0f", 100.0 * (static_cast<double>(full.commits.total()) / raw_rate) / full.wall_s) + " % of wall in commits at the raw rate",
      "persistence only where state changes; commits per bar reported",
      per_bar < 1 ? "reported (a checkpoint every 60 candles, plus each order, fill, audit event and host state change)"
                  : "**a commit per bar**");

  row("resident memory during replay (VmHWM, 1 simulated year, sync \"none\")",
      fmt("%.1f MiB", none.peak_rss_mib) + " (highest sampled VmRSS " + fmt("%.1f MiB)", none.sampled_rss_mib),
      "—", "—", "≤ 60 MB", verdict(none.peak_rss_mib * 1.048576 <= 60));

  std::string growth = "1 y " + fmt("%.2f s", none.wall_s);
  std::string ratios = "1";
  double worst = 0;
  for (int y : years) {
    if (y == 1) continue;
    const auto csv = generate(paths, dir, y);
    const DaemonRun r = best_of(csv, "none", "none-" + std::to_string(y) + "y", 1);
    const double ratio = r.wall_s / none.wall_s / y;
    worst = std::max(worst, ratio);
    growth += ", " + std::to_string(y) + " y " + fmt("%.2f s", r.wall_s);
    ratios += " : " + fmt("%.1f", r.wall_s / none.wall_s);
    std::printf("  %d years: %.0f bars/s, VmHWM %.1f MiB\n", y, static_cast<double>(y) * bars / r.wall_s, r.peak_rss_mib);
    std::filesystem::remove(csv);
  }
  row("replay time for 1, 4, 16 simulated years (sync \"none\")", growth,
      "linear in the years", ratios + " (ideal 1 : 4 : 16)", "linear",
      verdict(worst <= 1.25));
  return 0;
}

int main(int argc, char** argv) { return guarded(bench_main, argc, argv); }
