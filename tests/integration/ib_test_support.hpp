#pragma once

// Support for the ib plugin's integration tests: a real HostServices on one io_context with the
// core's AsioClock, a listener that records everything, the gateway simulator as a child
// process on an ephemeral loopback port (killed by PID), and its control port.

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "asio_clock.hpp"
#include "slob/sdk/broker.hpp"
#include "slob/sdk/config.hpp"
#include "slob/sdk/host_services.hpp"
#include "test_host_services.hpp"

namespace slob::test::ib {

class LiveHostServices final : public sdk::HostServices {
 public:
  LiveHostServices() : clock_(io_), wall_(io_) {}
  sdk::Logger& logger() override { return logger_; }
  sdk::Clock& clock() override { return clock_; }
  sdk::Clock& wall_clock() override { return wall_; }
  void post(std::function<void()> fn) override { boost::asio::post(io_, std::move(fn)); }
  boost::asio::io_context& io_context() override { return io_; }
  sdk::ClockDriver* clock_driver() override { return nullptr; }
  const std::string& config_dir() const override { return dir_; }
  const std::string& state_dir() const override { return dir_; }

  RecordingLogger& log() { return logger_; }
  boost::asio::io_context& io() { return io_; }

  // Runs the loop until `done` holds or `timeout` (real time) passes; returns `done()`.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io_.restart();
      io_.run_for(std::chrono::milliseconds(5));
    }
    return true;
  }

 private:
  boost::asio::io_context io_;
  core::AsioClock clock_;
  core::AsioClock wall_;
  RecordingLogger logger_;
  std::string dir_ = ".";
};

class RecordingListener final : public sdk::BrokerListener {
 public:
  void on_health(const sdk::HealthEvent& e) override { health.push_back(e); }
  void on_bar(const sdk::Bar& b) override { bars.push_back(b); }
  void on_order(const sdk::OrderReport& r) override { orders.push_back(r); }
  void on_execution(const sdk::Execution& e) override { executions.push_back(e); }
  void on_snapshot(const sdk::Result<sdk::BrokerSnapshot>& s) override { snapshots.push_back(s); }
  void on_end_of_data() override {}

  // The last event for a channel, if any.
  const sdk::HealthEvent* last(sdk::Channel c) const {
    for (auto it = health.rbegin(); it != health.rend(); ++it)
      if (it->channel == c) return &*it;
    return nullptr;
  }
  bool is(sdk::Channel c, sdk::Health h) const {
    const auto* e = last(c);
    return e && e->health == h;
  }
  const sdk::OrderReport* order(const std::string& ref, sdk::OrderState state) const {
    for (const auto& r : orders)
      if (r.client_ref == ref && r.state == state) return &r;
    return nullptr;
  }

  std::vector<sdk::HealthEvent> health;
  std::vector<sdk::Bar> bars;
  std::vector<sdk::OrderReport> orders;
  std::vector<sdk::Execution> executions;
  std::vector<sdk::Result<sdk::BrokerSnapshot>> snapshots;
};

// The simulator as a child process. The destructor kills it by PID and reaps it.
class SimProcess {
 public:
  explicit SimProcess(std::vector<std::string> extra_args = {}) {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("slob-ib-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const std::string port_file = (dir_ / "ports").string();
    log_path_ = (dir_ / "inbound.log").string();
    std::vector<std::string> args = {SLOB_IB_GATEWAY_SIM, "--port-file", port_file, "--log", log_path_,
                                     "--bar-interval-ms", "100", "--next-valid-id", "100"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      // If the test process dies, so does the simulator.
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      const int devnull = ::open("/dev/null", 1);
      if (devnull >= 0) ::dup2(devnull, 1);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(port_file);
      std::string a, c;
      if (in >> a >> c && a.rfind("api=", 0) == 0 && c.rfind("control=", 0) == 0) {
        api_port_ = std::stoi(a.substr(4));
        control_port_ = std::stoi(c.substr(8));
        return;
      }
      ::usleep(10000);  // waiting for a child process to start, not for the code under test
    }
  }
  ~SimProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      for (int i = 0; i < 200 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i) ::usleep(10000);
      if (::waitpid(pid_, &status, WNOHANG) == 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  bool started() const { return api_port_ > 0; }
  int api_port() const { return api_port_; }

  // One control command, blocking (the simulator answers at once).
  std::string control(const std::string& command) const {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(control_port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return "error cannot connect";
    }
    const std::string line = command + "\n";
    if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
      ::close(fd);
      return "error write";
    }
    std::string reply;
    char c;
    while (::read(fd, &c, 1) == 1 && c != '\n') reply.push_back(c);
    ::close(fd);
    return reply;
  }

  // Inbound messages whose id is `id`, each split into fields (comment lines skipped).
  std::vector<std::vector<std::string>> inbound(const std::string& id) const {
    std::vector<std::vector<std::string>> out;
    std::ifstream in(log_path_);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> fields;
      std::string cur;
      for (char ch : line) {
        if (ch == '|') {
          fields.push_back(cur);
          cur.clear();
        } else {
          cur.push_back(ch);
        }
      }
      fields.push_back(cur);
      if (fields[0] == id) out.push_back(fields);
    }
    return out;
  }

 private:
  std::filesystem::path dir_;
  std::string log_path_;
  pid_t pid_ = -1;
  int api_port_ = 0;
  int control_port_ = 0;
};

inline sdk::ConfigTable ib_config(int port, std::map<std::string, sdk::ConfigValue> overrides = {}) {
  sdk::ConfigTable t;
  t.section = "broker.config";
  t.position = {"test.toml", 1, 1};
  const auto str = [](std::string s) { return sdk::ConfigValue{std::move(s), {"test.toml", 2, 1}}; };
  const auto num = [](std::int64_t n) { return sdk::ConfigValue{n, {"test.toml", 2, 1}}; };
  t.values["host"] = str("127.0.0.1");
  t.values["port"] = num(port);
  t.values["client_id"] = num(7);
  t.values["heartbeat_interval"] = str("200ms");
  t.values["heartbeat_timeout"] = str("300ms");
  t.values["connect_timeout"] = str("3s");
  t.values["request_timeout"] = str("3s");
  t.values["bar_watchdog"] = str("600ms");
  t.values["commission_wait"] = str("300ms");
  for (auto& [k, v] : overrides) t.values[k] = v;
  return t;
}

}  // namespace slob::test::ib
