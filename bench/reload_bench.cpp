// The pause a hot reload causes, against the time to handle one candle, in a real slob-host
// process (sim + lmdb + slob) replaying as fast as it can.
//
//   bench_reload [--bars N] [--reloads N] [--broker-reloads N] [--sync full|none] [--dir DIR]
//                [--host SLOB_HOST] [--plugins DIR]
//
// The daemon replays N generated 1-minute bars (default 2,000,000) at speed 0, so bars follow each
// other back to back and any stall shows. While it runs, the bench swaps, one reload at a time:
// the strategy with only its config table changed (two equivalent forms; the loaded library
// makes the new instance), the strategy after its library was reinstalled (a new file at the same
// path: copied and mapped side by side), and the broker (config table). For each reload the host
// itself reports (`slob-ctl status`, reload.last):
//
//   pause_us         from the reload command to the first candle handled by the new instance;
//   first_candle_us  how long handling that candle took.
//
// The floor is the time to handle one candle, measured in the same run from the replay's
// throughput between reloads (candles per second from two status samples). Nothing is asserted.
// Besides its own table it prints one `ROW|…` line for tools/bench.sh.

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "process.hpp"
#include "slob/sdk/time.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

void write_bars(const fs::path& file, long bars) {
  std::ofstream out(file);
  out << "time,open,high,low,close,volume\n";
  std::mt19937_64 rng(20260106);
  std::normal_distribution<double> step(0.0, 6.0);
  auto t = *slob::sdk::parse_rfc3339("2026-01-05T00:00:00Z");
  double price = 25000;
  char buf[160];
  for (long i = 0; i < bars; ++i) {
    const double o = price;
    const double c = std::round((price + step(rng)) * 4) / 4;
    const double h = std::max(o, c) + std::round(std::abs(step(rng)) * 2) / 4;
    const double l = std::min(o, c) - std::round(std::abs(step(rng)) * 2) / 4;
    price = c;
    std::snprintf(buf, sizeof buf, "%s,%.2f,%.2f,%.2f,%.2f,%ld\n",
                  slob::sdk::format_rfc3339(t + std::chrono::minutes(i)).c_str(), o, h, l, c,
                  100 + i % 300);
    out << buf;
  }
}

std::string config(const fs::path& data, const fs::path& plugins, const fs::path& installed,
                   const std::string& sync, bool strategy_variant, bool broker_variant) {
  std::string c = "[host]\nstate_dir = \"state\"\nplugin_dirs = [\"" + plugins.string() +
                  "\", \"" + installed.string() +
                  "\"]\ncontrol_socket = \"slob.sock\"\n[logging]\nlevel = \"warn\"\n"
                  // No maintenance windows: the figures must not depend on the time of day.
                  "[maintenance]\nwindows = []\n"
                  "[broker]\nplugin = \"sim\"\n[broker.config]\ndata = \"" +
                  data.string() + "\"\nspeed = 0\nexit_at_end = false\n";
  if (broker_variant) c += "tick_size = 0.25\n";
  c += "[store]\nplugin = \"lmdb\"\n[store.config]\npath = \"state/lmdb\"\nsync = \"" + sync +
       "\"\n[strategy]\nplugin = \"slob\"\n[strategy.config]\n";
  if (strategy_variant) c += "sl_buffer = 1.0\n";
  return c;
}

nlohmann::json request(const fs::path& socket, const std::string& command) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket.c_str());
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd >= 0) ::close(fd);
    return nullptr;
  }
  const std::string line = nlohmann::json{{"command", command}}.dump() + "\n";
  std::string answer;
  if (::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size())) {
    char c = 0;
    while (::read(fd, &c, 1) == 1 && c != '\n') answer.push_back(c);
  }
  ::close(fd);
  return nlohmann::json::parse(answer, nullptr, false);
}

std::uint64_t candles(const nlohmann::json& status) {
  return status["result"]["progress"].value("candles", std::uint64_t{0});
}

struct Sample {
  double pause_us;
  double first_candle_us;
};

double median(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double maximum(const std::vector<double>& v) {
  return v.empty() ? NAN : *std::max_element(v.begin(), v.end());
}

}  // namespace

int main(int argc, char** argv) {
  long bars = 2000000;
  int reloads = 20;
  int broker_reloads = 5;
  std::string sync = "full";
  fs::path dir = fs::current_path();
  std::string host_bin = SLOB_HOST_BIN;
  fs::path installed = SLOB_PLUGIN_DIR;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--bars") bars = std::stol(argv[i + 1]);
    else if (a == "--reloads") reloads = std::stoi(argv[i + 1]);
    else if (a == "--broker-reloads") broker_reloads = std::stoi(argv[i + 1]);
    else if (a == "--sync") sync = argv[i + 1];
    else if (a == "--dir") dir = argv[i + 1];
    else if (a == "--host") host_bin = argv[i + 1];
    else if (a == "--plugins") installed = argv[i + 1];
    else {
      std::cerr << "usage: bench_reload [--bars N] [--reloads N] [--broker-reloads N] "
                   "[--sync full|none] [--dir DIR] [--host SLOB_HOST] [--plugins DIR]\n";
      return 2;
    }
  }
  std::string tmpl = (dir / "reload-bench-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    std::cerr << "bench_reload: cannot create a scratch directory in " << dir << "\n";
    return 1;
  }
  const fs::path scratch = tmpl;
  const fs::path data = scratch / "bars.csv";
  const fs::path cfg = scratch / "slob.toml";
  const fs::path socket = scratch / "slob.sock";
  const fs::path plugins = scratch / "plugins";
  const fs::path strategy_file = plugins / "libslob-slob.so";
  fs::create_directories(plugins);
  fs::copy_file(installed / "libslob-slob.so", strategy_file);
  write_bars(data, bars);
  bool strategy_variant = false;
  bool broker_variant = false;
  std::ofstream(cfg) << config(data, plugins, installed, sync, false, false);

  int code = 0;
  {
    slob::test::Process host({host_bin, "--config", cfg.string()}, scratch / "out.log",
                             scratch / "err.log");
    auto status = [&] { return request(socket, "status"); };
    if (!slob::test::wait_until([&] {
          auto s = status();
          return s.is_object() && s.value("ok", false) && candles(s) > 1000;
        }, 60s)) {
      std::cerr << "bench_reload: the daemon did not start replaying; see " << scratch << "\n";
      return 1;
    }
    std::vector<double> candle_us;  // mean per-candle time between reloads
    std::vector<Sample> strategy_samples;
    std::vector<Sample> library_samples;
    std::vector<Sample> broker_samples;
    auto measure_throughput = [&] {
      const auto s0 = status();
      const auto t0 = std::chrono::steady_clock::now();
      std::this_thread::sleep_for(100ms);
      const auto s1 = status();
      const auto t1 = std::chrono::steady_clock::now();
      const double n = static_cast<double>(candles(s1) - candles(s0));
      if (n > 0) candle_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count() / n);
    };
    enum class What { kStrategyConfig, kStrategyLibrary, kBrokerConfig };
    auto reload_once = [&](What what, std::vector<Sample>& into) {
      if (what == What::kBrokerConfig) broker_variant = !broker_variant;
      if (what == What::kStrategyConfig) strategy_variant = !strategy_variant;
      if (what == What::kStrategyLibrary) {
        // How an upgrade installs a library: a new file renamed over the old one.
        const fs::path tmp = plugins / "libslob-slob.so.tmp";
        fs::copy_file(installed / "libslob-slob.so", tmp);
        fs::rename(tmp, strategy_file);
      }
      const fs::path tmp = scratch / "slob.toml.tmp";
      std::ofstream(tmp) << config(data, plugins, installed, sync, strategy_variant, broker_variant);
      fs::rename(tmp, cfg);
      const auto answer = request(socket, "reload");
      if (!answer.is_object() || !answer.value("ok", false)) {
        std::cerr << "bench_reload: reload failed: " << answer.dump() << "\n";
        return false;
      }
      nlohmann::json last;
      if (!slob::test::wait_until([&] {
            last = status()["result"]["reload"]["last"];
            return last.is_object() && last["pause_us"].is_number();
          }, 30s)) {
        std::cerr << "bench_reload: no candle after a reload\n";
        return false;
      }
      into.push_back({last["pause_us"].get<double>(), last["first_candle_us"].get<double>()});
      return true;
    };
    for (int i = 0; i < reloads && code == 0; ++i) {
      measure_throughput();
      if (!reload_once(What::kStrategyConfig, strategy_samples)) code = 1;
    }
    for (int i = 0; i < reloads / 2 && code == 0; ++i) {
      measure_throughput();
      if (!reload_once(What::kStrategyLibrary, library_samples)) code = 1;
    }
    for (int i = 0; i < broker_reloads && code == 0; ++i) {
      measure_throughput();
      if (!reload_once(What::kBrokerConfig, broker_samples)) code = 1;
    }
    const auto final_status = status();
    if (candles(final_status) >= static_cast<std::uint64_t>(bars) - 1) {
      std::cerr << "bench_reload: the replay ended during the measurement; use more --bars\n";
      code = 1;
    }
    host.signal(SIGTERM);
    host.wait_for_exit(60s);

    auto column = [](const std::vector<Sample>& s, double Sample::*field) {
      std::vector<double> v;
      for (const auto& x : s) v.push_back(x.*field);
      return v;
    };
    const double candle = median(candle_us);
    std::printf("hot reload: %ld bars replayed at speed 0 (sim + lmdb sync=%s + slob)\n", bars,
                sync.c_str());
    std::printf("%-52s %10s %10s %10s\n", "measure", "median us", "max us", "n");
    std::printf("%-52s %10.1f %10.1f %10zu\n", "one candle (replay throughput between reloads)",
                candle, maximum(candle_us), candle_us.size());
    auto row = [&](const char* name, const std::vector<Sample>& s, double Sample::*field) {
      const auto v = column(s, field);
      std::printf("%-52s %10.1f %10.1f %10zu\n", name, median(v), maximum(v), v.size());
    };
    row("strategy swap (config): pause to first new candle", strategy_samples, &Sample::pause_us);
    row("strategy swap (config): that first candle", strategy_samples, &Sample::first_candle_us);
    row("strategy swap (new library): pause", library_samples, &Sample::pause_us);
    row("strategy swap (new library): first candle", library_samples, &Sample::first_candle_us);
    row("broker swap: pause to first new candle", broker_samples, &Sample::pause_us);
    row("broker swap: that first candle", broker_samples, &Sample::first_candle_us);
    const double pause = median(column(strategy_samples, &Sample::pause_us));
    std::printf("RESULT reload_pause_ms=%.3f candle_ms=%.4f ratio=%.0f goal_ms=10 %s\n",
                pause / 1000, candle / 1000, pause / candle, pause < 10000 ? "met" : "NOT met");
    const auto library = column(library_samples, &Sample::pause_us);
    std::printf("ROW|hot-reload pause (reload command → first candle handled by the new instance), "
                "strategy config changed, sync \"%s\"|%.2f ms (median of %zu, max %.2f); library "
                "reinstalled %.2f ms|one candle %.1f µs|%.0f candles|≤ 10 ms|%s\n",
                sync.c_str(), pause / 1000, strategy_samples.size(),
                maximum(column(strategy_samples, &Sample::pause_us)) / 1000, median(library) / 1000,
                candle, pause / candle, pause < 10000 ? "met" : "**not met**");
  }
  std::error_code ec;
  fs::remove_all(scratch, ec);
  return code;
}
