// The metrics registry (core/src/observe/metrics.hpp): the exposition text, byte for byte.

#include <catch2/catch.hpp>

#include <limits>

#include "observe/metrics.hpp"

using slob::core::MetricsRegistry;
using slob::core::MetricType;

TEST_CASE("metrics: a small registry renders as the Prometheus text format 0.0.4", "[metrics]") {
  MetricsRegistry r;
  r.counter("slob_bars_total", "Bars received.").inc(20700);
  r.counter("slob_trades_total", "Trades closed.", {{"exit_reason", "take_profit"}}).inc(5);
  r.counter("slob_trades_total", "Trades closed.", {{"exit_reason", "stop_loss"}}).inc(2);
  r.gauge("slob_halted", "1 while halted.").set(0);
  r.computed("slob_lifecycle_state", "1 for the current state.", MetricType::kGauge, [](const auto& add) {
    add({{"state", "Running"}}, 1);
    add({{"state", "Connecting"}}, 0);
  });
  auto& h = r.histogram("slob_store_commit_seconds", "Commit time.", {0.001, 0.01, 0.1});
  h.observe(0.0005);
  h.observe(0.001);  // on a bound: in that bucket (le means <=)
  h.observe(0.05);
  h.observe(std::chrono::milliseconds(2000));
  r.counter("slob_empty_total", "Nothing yet.", {{"reason", "x"}});
  r.computed("slob_none", "No sample.", MetricType::kGauge, [](const auto&) {});

  CHECK(r.render() ==
        "# HELP slob_bars_total Bars received.\n"
        "# TYPE slob_bars_total counter\n"
        "slob_bars_total 20700\n"
        "# HELP slob_trades_total Trades closed.\n"
        "# TYPE slob_trades_total counter\n"
        "slob_trades_total{exit_reason=\"stop_loss\"} 2\n"
        "slob_trades_total{exit_reason=\"take_profit\"} 5\n"
        "# HELP slob_halted 1 while halted.\n"
        "# TYPE slob_halted gauge\n"
        "slob_halted 0\n"
        "# HELP slob_lifecycle_state 1 for the current state.\n"
        "# TYPE slob_lifecycle_state gauge\n"
        "slob_lifecycle_state{state=\"Connecting\"} 0\n"
        "slob_lifecycle_state{state=\"Running\"} 1\n"
        "# HELP slob_store_commit_seconds Commit time.\n"
        "# TYPE slob_store_commit_seconds histogram\n"
        "slob_store_commit_seconds_bucket{le=\"0.001\"} 2\n"
        "slob_store_commit_seconds_bucket{le=\"0.01\"} 2\n"
        "slob_store_commit_seconds_bucket{le=\"0.1\"} 3\n"
        "slob_store_commit_seconds_bucket{le=\"+Inf\"} 4\n"
        "slob_store_commit_seconds_sum 2.0515\n"
        "slob_store_commit_seconds_count 4\n"
        "# HELP slob_empty_total Nothing yet.\n"
        "# TYPE slob_empty_total counter\n"
        "slob_empty_total{reason=\"x\"} 0\n"
        "# HELP slob_none No sample.\n"
        "# TYPE slob_none gauge\n");
}

TEST_CASE("metrics: label values and help text are escaped and labels sorted and a series is "
          "never rendered twice",
          "[metrics]") {
  MetricsRegistry r;
  r.computed("slob_safe_mode_info", "Why: a \\ backslash\nand a newline.", MetricType::kGauge,
             [](const auto& add) {
               add({{"reason", "broker said \"no\"\nC:\\path"}, {"a", "1"}}, 1);
               // The same series again (labels in another order): summed, not repeated.
               add({{"a", "1"}, {"reason", "broker said \"no\"\nC:\\path"}}, 2);
             });
  CHECK(r.render() ==
        "# HELP slob_safe_mode_info Why: a \\\\ backslash\\nand a newline.\n"
        "# TYPE slob_safe_mode_info gauge\n"
        "slob_safe_mode_info{a=\"1\",reason=\"broker said \\\"no\\\"\\nC:\\\\path\"} 3\n");

  // An instrument asked for again is the same one.
  MetricsRegistry s;
  s.counter("slob_fills_total", "Fills.", {{"b", "2"}, {"a", "1"}}).inc();
  s.counter("slob_fills_total", "Fills.", {{"a", "1"}, {"b", "2"}}).inc();
  CHECK(s.render() ==
        "# HELP slob_fills_total Fills.\n"
        "# TYPE slob_fills_total counter\n"
        "slob_fills_total{a=\"1\",b=\"2\"} 2\n");
}

TEST_CASE("metrics: histogram buckets are cumulative, with +Inf equal to the count", "[metrics]") {
  MetricsRegistry r;
  auto& h = r.histogram("slob_broker_heartbeat_rtt_seconds", "RTT.", {0.01, 0.1, 1}, {{"channel", "orders"}});
  // Binary fractions: the sum is exact.
  for (double v : {0.0078125, 0.03125, 0.0625, 0.5, 0.75, 0.875, 5.0}) h.observe(v);
  CHECK(h.cumulative_counts() == std::vector<std::uint64_t>{1, 3, 6, 7});
  CHECK(h.count() == 7);
  const std::string text = r.render();
  CHECK(text.find("slob_broker_heartbeat_rtt_seconds_bucket{channel=\"orders\",le=\"0.01\"} 1\n"
                  "slob_broker_heartbeat_rtt_seconds_bucket{channel=\"orders\",le=\"0.1\"} 3\n"
                  "slob_broker_heartbeat_rtt_seconds_bucket{channel=\"orders\",le=\"1\"} 6\n"
                  "slob_broker_heartbeat_rtt_seconds_bucket{channel=\"orders\",le=\"+Inf\"} 7\n"
                  "slob_broker_heartbeat_rtt_seconds_sum{channel=\"orders\"} 7.2265625\n"
                  "slob_broker_heartbeat_rtt_seconds_count{channel=\"orders\"} 7\n") != std::string::npos);
}

TEST_CASE("metrics: values are written so they read back exactly", "[metrics]") {
  using slob::core::format_metric_value;
  CHECK(format_metric_value(0) == "0");
  CHECK(format_metric_value(57550.5) == "57550.5");
  CHECK(format_metric_value(-1234.25) == "-1234.25");
  CHECK(format_metric_value(0.005) == "0.005");
  CHECK(format_metric_value(0.0005) == "0.0005");
  CHECK(format_metric_value(0.00001) == "1e-05");
  CHECK(format_metric_value(1.7e9) == "1700000000");
  CHECK(format_metric_value(1773435540.25) == "1773435540.25");
  CHECK(format_metric_value(1e21) == "1e+21");
  CHECK(format_metric_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_metric_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_metric_value(std::numeric_limits<double>::quiet_NaN()) == "NaN");
}

TEST_CASE("metrics: a bad name, a histogram label \"le\" or one name as two types is refused at "
          "registration",
          "[metrics]") {
  MetricsRegistry r;
  CHECK_THROWS_AS(r.counter("slob-bars", "x"), std::logic_error);
  CHECK_THROWS_AS(r.counter("9lives_total", "x"), std::logic_error);
  CHECK_THROWS_AS(r.gauge("slob_x", "x", {{"bad-label", "v"}}), std::logic_error);
  CHECK_THROWS_AS(r.gauge("slob_x", "x", {{"__reserved", "v"}}), std::logic_error);
  CHECK_THROWS_AS(r.gauge("slob_x", "x", {{"a", "1"}, {"a", "2"}}), std::logic_error);
  CHECK_THROWS_AS(r.histogram("slob_h_seconds", "x", {0.1}, {{"le", "1"}}), std::logic_error);
  CHECK_THROWS_AS(r.histogram("slob_h2_seconds", "x", {0.2, 0.1}), std::logic_error);
  r.counter("slob_y_total", "y");
  CHECK_THROWS_AS(r.gauge("slob_y_total", "y"), std::logic_error);
  CHECK_THROWS_AS(r.counter("slob_y_total", "another help"), std::logic_error);
  CHECK_THROWS_AS(r.computed("slob_y_total", "y", MetricType::kCounter, [](const auto&) {}), std::logic_error);
  r.histogram("slob_h3_seconds", "h", {0.1, 1});
  CHECK_THROWS_AS(r.histogram("slob_h3_seconds", "h", {0.1, 2}), std::logic_error);
}
