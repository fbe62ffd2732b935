#pragma once

// HostServices for unit tests of plugins (link slob_core): the core's simulated clock (time
// moves only when the test says so), a logger that records every line, and a post queue drained by run_pending().
// Deterministic by construction: no threads, no real time.

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "slob/sdk/clock.hpp"
#include "slob/sdk/host_services.hpp"
#include "slob/sdk/logger.hpp"
#include "runtime/simulated_clock.hpp"

namespace slob::test {

struct LogLine {
  sdk::LogLevel level;
  std::string id;
  std::string text;
};

using ManualClock = core::SimulatedClock;

class RecordingLogger final : public sdk::Logger {
 public:
  void log(sdk::LogLevel level, std::string_view id, std::string_view text) override {
    lines.push_back({level, std::string(id), std::string(text)});
  }
  bool contains_id(std::string_view id) const {
    for (const auto& l : lines)
      if (l.id == id) return true;
    return false;
  }
  std::vector<LogLine> lines;
};

class TestHostServices final : public sdk::HostServices {
 public:
  explicit TestHostServices(std::string config_dir = ".", std::string state_dir = ".",
                            bool offer_clock_driver = true)
      : config_dir_(std::move(config_dir)),
        state_dir_(std::move(state_dir)),
        offer_clock_driver_(offer_clock_driver) {}

  sdk::Logger& logger() override { return logger_; }
  sdk::Clock& clock() override { return clock_; }
  sdk::Clock& wall_clock() override { return wall_clock_; }
  boost::asio::io_context& io_context() override { return io_; }
  void post(std::function<void()> fn) override { posted_.push_back(std::move(fn)); }
  sdk::ClockDriver* clock_driver() override { return offer_clock_driver_ ? &clock_ : nullptr; }
  const std::string& config_dir() const override { return config_dir_; }
  const std::string& state_dir() const override { return state_dir_; }
  const sdk::HostSettings& settings() const override { return settings_; }
  bool check_only() const override { return check_only_; }
  sdk::HostSettings settings_;
  bool check_only_ = false;  // `slob-host --check`
  // What read_view() answers, by view name; a name not here is kNotFound.
  std::map<std::string, std::string> views_;
  sdk::Result<std::string> read_view(std::string_view view) const override {
    auto it = views_.find(std::string(view));
    if (it == views_.end()) return sdk::Status::not_found("no view " + std::string(view));
    return it->second;
  }

  // Runs posted work until none is left (work may post more). Returns how many ran.
  std::size_t run_pending(std::size_t limit = 1'000'000) {
    std::size_t ran = 0;
    while (!posted_.empty() && ran < limit) {
      auto fn = std::move(posted_.front());
      posted_.erase(posted_.begin());
      fn();
      ++ran;
    }
    return ran;
  }

  ManualClock& manual_clock() { return clock_; }
  ManualClock& manual_wall_clock() { return wall_clock_; }
  RecordingLogger& recording_logger() { return logger_; }

 private:
  std::string config_dir_;
  std::string state_dir_;
  bool offer_clock_driver_;
  ManualClock clock_;
  ManualClock wall_clock_;
  boost::asio::io_context io_;
  RecordingLogger logger_;
  std::vector<std::function<void()>> posted_;
};

}  // namespace slob::test
