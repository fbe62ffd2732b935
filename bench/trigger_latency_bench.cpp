// Trigger-to-order latency of the real daemon: tools/ib-gateway-sim in its bench mode sends the
// 5-second bar that completes a 1-minute candle and times the arrival of the parent placeOrder
// (gateway side, steady clock). Between the two: the ib plugin's decoder, the candle builder, the
// strategy (bench/trigger_strategy.cpp completes a setup on every candle), risk sizing, the
// durable journal commit (lmdb, sync "full") and the placeOrder encoder.
//
// Floor, measured in the same run: a loopback TCP round trip (1 byte each way, TCP_NODELAY) plus
// one durable LMDB commit (one put of 90 bytes), timed together per trial; spaced like the
// trials for the verdict, back to back for reference (see bench_main).
//
//   bench_trigger_latency --host BIN --plugins DIR --bench-plugins DIR --gateway BIN
//                         [--trials 1000] [--dir DIR] [--hanging-observer yes]
//
// --hanging-observer yes: the daemon also runs a webhook observer told every event (min_severity
// info) whose receiver on 127.0.0.1 takes connections and never answers, so every delivery hangs
// until the observer's timeout (1 s) and is retried: the trading path must not notice.

#include <arpa/inet.h>
#include <lmdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <ctime>
#include <sstream>

#include "bench_support.hpp"

using namespace slob::bench;

namespace {

// Between trials: the daemon also commits (durably) the acknowledgements of the three legs it
// just sent; on a shared disk those fsyncs take tens of milliseconds, and a trigger arriving
// behind them would measure the previous trial. 150 ms also keeps the pacing far below 50/s.
constexpr int kSpacingMs = 150;

struct Floor {
  std::vector<double> rtt_us, commit_us, total_us;

  void add(const Floor& o) {
    rtt_us.insert(rtt_us.end(), o.rtt_us.begin(), o.rtt_us.end());
    commit_us.insert(commit_us.end(), o.commit_us.begin(), o.commit_us.end());
    total_us.insert(total_us.end(), o.total_us.begin(), o.total_us.end());
  }
};

// The floor's parts: a loopback echo (1 byte each way, TCP_NODELAY) and an LMDB environment of
// its own (one put of 90 bytes per durable commit). Open for the whole run, so floor trials can
// be taken before and after the daemon's.
class FloorRig {
 public:
  explicit FloorRig(const Scratch& dir) {
    server_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(server_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) || ::listen(server_, 1) ||
        ::getsockname(server_, reinterpret_cast<sockaddr*>(&addr), &len))
      die("loopback listen failed");
    echo_ = std::thread([this] {
      const int c = ::accept(server_, nullptr, nullptr);
      const int one = 1;
      ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      char b;
      while (::read(c, &b, 1) == 1)
        if (::write(c, &b, 1) != 1) break;
      ::close(c);
    });
    client_ = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(client_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(client_, reinterpret_cast<sockaddr*>(&addr), sizeof addr)) die("loopback connect failed");

    const auto path = dir / "floor-lmdb";
    std::filesystem::create_directories(path);
    if (mdb_env_create(&env_) || mdb_env_set_mapsize(env_, 64u << 20) ||
        mdb_env_open(env_, path.c_str(), MDB_NOTLS, 0640))
      die("floor lmdb open failed");
    MDB_txn* txn = nullptr;
    mdb_txn_begin(env_, nullptr, 0, &txn);
    mdb_dbi_open(txn, nullptr, 0, &dbi_);
    mdb_txn_commit(txn);
  }
  ~FloorRig() {
    ::close(client_);
    echo_.join();
    ::close(server_);
    mdb_env_close(env_);
  }

  // `n` trials, each starting `spacing` after the previous one started (0: back to back).
  Floor measure(int n, std::chrono::milliseconds spacing) {
    const std::string value(90, 'v');
    Floor f;
    for (int i = 0; i < n; ++i) {
      if (spacing.count() > 0) std::this_thread::sleep_until(last_start_ + spacing);
      const auto t0 = steady_now();
      last_start_ = t0;
      char b = 'x';
      if (::write(client_, &b, 1) != 1 || ::read(client_, &b, 1) != 1) die("loopback echo failed");
      const auto t1 = steady_now();
      MDB_txn* txn = nullptr;
      if (mdb_txn_begin(env_, nullptr, 0, &txn)) die("floor lmdb begin failed");
      // One of 64 keys, overwritten: after the first round the file no longer grows, so no
      // commit pays for extending it (the cheapest durable commit, the most demanding floor).
      const std::string key = "k" + std::to_string(puts_++ % 64);
      MDB_val k{key.size(), const_cast<char*>(key.data())};
      MDB_val v{value.size(), const_cast<char*>(value.data())};
      if (mdb_put(txn, dbi_, &k, &v, 0) || mdb_txn_commit(txn)) die("floor lmdb commit failed");
      const auto t2 = steady_now();
      f.rtt_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
      f.commit_us.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
      f.total_us.push_back(std::chrono::duration<double, std::micro>(t2 - t0).count());
    }
    return f;
  }

 private:
  int server_ = -1;
  int client_ = -1;
  std::thread echo_;
  MDB_env* env_ = nullptr;
  MDB_dbi dbi_ = 0;
  std::uint64_t puts_ = 0;
  std::chrono::steady_clock::time_point last_start_{};
};

std::string rfc3339(std::time_t t) {
  char buf[32];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::pair<int, int> read_ports(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string a, c;
  if (in >> a >> c && a.rfind("api=", 0) == 0 && c.rfind("control=", 0) == 0)
    return {std::stoi(a.substr(4)), std::stoi(c.substr(8))};
  return {0, 0};
}

}  // namespace

int bench_main(int argc, char** argv) {
  const Args args(argc, argv, {"--host", "--plugins", "--bench-plugins", "--gateway", "--trials", "--dir",
                               "--hanging-observer"});
  const bool hanging_observer = args.get("--hanging-observer", "no") == "yes";
  const int trials = std::atoi(args.get("--trials", "1000").c_str());
  const Scratch dir(args.get("--dir", "."), "slob-bench-latency");

  // Two floors. Back to back, as the commit rate is usually quoted; and spaced like the trials,
  // which is the daemon's situation: each trigger's commit comes after the disk has been idle
  // for a spacing, and on a virtual disk the first flush after idling costs several times a
  // flush in a tight loop (2026-12-02: 1.2-2 ms instead of 0.2 ms at p50). The spaced floor is
  // taken half before and half after the daemon's trials, so a slow spell of a shared disk
  // weighs on both; the verdict is against it.
  FloorRig rig(dir);
  Floor tight = rig.measure(trials, std::chrono::milliseconds(0));
  Floor floor = rig.measure(trials / 2, std::chrono::milliseconds(kSpacingMs));

  // Market time starts tomorrow at 15:00 UTC (16:00 Stockholm in winter, 17:00 in summer): the
  // trials, one market minute each, then span two trading days, so the daily trade limit (at
  // most 1000) holds for every trial.
  const std::time_t now = std::time(nullptr);
  const std::time_t start = (now / 86400 + 1) * 86400 + 15 * 3600;
  const auto ports_file = dir / "gateway.ports";
  const auto results = dir / "latency.txt";
  Child gateway({args.need("--gateway"), "--port-file", ports_file.string(), "--start", rfc3339(start),
                 "--bench-trials", std::to_string(trials), "--bench-out", results.string(),
                 "--bench-spacing-ms", std::to_string(kSpacingMs),
                 "--exit-on-stdin-eof"},
                dir / "gateway.out", dir / "gateway.err", /*stdin_pipe=*/true);
  std::pair<int, int> ports;
  if (!wait_for([&] { return (ports = read_ports(ports_file)).first > 0; }, std::chrono::seconds(20)))
    die("the gateway simulator did not start: " + read_text(dir / "gateway.err"));

  const auto state = dir / "state";
  std::ostringstream toml;
  toml << "[host]\nstate_dir = \"" << state.string() << "\"\nplugin_dirs = [\"" << args.need("--plugins")
       << "\", \"" << args.need("--bench-plugins") << "\"]\ncontrol_socket = \"" << (state / "slob.sock").string()
       << "\"\n" << kNoMaintenanceWindows << "[risk]\nmax_trades_per_day = 1000\nmax_contracts = 1\n"
       << "[broker]\nplugin = \"ib\"\n[broker.config]\nport = " << ports.first << "\nclient_id = 7\n"
       << "[store]\nplugin = \"lmdb\"\n[store.config]\npath = \"" << (state / "lmdb").string()
       << "\"\nsync = \"full\"\n"
       << "[strategy]\nplugin = \"benchtrigger\"\n[strategy.config]\nfire_from = \"" << rfc3339(start) << "\"\n";
  // A receiver that completes TCP handshakes (the kernel does, from the backlog) and never reads
  // or answers: each POST waits for its timeout.
  int silent = -1;
  if (hanging_observer) {
    silent = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (silent < 0 || ::bind(silent, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(silent, 1024) != 0 || ::getsockname(silent, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      die("cannot open the silent receiver");
    toml << "[[observer]]\nname = \"hanging\"\nplugin = \"webhook\"\nmin_severity = \"info\"\n"
         << "timeout = \"2s\"\nbackoff_initial = \"100ms\"\nbackoff_max = \"200ms\"\n"
         << "[observer.config]\nurl = \"http://127.0.0.1:" << ntohs(addr.sin_port) << "/hook\"\n"
         << "timeout = \"1s\"\n";
  }
  write_text(dir / "slob.toml", toml.str());
  const auto err = dir / "daemon.err";
  Child daemon({args.need("--host"), "--config", (dir / "slob.toml").string()}, dir / "daemon.out", err);
  const auto deadline = std::chrono::milliseconds(2 * kSpacingMs * (trials + 20) + 60'000);
  if (!wait_for([&] { return std::filesystem::exists(results) || daemon.wait(std::chrono::milliseconds(0)); }, deadline))
    die("no latency results in time; daemon log:\n" + read_text(err).substr(0, 4000));
  if (!std::filesystem::exists(results)) die("the daemon exited: " + read_text(err).substr(0, 4000));
  daemon.signal(SIGTERM);
  daemon.wait(std::chrono::seconds(30));
  floor.add(rig.measure(trials - trials / 2, std::chrono::milliseconds(kSpacingMs)));

  std::vector<double> us;
  int timeouts = 0;
  std::ifstream in(results);
  std::string line;
  while (std::getline(in, line)) {
    if (line == "timeout") ++timeouts;
    else us.push_back(std::atof(line.c_str()));
  }
  if (silent >= 0) ::close(silent);
  const std::size_t orders = LogWatch(err).count("SLOB_ORDER_SKIPPED");
  std::printf("trigger-to-order: %zu trials measured, %d without an order in 3 s, %zu intents skipped%s\n",
              us.size(), timeouts, orders,
              hanging_observer ? (", an observer hanging: " +
                                  std::to_string(LogWatch(err).count("SLOB_OBSERVER_RETRY")) +
                                  " deliveries timed out and retried").c_str()
                               : "");
  const double p50 = quantile(us, 0.50), p99 = quantile(us, 0.99), worst = us.empty() ? 0 : us.back();
  const double rtt50 = quantile(floor.rtt_us, 0.5), rtt99 = quantile(floor.rtt_us, 0.99);
  const double c50 = quantile(floor.commit_us, 0.5), c99 = quantile(floor.commit_us, 0.99);
  const double f50 = quantile(floor.total_us, 0.5), f99 = quantile(floor.total_us, 0.99);
  std::printf("  daemon p50 %.0f µs, p99 %.0f µs, max %.0f µs\n", p50, p99, worst);
  std::printf("  floor, spaced %d ms like the trials: loopback RTT p50 %.0f / p99 %.0f µs; durable LMDB commit"
              " p50 %.0f / p99 %.0f µs; together p50 %.0f / p99 %.0f µs\n",
              kSpacingMs, rtt50, rtt99, c50, c99, f50, f99);
  const double t50 = quantile(tight.total_us, 0.5), t99 = quantile(tight.total_us, 0.99);
  std::printf("  floor, back to back: durable LMDB commit p50 %.0f / p99 %.0f µs; with the RTT p50 %.0f / p99 %.0f µs\n",
              quantile(tight.commit_us, 0.5), quantile(tight.commit_us, 0.99), t50, t99);
  const bool complete = timeouts == 0 && static_cast<int>(us.size()) == trials;
  row("trigger-to-order latency: the :55 bar that completes a setup → parent placeOrder at the gateway, " +
          std::to_string(us.size()) + " trials" + (complete ? "" : " (" + std::to_string(timeouts) + " timed out)") +
          (hanging_observer ? ", a webhook observer hanging" : ""),
      "p50 " + fmt("%.0f", p50) + " µs, p99 " + fmt("%.0f", p99) + " µs",
      "loopback RTT + durable LMDB commit, spaced " + std::to_string(kSpacingMs) + " ms like the trials: p50 " +
          fmt("%.0f", f50) + " µs, p99 " + fmt("%.0f", f99) + " µs (back to back: p50 " + fmt("%.0f", t50) +
          " µs, p99 " + fmt("%.0f", t99) + " µs)",
      "p99 " + fmt("%+.0f", p99 - f99) + " µs over the floor (p50 " + fmt("%+.0f", p50 - f50) + " µs)",
      "p99 ≤ floor + 200 µs", verdict(complete && p99 <= f99 + 200));
  return 0;
}

int main(int argc, char** argv) { return guarded(bench_main, argc, argv); }
