// "breakout": the SDK's example strategy plugin, built out of tree against the installed SDK
// (find_package(SlobSdk)) and loaded by the installed daemon (README.md).
//
// A channel breakout on 1-minute candles: once `lookback` candles are known, a close above
// their highest high is a LONG setup (stop at their lowest low), a close below their lowest
// low a SHORT one (stop at their highest high); the target is `reward_risk` times the risk away
// from the entry, on the tick. Every setup is complete the moment it is found, so it is reported
// finished together with its bracket intent, and the channel starts over.
//
// It shows the whole plugin contract: a declared config schema with FILE:LINE:COL errors, log
// lines with stable ids through the host's logger, setups and intents as output, and state
// export/import so a restarted daemon continues with the same channel. Loop thread only.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "slob/sdk/config.hpp"
#include "slob/sdk/host_services.hpp"
#include "slob/sdk/plugin.hpp"
#include "slob/sdk/strategy.hpp"

namespace slob::example {
namespace {

struct BreakoutConfig {
  std::int64_t lookback = 20;
  double reward_risk = 2.0;
  double tick_size = 0.25;
};

// Shortest text that parses back to the same double.
std::string number_text(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// "2026-01-06T15:25:00Z" -> "202601061525": setup ids end up in client references
// (`slob:<setup>:<leg>`), so they carry no ':'.
std::string minute_digits(sdk::Time t) {
  std::string digits;
  for (char c : sdk::format_rfc3339(t))
    if (c >= '0' && c <= '9') digits += c;
  return digits.substr(0, 12);
}

class BreakoutStrategy final : public sdk::Strategy {
 public:
  BreakoutStrategy(const BreakoutConfig& config, sdk::Logger& log) : config_(config), log_(log) {}

  sdk::Result<sdk::StrategyOutput> on_candle(const sdk::Candle& c) override {
    sdk::StrategyOutput out;
    if (window_.size() == static_cast<std::size_t>(config_.lookback)) {
      double high = window_.front().high;
      double low = window_.front().low;
      for (const Range& r : window_) {
        high = std::max(high, r.high);
        low = std::min(low, r.low);
      }
      if (c.close > high) breakout(c, sdk::Direction::kLong, high, low, out);
      else if (c.close < low) breakout(c, sdk::Direction::kShort, high, low, out);
    }
    if (!out.empty()) {
      window_.clear();  // the channel starts over after a breakout
    } else {
      window_.push_back({c.high, c.low});
      if (window_.size() > static_cast<std::size_t>(config_.lookback)) window_.pop_front();
    }
    return out;
  }

  // A minute without data changes no channel.
  sdk::Result<sdk::StrategyOutput> on_hole(sdk::Time) override { return sdk::StrategyOutput{}; }

  // "breakout-v1 N high low high low ...", oldest first.
  sdk::Result<std::string> export_state() const override {
    std::string s = "breakout-v1 " + std::to_string(window_.size());
    for (const Range& r : window_) s += " " + number_text(r.high) + " " + number_text(r.low);
    return s;
  }

  sdk::Status import_state(std::string_view state) override {
    constexpr std::string_view kTag = "breakout-v1 ";
    if (state.substr(0, kTag.size()) != kTag) return bad_state("unknown format");
    state.remove_prefix(kTag.size());
    std::size_t n = 0;
    if (!read(state, n) || n > static_cast<std::size_t>(config_.lookback))
      return bad_state("bad candle count");
    std::deque<Range> window;
    for (std::size_t i = 0; i < n; ++i) {
      Range r;
      if (!read(state, r.high) || !read(state, r.low) || r.low > r.high)
        return bad_state("bad range " + std::to_string(i));
      window.push_back(r);
    }
    if (!state.empty()) return bad_state("trailing data");
    window_ = std::move(window);
    return sdk::Status::ok();
  }

 private:
  struct Range {
    double high = 0;
    double low = 0;
  };

  void breakout(const sdk::Candle& c, sdk::Direction direction, double high, double low,
                sdk::StrategyOutput& out) {
    const bool is_long = direction == sdk::Direction::kLong;
    const double entry = c.close;
    const double stop = is_long ? low : high;
    const double reach = config_.reward_risk * std::abs(entry - stop);
    const double target = on_tick(is_long ? entry + reach : entry - reach);
    const std::string id = "brk-" + minute_digits(c.start) + (is_long ? "-L" : "-S");

    sdk::SetupUpdate update;
    update.record.id = id;
    update.record.direction = direction;
    update.record.state = "SETUP_COMPLETE";
    update.record.live = false;
    update.record.updated = c.start;
    update.record.report = "{\"channel_high\":" + number_text(high) +
                           ",\"channel_low\":" + number_text(low) + ",\"entry\":" +
                           number_text(entry) + ",\"stop\":" + number_text(stop) +
                           ",\"target\":" + number_text(target) + "}";
    update.outcome = sdk::SetupOutcome::kComplete;
    out.updates.push_back(std::move(update));
    out.intents.push_back({id, direction, entry, stop, target, c.start});
    log_.info("SLOB_BREAKOUT_SETUP", id + " " + sdk::direction_name(direction) + " entry " +
                                         number_text(entry) + " stop " + number_text(stop) +
                                         " target " + number_text(target));
  }

  double on_tick(double price) const {
    return std::round(price / config_.tick_size) * config_.tick_size;
  }

  // Reads one space-separated number from the front of `s`.
  template <typename T>
  static bool read(std::string_view& s, T& out) {
    if (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    if (r.ec != std::errc()) return false;
    s.remove_prefix(static_cast<std::size_t>(r.ptr - s.data()));
    return true;
  }

  static sdk::Status bad_state(const std::string& why) {
    return sdk::Status::corruption("breakout: stored state refused: " + why);
  }

  BreakoutConfig config_;
  sdk::Logger& log_;
  std::deque<Range> window_;  // the last `lookback` candles since the last breakout
};

sdk::Result<std::unique_ptr<sdk::Strategy>> make_breakout(sdk::HostServices& host,
                                                          const sdk::ConfigTable& table) {
  sdk::ConfigReader reader(table);
  BreakoutConfig config;
  config.lookback = reader.get_int("lookback", config.lookback, 2, 10000);
  config.reward_risk = reader.get_double("reward_risk", config.reward_risk, 0.1, 100.0);
  config.tick_size = reader.get_double("tick_size", config.tick_size, 0.0001, 1000.0);
  if (auto s = reader.finish(); !s) return s;
  host.logger().info("SLOB_BREAKOUT_CREATED", "lookback " + std::to_string(config.lookback) +
                                                  ", reward/risk " +
                                                  number_text(config.reward_risk));
  return std::unique_ptr<sdk::Strategy>(std::make_unique<BreakoutStrategy>(config, host.logger()));
}

}  // namespace
}  // namespace slob::example

SLOB_STRATEGY_PLUGIN("breakout", "0.1.0", 0, &slob::example::make_breakout)
