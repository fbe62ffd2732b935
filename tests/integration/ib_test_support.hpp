#pragma once

// Support for the ib plugin's integration tests: a real HostServices on one io_context with the
// core's AsioClock, a listener that records everything, and the gateway simulator as a child
// process (tests/support/gateway_sim.hpp).

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "runtime/asio_clock.hpp"
#include "gateway_sim.hpp"
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
  const sdk::HostSettings& settings() const override { return settings_; }
  sdk::Result<std::string> read_view(std::string_view) const override {
    return sdk::Status::unavailable("no host views in the ib tests");
  }

  RecordingLogger& log() { return logger_; }
  // Short heartbeats by default, so a stalled gateway is found quickly.
  sdk::HostSettings settings_{"NQ", "Europe/Stockholm", std::chrono::milliseconds(200),
                              std::chrono::milliseconds(300)};
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
  void on_position(const sdk::Position& p) override { positions.push_back(p); }
  void on_heartbeat(sdk::Duration round_trip) override { heartbeats.push_back(round_trip); }

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
  std::vector<sdk::Position> positions;
  std::vector<sdk::Duration> heartbeats;  // round trips
};

// The simulator as a child process (tests/support/gateway_sim.hpp), this build's binary.
class SimProcess : public GatewaySim {
 public:
  explicit SimProcess(std::vector<std::string> extra_args = {})
      : GatewaySim(SLOB_IB_GATEWAY_SIM, std::move(extra_args)) {}
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
  t.values["connect_timeout"] = str("3s");
  t.values["request_timeout"] = str("3s");
  t.values["bar_watchdog"] = str("600ms");
  t.values["commission_wait"] = str("300ms");
  for (auto& [k, v] : overrides) t.values[k] = v;
  return t;
}

}  // namespace slob::test::ib
