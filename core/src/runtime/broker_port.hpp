#pragma once

// The listener one broker instance talks to. It forwards to the host until it is muted: when a
// reload swaps the broker, the old instance may still deliver what it had queued (a
// disconnect's "down", a late report), and none of that may reach the host, which by then
// listens to the new broker only. Each broker instance gets its own port, and the port outlives
// its broker (the broker holds a reference to it).
//
// Threading: loop thread only.

#include "slob/sdk/broker.hpp"

namespace slob::core {

class BrokerPort final : public sdk::BrokerListener {
 public:
  explicit BrokerPort(sdk::BrokerListener& host) : host_(host) {}

  void mute() { muted_ = true; }
  bool muted() const { return muted_; }

  void on_health(const sdk::HealthEvent& event) override {
    if (!muted_) host_.on_health(event);
  }
  void on_bar(const sdk::Bar& bar) override {
    if (!muted_) host_.on_bar(bar);
  }
  void on_order(const sdk::OrderReport& report) override {
    if (!muted_) host_.on_order(report);
  }
  void on_execution(const sdk::Execution& execution) override {
    if (!muted_) host_.on_execution(execution);
  }
  void on_snapshot(const sdk::Result<sdk::BrokerSnapshot>& snapshot) override {
    if (!muted_) host_.on_snapshot(snapshot);
  }
  void on_end_of_data() override {
    if (!muted_) host_.on_end_of_data();
  }
  void on_position(const sdk::Position& position) override {
    if (!muted_) host_.on_position(position);
  }
  void on_heartbeat(sdk::Duration round_trip) override {
    if (!muted_) host_.on_heartbeat(round_trip);
  }

 private:
  sdk::BrokerListener& host_;
  bool muted_ = false;
};

}  // namespace slob::core
