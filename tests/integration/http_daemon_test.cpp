// The http observer plugin in real slob-host processes on the main job's data: what it serves
// (the views as slob-ctl shows them, the page, /metrics), its security headers and refusals,
// the bearer token, the address it is bound to, a port it cannot have, and hot reload.

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "http_daemon.hpp"
#include "metrics_text.hpp"

using namespace std::chrono_literals;
using slob::test::Daemon;
using slob::test::TempDir;
using slob::test::http_get;

namespace {

const std::string kToken = "0123456789abcdef0123456789abcdef";

// Whether `a` and `b` have the same members, recursively (values may differ: uptime).
bool same_shape(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it)
      if (!b.contains(it.key()) || !same_shape(it.value(), b[it.key()])) return false;
  }
  return true;
}

void check_security_headers(const slob::test::HttpReply& r) {
  CHECK(r.header("cache-control") == "no-store");
  CHECK(r.header("x-content-type-options") == "nosniff");
  CHECK(r.header("content-security-policy").find("default-src 'none'") != std::string::npos);
  CHECK(r.header("content-security-policy").find("connect-src 'self'") != std::string::npos);
  CHECK(r.header("access-control-allow-origin").empty());
}

}  // namespace

TEST_CASE("http: after the replay /api/<view> is what slob-ctl --json shows — the page, /metrics, "
          "security headers and the refusals",
          "[http][main]") {
  TempDir dir;
  Daemon d(SLOB_HOST_BIN, SLOB_CTL_BIN, dir.path(),
           slob::test::http_main_job(slob::test::http_observer("port = 0\n")));
  d.start();
  const auto port = slob::test::listening_port(d);
  REQUIRE(port);
  REQUIRE(d.wait_log("SLOB_SIM_END_OF_DATA"));
  REQUIRE(slob::test::wait_until([&] { return d.status()["state"] == "Running"; }, 30s));

  const auto status = http_get(*port, "/api/status");
  REQUIRE(status);
  REQUIRE(status->status == 200);
  CHECK(status->header("content-type") == "application/json");
  check_security_headers(*status);
  const auto served = nlohmann::json::parse(status->body);
  CHECK(served["state"] == "Running");
  CHECK(same_shape(served, d.status()));

  for (const std::string view : {"trades", "positions", "orders", "setups"}) {
    INFO(view);
    const auto r = http_get(*port, "/api/" + view);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    const auto ctl = d.ctl({view, "--json"});
    REQUIRE(ctl.code == 0);
    CHECK(nlohmann::json::parse(r->body) == nlohmann::json::parse(ctl.out));
  }
  // "trades" is today's: after the data the simulated day has moved on, so it is empty here
  // (http_hostile_test reads the replay's trades from it while the replay runs).

  const auto page = http_get(*port, "/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->header("content-type") == "text/html; charset=utf-8");
  std::string lower = page->body.substr(0, 64);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  CHECK(lower.rfind("<!doctype html", 0) == 0);  // the page itself is the dashboard's to test
  check_security_headers(*page);
  // /metrics: the host's metrics view as Prometheus scrapes it; promtool accepts it as served,
  // and it counts what the store holds.
  const auto metrics = http_get(*port, "/metrics");
  REQUIRE(metrics);
  REQUIRE(metrics->status == 200);
  CHECK(metrics->header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
  check_security_headers(*metrics);
  slob::test::check_with_promtool(SLOB_PROMTOOL, metrics->body, dir.path());
  const auto exported = d.exported("trades");
  REQUIRE_FALSE(exported.empty());
  const auto samples = slob::test::metric_samples(metrics->body);
  CHECK(slob::test::metric_sum(samples, "slob_trades_total") == static_cast<double>(exported.size()));
  CHECK(slob::test::metric_sum(samples, "slob_build_info") == 1);
  // /api/dashboard: the page's document, with every trade of the store.
  const auto dashboard = http_get(*port, "/api/dashboard");
  REQUIRE(dashboard);
  REQUIRE(dashboard->status == 200);
  CHECK(dashboard->header("content-type") == "application/json");
  const auto doc = nlohmann::json::parse(dashboard->body);
  CHECK(doc["mode"] == "live");
  CHECK(doc["trades"].size() == exported.size());
  CHECK(http_get(*port, "/healthz")->status == 200);

  const auto head = http_get(*port, "/api/status", "", "HEAD");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->body.empty());
  CHECK(std::stoul(head->header("content-length")) > 0);
  CHECK(http_get(*port, "/api/nosuch")->status == 404);
  CHECK(http_get(*port, "/api/status/")->status == 404);
  const auto post = http_get(*port, "/api/status", "", "POST");
  CHECK(post->status == 405);
  CHECK(post->header("allow") == "GET, HEAD");
  CHECK(http_get(*port, "/api/status", "Content-Length: 5\r\n")->status == 413);
  CHECK(http_get(*port, "/api/status", "X-Big: " + std::string(9000, 'a') + "\r\n")->status == 431);
  const auto rebound = slob::test::http_exchange(
      "127.0.0.1", *port, "GET /api/status HTTP/1.1\r\nHost: evil.example:" + std::to_string(*port) +
                              "\r\nConnection: close\r\n\r\n");
  CHECK(rebound->status == 421);  // DNS rebinding
  CHECK(slob::test::http_exchange("127.0.0.1", *port, "GARBAGE\r\n\r\n")->status == 400);

  const auto observers = d.ctl({"observers"});
  CHECK(observers.out.find("http://127.0.0.1:" + std::to_string(*port) + "/") != std::string::npos);
  CHECK(d.stop() == 0);
  CHECK(d.log().find("SLOB_HTTP_STOPPED: http://127.0.0.1:" + std::to_string(*port) + "/ closed") !=
        std::string::npos);
}

TEST_CASE("http: with a bearer token every endpoint needs it — a browser gets it as a cookie — a "
          "token file others can read is refused",
          "[http][token]") {
  TempDir dir;
  std::ofstream(dir / "token") << kToken << "\n";
  ::chmod((dir / "token").c_str(), 0600);
  Daemon d(SLOB_HOST_BIN, SLOB_CTL_BIN, dir.path(),
           slob::test::http_main_job(slob::test::http_observer("port = 0\nbearer_token_file = \"token\"\n")));
  d.start();
  const auto port = slob::test::listening_port(d);
  REQUIRE(port);

  for (const std::string path : {"/api/status", "/metrics", "/", "/api/trades", "/healthz"}) {
    INFO(path);
    const auto none = http_get(*port, path);
    REQUIRE(none);
    CHECK(none->status == 401);
    CHECK(none->header("www-authenticate") == "Bearer realm=\"slob-host\"");
    check_security_headers(*none);
    CHECK(http_get(*port, path, "Authorization: Bearer " + kToken + "x\r\n")->status == 401);
    CHECK(http_get(*port, path, "Authorization: Bearer " + kToken.substr(1) + "\r\n")->status == 401);
    CHECK(http_get(*port, path, "Authorization: Basic " + kToken + "\r\n")->status == 401);
  }
  const auto ok = http_get(*port, "/api/status", "Authorization: Bearer " + kToken + "\r\n");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(nlohmann::json::parse(ok->body).contains("state"));
  CHECK(http_get(*port, "/", "Authorization: bearer " + kToken + "\r\n")->status == 200);

  // A browser: /?token= once, then the cookie.
  CHECK(http_get(*port, "/?token=nottheright0123456789")->status == 401);
  const auto login = http_get(*port, "/?token=" + kToken);
  REQUIRE(login);
  CHECK(login->status == 303);
  CHECK(login->header("location") == "./");
  const std::string cookie = login->header("set-cookie");
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("SameSite=Strict") != std::string::npos);
  const std::string pair = cookie.substr(0, cookie.find(';'));
  CHECK(http_get(*port, "/", "Cookie: a=b; " + pair + "\r\n")->status == 200);
  CHECK(http_get(*port, "/api/status", "Cookie: " + pair + "\r\n")->status == 200);
  CHECK(http_get(*port, "/api/status", "Cookie: " + pair + "0\r\n")->status == 401);
  CHECK(d.stop() == 0);

  // Readable by others: refused at startup, naming the key and the file.
  ::chmod((dir / "token").c_str(), 0644);
  d.start();
  REQUIRE(d.process().wait_for_exit(60s) == 78);
  INFO(d.log());
  CHECK(d.log().find("bearer_token_file") != std::string::npos);
  CHECK(d.log().find("readable by all users") != std::string::npos);
  CHECK(d.log().find(kToken) == std::string::npos);
}

TEST_CASE("http: bound to 127.0.0.1 it cannot be reached on 127.0.0.2 — a port that is taken "
          "refuses the start with the address and the reason",
          "[http][bind]") {
  TempDir dir;
  Daemon d(SLOB_HOST_BIN, SLOB_CTL_BIN, dir.path(),
           slob::test::http_main_job(slob::test::http_observer("port = 0\n")));
  d.start();
  const auto port = slob::test::listening_port(d);
  REQUIRE(port);
  const int fd = slob::test::tcp_connect("127.0.0.1", *port);
  CHECK(fd >= 0);
  if (fd >= 0) ::close(fd);
  CHECK(slob::test::tcp_connect("127.0.0.2", *port) == -ECONNREFUSED);  // all of 127/8 is loopback
  CHECK(d.stop() == 0);

  // The port taken by another socket (one the daemon even inherits: this process does not
  // close it on exec): the daemon does not start (exit 78, the config error).
  const int taken = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(*port));
  ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  REQUIRE(::bind(taken, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(taken, 1) == 0);
  std::ofstream(d.config_path()) << slob::test::http_main_job(
      slob::test::http_observer("port = " + std::to_string(*port) + "\n"));
  d.start();
  CHECK(d.process().wait_for_exit(60s) == 78);
  INFO(d.log());
  CHECK(d.log().find("http: cannot listen on 127.0.0.1:" + std::to_string(*port) +
                     ": Address already in use") != std::string::npos);
  ::close(taken);
}

TEST_CASE("http: a reload that removes the observer closes its port, one that adds it opens one, "
          "and one that changes it on the same port keeps serving",
          "[http][reload]") {
  TempDir dir;
  // A port known to be free now, so the same one can be configured again.
  const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  REQUIRE(::bind(probe, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t size = sizeof a;
  ::getsockname(probe, reinterpret_cast<sockaddr*>(&a), &size);
  const int fixed = ntohs(a.sin_port);
  ::close(probe);

  const std::string with = slob::test::http_observer("port = " + std::to_string(fixed) + "\n");
  Daemon d(SLOB_HOST_BIN, SLOB_CTL_BIN, dir.path(), slob::test::http_main_job(with));
  d.start();
  REQUIRE(slob::test::listening_port(d) == fixed);
  REQUIRE(http_get(fixed, "/api/status"));

  // Changed (refresh) on the same port: the new instance takes over the listening socket.
  std::size_t mark = d.log_size();
  std::ofstream(d.config_path()) << slob::test::http_main_job(
      slob::test::http_observer("port = " + std::to_string(fixed) + "\nrefresh = \"5s\"\n"));
  auto reloaded = d.ctl({"reload"});
  INFO(reloaded.out << reloaded.err);
  REQUIRE(reloaded.code == 0);
  CHECK(reloaded.out.find("observer web replaced (http)") != std::string::npos);
  REQUIRE(d.wait_log("SLOB_HTTP_STOPPED", mark));
  const auto after = http_get(fixed, "/api/status");
  REQUIRE(after);
  CHECK(after->status == 200);

  // Removed: the port is closed.
  mark = d.log_size();
  std::ofstream(d.config_path()) << slob::test::http_main_job("");
  reloaded = d.ctl({"reload"});
  REQUIRE(reloaded.code == 0);
  CHECK(reloaded.out.find("observer web removed") != std::string::npos);
  REQUIRE(d.wait_log("SLOB_HTTP_STOPPED", mark));
  CHECK(slob::test::tcp_connect("127.0.0.1", fixed) == -ECONNREFUSED);

  // Added back (another port): it serves again.
  mark = d.log_size();
  std::ofstream(d.config_path()) << slob::test::http_main_job(slob::test::http_observer("port = 0\n"));
  reloaded = d.ctl({"reload"});
  REQUIRE(reloaded.code == 0);
  const auto port = slob::test::listening_port(d, mark);
  REQUIRE(port);
  const auto again = http_get(*port, "/api/status");
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(d.stop() == 0);
}
