#pragma once

// The host's metrics: a small registry of counters, gauges and histograms, rendered in the
// Prometheus text exposition format 0.0.4 (what `slob-ctl metrics` prints and the http
// observer serves at /metrics; every metric is listed in docs/metrics.md).
//
// Two kinds of series:
// - instruments the registry owns and the host updates as things happen (counter(), gauge(),
//   histogram() return a reference that stays valid for the registry's life);
// - computed families (computed()): a callback run at each scrape adds the samples, from state
//   the host keeps anyway (the lifecycle, the engine's counts, today's risk figures). Samples it
//   adds twice with the same labels are summed, so a callback may count records one by one.
//
// The rendering has one # HELP and one # TYPE line per family, families in registration order,
// series sorted by their labels, never one series twice; label values and help text escaped
// (backslash, double quote in values, newline); histograms as cumulative _bucket{le=...} series
// ending with le="+Inf", then _sum and _count. A family with no series yet still gets its HELP and
// TYPE lines (a scraper sees the name exists).
//
// Names are the program's constants: an invalid metric or label name, a histogram label named
// "le", or one name registered as two types (or with another help text) is a programming error
// and throws std::logic_error at registration, never at scrape.
//
// Threading: none inside. The host owns the registry and uses it on its io thread only (updates
// and render() alike; another thread reads it by posting to that thread).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>


namespace slob::core {

// Label name → value. The order given does not matter: a series is identified by its sorted set.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(double by = 1) { value_ += by; }
  double value() const { return value_; }

 private:
  double value_ = 0;
};

class Gauge {
 public:
  void set(double value) { value_ = value; }
  double value() const { return value_; }

 private:
  double value_ = 0;
};

class Histogram {
 public:
  // `upper_bounds`: strictly increasing and finite (+Inf is implied); std::logic_error otherwise.
  explicit Histogram(std::vector<double> upper_bounds);

  void observe(double value);
  void observe(std::chrono::duration<double> d) { observe(d.count()); }  // any duration, in seconds

  const std::vector<double>& upper_bounds() const { return bounds_; }
  // How many observations were <= each bound, then the total (the "+Inf" bucket).
  std::vector<std::uint64_t> cumulative_counts() const;
  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // per bound, not cumulative; the last one is above them all
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

enum class MetricType { kCounter, kGauge, kHistogram };

class MetricsRegistry {
 public:
  // Adds `value` to the sample with `labels` (summed with earlier ones of the same labels).
  using Sink = std::function<void(const MetricLabels& labels, double value)>;
  using Collect = std::function<void(const Sink& add)>;

  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The series `name{labels}`, created at 0 on first use; the same call again returns it.
  Counter& counter(const std::string& name, const std::string& help, const MetricLabels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const MetricLabels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help,
                       const std::vector<double>& upper_bounds, const MetricLabels& labels = {});

  // A counter or gauge family whose samples `collect` adds at each render(). A counter's
  // samples must still only grow while the process runs (Prometheus reads a drop as a restart).
  void computed(const std::string& name, const std::string& help, MetricType type, Collect collect);

  // The exposition text (format 0.0.4), ending with a newline.
  std::string render() const;

 private:
  struct Family {
    std::string name;
    std::string help;
    MetricType type;
    // Keyed by the rendered label set (`a="x",b="y"`, sorted by name): sorted, never twice.
    std::map<std::string, Counter> counters;
    std::map<std::string, Gauge> gauges;
    std::map<std::string, Histogram> histograms;
    Collect collect;  // set for computed families
  };

  Family& family(const std::string& name, const std::string& help, MetricType type);

  std::vector<std::unique_ptr<Family>> families_;  // in registration order
};

// Escaping of the exposition format: a label value (\\, \", \n) and a HELP text (\\, \n).
std::string escape_label_value(const std::string& value);
std::string escape_help(const std::string& help);
// A sample value or bucket bound: whole numbers below 1e15 in full ("20700", "1773435540"),
// others in the shortest text that reads back as the same double, fixed unless %g style is
// shorter ("0.0005", "1773435540.25", "1e-05"), and
// "+Inf", "-Inf", "NaN".
std::string format_metric_value(double value);

}  // namespace slob::core
