// Trigger-to-order latency of the real daemon: tools/ib-gateway-sim in its bench mode sends the
// 5-second bar that completes a 1-minute candle and times the arrival of the parent placeOrder
// (gateway side, steady clock). Between the two: the ib plugin's decoder, the candle builder, the
// strategy (bench/trigger_strategy.cpp completes a setup on every candle), risk sizing, the
// durable journal commit (lmdb, sync "full") and the placeOrder encoder.
//
// Floor, measured in the same run: a loopback TCP round trip (1 byte each way, TCP_NODELAY) plus
// one durable LMDB commit (one put of 90 bytes), timed together per trial.
//
//   bench_trigger_latency --host BIN --plugins DIR --bench-plugins DIR --gateway BIN
//                         [--trials 1000] [--dir DIR]

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
};

// One loopback round trip + one durable commit, `n` times.
Floor measure_floor(const Scratch& dir, int n) {
  const int server = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) || ::listen(server, 1) ||
      ::getsockname(server, reinterpret_cast<sockaddr*>(&addr), &len))
    die("loopback listen failed");
  std::thread echo([server] {
    const int c = ::accept(server, nullptr, nullptr);
    const int one = 1;
    ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char b;
    while (::read(c, &b, 1) == 1)
      if (::write(c, &b, 1) != 1) break;
    ::close(c);
  });
  const int client = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr)) die("loopback connect failed");

  const auto path = dir / "floor-lmdb";
  std::filesystem::create_directories(path);
  MDB_env* env = nullptr;
  if (mdb_env_create(&env) || mdb_env_set_mapsize(env, 64u << 20) ||
      mdb_env_open(env, path.c_str(), MDB_NOTLS, 0640))
    die("floor lmdb open failed");
  MDB_txn* txn = nullptr;
  MDB_dbi dbi;
  mdb_txn_begin(env, nullptr, 0, &txn);
  mdb_dbi_open(txn, nullptr, 0, &dbi);
  mdb_txn_commit(txn);
  std::string value(90, 'v');

  Floor f;
  for (int i = 0; i < n; ++i) {
    const auto t0 = steady_now();
    char b = 'x';
    if (::write(client, &b, 1) != 1 || ::read(client, &b, 1) != 1) die("loopback echo failed");
    const auto t1 = steady_now();
    if (mdb_txn_begin(env, nullptr, 0, &txn)) die("floor lmdb begin failed");
    const std::string key = "k" + std::to_string(i);
    MDB_val k{key.size(), const_cast<char*>(key.data())};
    MDB_val v{value.size(), value.data()};
    if (mdb_put(txn, dbi, &k, &v, 0) || mdb_txn_commit(txn)) die("floor lmdb commit failed");
    const auto t2 = steady_now();
    f.rtt_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    f.commit_us.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
    f.total_us.push_back(std::chrono::duration<double, std::micro>(t2 - t0).count());
  }
  ::close(client);
  echo.join();
  ::close(server);
  mdb_env_close(env);
  return f;
}

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
  const Args args(argc, argv, {"--host", "--plugins", "--bench-plugins", "--gateway", "--trials", "--dir"});
  const int trials = std::atoi(args.get("--trials", "1000").c_str());
  const Scratch dir(args.get("--dir", "."), "slob-bench-latency");

  Floor floor = measure_floor(dir, trials);

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
       << "\"\n[risk]\nmax_trades_per_day = 1000\nmax_contracts = 1\n"
       << "[broker]\nplugin = \"ib\"\n[broker.config]\nport = " << ports.first << "\nclient_id = 7\n"
       << "[store]\nplugin = \"lmdb\"\n[store.config]\npath = \"" << (state / "lmdb").string()
       << "\"\nsync = \"full\"\n"
       << "[strategy]\nplugin = \"benchtrigger\"\n[strategy.config]\nfire_from = \"" << rfc3339(start) << "\"\n";
  write_text(dir / "slob.toml", toml.str());
  const auto err = dir / "daemon.err";
  Child daemon({args.need("--host"), "--config", (dir / "slob.toml").string()}, dir / "daemon.out", err);
  const auto deadline = std::chrono::milliseconds(2 * kSpacingMs * (trials + 20) + 60'000);
  if (!wait_for([&] { return std::filesystem::exists(results) || daemon.wait(std::chrono::milliseconds(0)); }, deadline))
    die("no latency results in time; daemon log:\n" + read_text(err).substr(0, 4000));
  if (!std::filesystem::exists(results)) die("the daemon exited: " + read_text(err).substr(0, 4000));
  daemon.signal(SIGTERM);
  daemon.wait(std::chrono::seconds(30));

  std::vector<double> us;
  int timeouts = 0;
  std::ifstream in(results);
  std::string line;
  while (std::getline(in, line)) {
    if (line == "timeout") ++timeouts;
    else us.push_back(std::atof(line.c_str()));
  }
  const std::size_t orders = LogWatch(err).count("SLOB_ORDER_SKIPPED");
  std::printf("trigger-to-order: %zu trials measured, %d without an order in 3 s, %zu intents skipped\n",
              us.size(), timeouts, orders);
  const double p50 = quantile(us, 0.50), p99 = quantile(us, 0.99), worst = us.empty() ? 0 : us.back();
  const double rtt50 = quantile(floor.rtt_us, 0.5), rtt99 = quantile(floor.rtt_us, 0.99);
  const double c50 = quantile(floor.commit_us, 0.5), c99 = quantile(floor.commit_us, 0.99);
  const double f50 = quantile(floor.total_us, 0.5), f99 = quantile(floor.total_us, 0.99);
  std::printf("  daemon p50 %.0f µs, p99 %.0f µs, max %.0f µs\n", p50, p99, worst);
  std::printf("  floor: loopback RTT p50 %.0f / p99 %.0f µs; durable LMDB commit p50 %.0f / p99 %.0f µs;"
              " together p50 %.0f / p99 %.0f µs\n", rtt50, rtt99, c50, c99, f50, f99);
  const bool complete = timeouts == 0 && static_cast<int>(us.size()) == trials;
  row("trigger-to-order latency: the :55 bar that completes a setup → parent placeOrder at the gateway, " +
          std::to_string(us.size()) + " trials" + (complete ? "" : " (" + std::to_string(timeouts) + " timed out)"),
      "p50 " + fmt("%.0f", p50) + " µs, p99 " + fmt("%.0f", p99) + " µs",
      "loopback RTT + durable LMDB commit: p50 " + fmt("%.0f", f50) + " µs, p99 " + fmt("%.0f", f99) + " µs",
      "p99 " + fmt("%+.0f", p99 - f99) + " µs over the floor (p50 " + fmt("%+.0f", p50 - f50) + " µs)",
      "p99 ≤ floor + 200 µs", verdict(complete && p99 <= f99 + 200));
  return 0;
}

int main(int argc, char** argv) { return guarded(bench_main, argc, argv); }
