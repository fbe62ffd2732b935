// The http observer plugin against hostile clients, while a paced replay trades: slowloris, a
// 1 MiB header and 1,000 connections at once. Each is cut off by the limits in the plugin's
// README, the daemon's memory stays within the stated bound, and the trades are exactly those of
// a run without the server. And several clients reading the views during the replay all get
// answers (the views are read on the host's loop, not on the server's thread).

#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "http_daemon.hpp"

using namespace std::chrono_literals;
using slob::test::Daemon;
using slob::test::TempDir;

namespace {

// nq-3days at 20000 x real time: about 13 s of replay to attack during.
constexpr int kPacedSpeed = 20000;
// The bound the README states: the daemon's VmRSS under attack stays within this much of its
// value before the attack.
constexpr long kRssBoundKib = 32 * 1024;

// The trades of the main job without an http observer, run once per test process.
const std::string& trades_without_server() {
  static const std::string trades = [] {
    TempDir dir;
    Daemon d(SLOB_HOST_BIN, SLOB_CTL_BIN, dir.path(), slob::test::http_main_job("", 0, true));
    d.start();
    REQUIRE(d.process().wait_for_exit(120s) == 0);
    const auto r = d.export_records("trades");
    REQUIRE(r.code == 0);
    return r.out;
  }();
  return trades;
}

std::string paced_job() {
  return slob::test::http_main_job(
      slob::test::http_observer("port = 0\nheader_timeout = \"3s\"\nidle_timeout = \"3s\"\n"),
      kPacedSpeed);
}

bool peer_closed(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  char c;
  return ::recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

// The highest VmRSS of `pid` while it runs, sampled every 20 ms on a thread of its own.
class RssPeak {
 public:
  explicit RssPeak(pid_t pid)
      : thread_([this, pid] {
          while (!stop_) {
            peak_ = std::max(peak_.load(), slob::test::vm_rss_kib(pid));
            std::this_thread::sleep_for(20ms);
          }
        }) {}
  ~RssPeak() { finish(); }
  long finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return peak_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<long> peak_{0};
  std::thread thread_;
};

}  // namespace

TEST_CASE("http: slowloris, a 1 MiB header and 1,000 connections during a paced replay are cut "
          "off — memory stays within 32 MiB and the trades are the same",
          "[http][hostile]") {
  const std::string& expected = trades_without_server();
  // 1,000 client sockets and a few more for the test itself.
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = std::max<rlim_t>(files.rlim_cur, std::min<rlim_t>(files.rlim_max, 4096));
  ::setrlimit(RLIMIT_NOFILE, &files);
  REQUIRE(files.rlim_cur >= 1100);

  TempDir dir;
  Daemon d(SLOB_HOST_BIN, SLOB_CTL_BIN, dir.path(), paced_job());
  d.start();
  const auto port = slob::test::listening_port(d);
  REQUIRE(port);
  REQUIRE(d.wait_log("SLOB_MARKET_DATA_FLOWING"));
  const long idle = slob::test::vm_rss_kib(d.process().pid());
  REQUIRE(idle > 0);
  RssPeak peak(d.process().pid());

  // Slowloris: 20 connections writing one header byte a second are closed after header_timeout.
  {
    const std::string head = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    std::vector<int> fds;
    for (int i = 0; i < 20; ++i) fds.push_back(slob::test::tcp_connect("127.0.0.1", *port));
    for (int fd : fds) REQUIRE(fd >= 0);
    const auto began = std::chrono::steady_clock::now();
    std::vector<std::optional<std::chrono::milliseconds>> closed_after(fds.size());
    const auto all_closed = [&] {
      return std::all_of(closed_after.begin(), closed_after.end(), [](const auto& c) { return c.has_value(); });
    };
    for (std::size_t byte = 0; byte < 12 && !all_closed(); ++byte) {
      for (std::size_t i = 0; i < fds.size(); ++i) {
        if (closed_after[i]) continue;
        if (peer_closed(fds[i]) || !slob::test::send_all(fds[i], std::string(1, head[byte % head.size()])))
          closed_after[i] = std::chrono::duration_cast<std::chrono::milliseconds>(
              std::chrono::steady_clock::now() - began);
      }
      std::this_thread::sleep_for(1s);
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      INFO("connection " << i);
      REQUIRE(closed_after[i]);
      CHECK(*closed_after[i] >= 2500ms);  // header_timeout = 3s, a byte a second
      CHECK(*closed_after[i] <= 8000ms);
      ::close(fds[i]);
    }
  }

  // A 1 MiB header: 431, or the connection closed while it was still being sent.
  {
    const auto r = slob::test::http_exchange(
        "127.0.0.1", *port,
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(1 << 20, 'a') + "\r\n\r\n", 10s);
    REQUIRE(r);
    CHECK((r->status == 431 || r->status == 0));
    REQUIRE(d.running());
  }

  // 1,000 connections at once: at most max_connections (64) stay open, the rest are reset; the
  // ones kept are closed by header_timeout since they send nothing.
  {
    std::vector<int> fds;
    const auto began = std::chrono::steady_clock::now();
    for (int i = 0; i < 1000; ++i) {
      const int fd = slob::test::tcp_connect("127.0.0.1", *port);
      if (fd >= 0) fds.push_back(fd);
    }
    CHECK(fds.size() == 1000);  // the kernel's backlog accepts them; the server then resets
    // Counted before header_timeout (3 s) could have closed any of them.
    std::size_t open = 0;
    slob::test::wait_until([&] {
      open = 0;
      for (int fd : fds) open += !peer_closed(fd);
      return open <= 64;
    }, std::chrono::duration_cast<std::chrono::milliseconds>(began + 2s - std::chrono::steady_clock::now()));
    CHECK(open <= 64);
    CHECK(slob::test::wait_until([&] {
      for (int fd : fds)
        if (!peer_closed(fd)) return false;
      return true;
    }, 10s));
    for (int fd : fds) ::close(fd);
  }
  const long rss_peak = peak.finish();
  INFO("VmRSS before " << idle << " KiB, peak " << rss_peak << " KiB");
  CHECK(rss_peak - idle < kRssBoundKib);
  // The attack ran during the replay, and the server answers again afterwards.
  CHECK(d.log().find("SLOB_SIM_END_OF_DATA") == std::string::npos);
  const auto after = slob::test::http_get(*port, "/api/status");
  REQUIRE(after);
  CHECK(after->status == 200);

  REQUIRE(d.wait_log("SLOB_SIM_END_OF_DATA", 0, 120s));
  CHECK(d.export_records("trades").out == expected);
  CHECK(d.stop() == 0);
  WARN("VmRSS before the attack " << idle << " KiB, peak during it " << rss_peak << " KiB");
}

TEST_CASE("http: clients reading the views from several threads during a replay all get "
          "answers, and the trades are the same",
          "[http][threads]") {
  const std::string& expected = trades_without_server();
  TempDir dir;
  Daemon d(SLOB_HOST_BIN, SLOB_CTL_BIN, dir.path(), paced_job());
  d.start();
  const auto port = slob::test::listening_port(d);
  REQUIRE(port);
  std::atomic<bool> done{false};
  std::atomic<int> answered{0}, wrong{0};
  std::mutex seen_mutex;
  std::set<std::string> seen;  // trade ids /api/trades showed (today's, as the replay moves on)
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&, i] {
      const std::string path = i % 2 ? "/api/status" : "/api/trades";
      while (!done) {
        const auto r = slob::test::http_get(*port, path);
        const auto j = r ? nlohmann::json::parse(r->body, nullptr, false) : nlohmann::json();
        if (!r || r->status != 200 || !j.is_object() || j.empty()) {
          ++wrong;
          continue;
        }
        ++answered;
        if (j.contains("trades")) {
          std::lock_guard lock(seen_mutex);
          for (const auto& t : j["trades"]) seen.insert(t["id"].get<std::string>());
        }
      }
    });
  }
  const bool ended = d.wait_log("SLOB_SIM_END_OF_DATA", 0, 120s).has_value();
  done = true;
  for (auto& t : clients) t.join();
  REQUIRE(ended);
  INFO(answered << " answered, " << wrong << " not");
  CHECK(answered > 200);
  CHECK(wrong == 0);
  const std::string trades = d.export_records("trades").out;
  CHECK(trades == expected);
  // Each of the replay's trades was shown by /api/trades on its day.
  std::set<std::string> exported;
  for (const auto& t : d.exported("trades")) exported.insert(t["id"].get<std::string>());
  CHECK(seen == exported);
  CHECK(d.stop() == 0);
}
