// "testbroker": a broker for tests of the host itself. It connects at once (or fails, or never
// answers, as configured), has no market data, no positions and 100000 of equity.
// `exit_before_snapshot = true`: a trade that opened and closed while the host was away, told
// the way IB can tell it after a reconnect — the stop's execution arrives live first, then the
// snapshot brings the entry's.
// `first_snapshot_position = N` / `snapshot_position = N`: the NQ position the first snapshot
// (a position report older than the fill that arrives live) and every later one report.
// `stop_delay_ms = N`: stop() finishes N ms (wall clock) later, so a shutdown lasts that long.

#include <chrono>

#include "slob/sdk/broker.hpp"
#include "slob/sdk/host_services.hpp"
#include "test_plugin_support.hpp"

namespace slob::test_plugins {
namespace {

class TestBroker final : public sdk::Broker {
 public:
  struct Script {
    bool fail_connect = false;
    bool exit_before_snapshot = false;
    std::int64_t first_snapshot_position = 0;
    std::int64_t snapshot_position = 0;
    std::int64_t stop_delay_ms = 0;
  };

  TestBroker(sdk::HostServices& host, StopMode stop_mode, Script script)
      : host_(host), stop_mode_(stop_mode), script_(script) {}

  void set_listener(sdk::BrokerListener& listener) override { listener_ = &listener; }

  sdk::Status connect() override {
    if (script_.fail_connect) {
      host_.post([this] {
        listener_->on_health({sdk::Channel::kOrders, sdk::Health::kDown, "refused (test)", 0, false, false});
      });
      return sdk::Status::ok();
    }
    host_.post([this] {
      listener_->on_health({sdk::Channel::kOrders, sdk::Health::kUp, "test broker", 1, false, false});
      listener_->on_health({sdk::Channel::kMarketData, sdk::Health::kUp, "", 0, false, false});
    });
    return sdk::Status::ok();
  }
  void disconnect() override {}
  sdk::Status subscribe(const sdk::MarketDataRequest&) override { return sdk::Status::ok(); }
  sdk::Status place_bracket(const sdk::BracketOrder&) override {
    return sdk::Status::unavailable("the test broker takes no orders");
  }
  sdk::Status cancel_order(const std::string&) override { return sdk::Status::ok(); }
  sdk::Status flatten(const std::string&, const std::string&, std::int64_t) override {
    return sdk::Status::ok();
  }
  sdk::Status request_snapshot(sdk::Time) override {
    host_.post([this] {
      sdk::BrokerSnapshot s;
      s.taken = host_.clock().now();
      s.equity = 100000.0;
      const std::int64_t position = snapshots_++ == 0 ? script_.first_snapshot_position : script_.snapshot_position;
      if (position != 0) s.positions.push_back({"NQ", position, 21000.0});
      if (script_.exit_before_snapshot) {
        const sdk::Time t = host_.clock().now() - std::chrono::minutes(5);
        listener_->on_execution({"exec-sl", "slob:away:sl", 3, "NQ", sdk::Side::kBuy, 1, 21010.0, t, 2.25});
        s.executions.push_back({"exec-entry", "slob:away:entry", 1, "NQ", sdk::Side::kSell, 1, 21000.0, t, 2.25});
      }
      listener_->on_snapshot(s);
    });
    return sdk::Status::ok();
  }
  void stop(std::function<void()> done) override {
    if (script_.stop_delay_ms > 0) {
      host_.wall_clock().call_after(std::chrono::milliseconds(script_.stop_delay_ms),
                                    [this, done = std::move(done)]() mutable { stop_as(stop_mode_, std::move(done)); });
      return;
    }
    stop_as(stop_mode_, std::move(done));
  }

 private:
  sdk::HostServices& host_;
  StopMode stop_mode_;
  Script script_;
  int snapshots_ = 0;
  sdk::BrokerListener* listener_ = nullptr;
};

sdk::Result<std::unique_ptr<sdk::Broker>> make(sdk::HostServices& host, const sdk::ConfigTable& table) {
  sdk::ConfigReader reader(table);
  const StopMode mode = read_stop_mode(reader);
  TestBroker::Script script;
  script.fail_connect = reader.get_bool("fail_connect", false);
  script.exit_before_snapshot = reader.get_bool("exit_before_snapshot", false);
  script.first_snapshot_position = reader.get_int("first_snapshot_position", 0, -1000, 1000);
  script.snapshot_position = reader.get_int("snapshot_position", 0, -1000, 1000);
  script.stop_delay_ms = reader.get_int("stop_delay_ms", 0, 0, 60000);
  if (auto s = reader.finish(); !s) return s;
  return std::unique_ptr<sdk::Broker>(std::make_unique<TestBroker>(host, mode, script));
}

}  // namespace
}  // namespace slob::test_plugins

SLOB_BROKER_PLUGIN("testbroker", "0.1.0-test", 0, &slob::test_plugins::make)
