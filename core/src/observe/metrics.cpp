#include "observe/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace slob::core {
namespace {

bool valid_name(const std::string& name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                        (allow_colon && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

const char* type_name(MetricType t) {
  switch (t) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
  }
  return "untyped";
}

// `a="x",b="y"`, sorted by label name; the key of a series in its family.
std::string label_key(const std::string& metric, MetricLabels labels, bool histogram) {
  std::sort(labels.begin(), labels.end());
  std::string out;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::string& name = labels[i].first;
    if (!valid_name(name, false) || name.rfind("__", 0) == 0)
      throw std::logic_error(metric + ": invalid label name \"" + name + "\"");
    if (histogram && name == "le") throw std::logic_error(metric + ": a histogram label may not be \"le\"");
    if (i > 0 && labels[i - 1].first == name)
      throw std::logic_error(metric + ": label \"" + name + "\" given twice");
    out += (out.empty() ? "" : ",") + name + "=\"" + escape_label_value(labels[i].second) + "\"";
  }
  return out;
}

void sample(std::string& out, const std::string& name, const std::string& labels, double value) {
  out += name;
  if (!labels.empty()) out += "{" + labels + "}";
  out += " " + format_metric_value(value) + "\n";
}

}  // namespace

std::string escape_label_value(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string escape_help(const std::string& help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string format_metric_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Whole numbers (counts, times in seconds) in full, not as 1.7e+09.
  if (value == std::trunc(value) && std::fabs(value) < 1e15)
    return std::to_string(static_cast<std::int64_t>(value));
  // Otherwise the shortest round-trip text, fixed unless %g style is shorter.
  char fixed[400], general[32];
  const auto f = std::to_chars(fixed, fixed + sizeof fixed, value, std::chars_format::fixed);
  const auto g = std::to_chars(general, general + sizeof general, value, std::chars_format::general);
  if (f.ec == std::errc() && f.ptr - fixed <= g.ptr - general) return std::string(fixed, f.ptr);
  return std::string(general, g.ptr);
}

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1]))
      throw std::logic_error("histogram bounds must be finite and strictly increasing");
  }
  counts_.assign(bounds_.size() + 1, 0);
}

void Histogram::observe(double value) {
  const auto at = std::lower_bound(bounds_.begin(), bounds_.end(), value);  // first bound >= value
  ++counts_[static_cast<std::size_t>(at - bounds_.begin())];
  ++count_;
  sum_ += value;
}

std::vector<std::uint64_t> Histogram::cumulative_counts() const {
  std::vector<std::uint64_t> out(counts_.size());
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) out[i] = running += counts_[i];
  return out;
}

MetricsRegistry::Family& MetricsRegistry::family(const std::string& name, const std::string& help,
                                                 MetricType type) {
  if (!valid_name(name, true)) throw std::logic_error("invalid metric name \"" + name + "\"");
  for (auto& f : families_) {
    if (f->name != name) continue;
    if (f->type != type || f->help != help || f->collect)
      throw std::logic_error(name + ": registered twice, differently");
    return *f;
  }
  families_.push_back(std::make_unique<Family>(Family{name, help, type, {}, {}, {}, nullptr}));
  return *families_.back();
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                  const MetricLabels& labels) {
  return family(name, help, MetricType::kCounter).counters[label_key(name, labels, false)];
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help, const MetricLabels& labels) {
  return family(name, help, MetricType::kGauge).gauges[label_key(name, labels, false)];
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                      const std::vector<double>& upper_bounds,
                                      const MetricLabels& labels) {
  Family& f = family(name, help, MetricType::kHistogram);
  const std::string key = label_key(name, labels, true);
  auto it = f.histograms.find(key);
  if (it == f.histograms.end()) it = f.histograms.emplace(key, Histogram(upper_bounds)).first;
  else if (it->second.upper_bounds() != upper_bounds)
    throw std::logic_error(name + ": registered twice with other buckets");
  return it->second;
}

void MetricsRegistry::computed(const std::string& name, const std::string& help, MetricType type,
                               Collect collect) {
  if (type == MetricType::kHistogram) throw std::logic_error(name + ": a computed family is a counter or a gauge");
  if (!valid_name(name, true)) throw std::logic_error("invalid metric name \"" + name + "\"");
  for (const auto& f : families_)
    if (f->name == name) throw std::logic_error(name + ": registered twice");
  families_.push_back(std::make_unique<Family>(Family{name, help, type, {}, {}, {}, std::move(collect)}));
}

std::string MetricsRegistry::render() const {
  std::string out;
  for (const auto& f : families_) {
    out += "# HELP " + f->name + " " + escape_help(f->help) + "\n";
    out += "# TYPE " + f->name + " " + type_name(f->type) + "\n";
    if (f->collect) {
      std::map<std::string, double> samples;
      f->collect([&](const MetricLabels& labels, double value) {
        samples[label_key(f->name, labels, false)] += value;
      });
      for (const auto& [labels, value] : samples) sample(out, f->name, labels, value);
      continue;
    }
    for (const auto& [labels, c] : f->counters) sample(out, f->name, labels, c.value());
    for (const auto& [labels, g] : f->gauges) sample(out, f->name, labels, g.value());
    for (const auto& [labels, h] : f->histograms) {
      const std::string prefix = labels.empty() ? "" : labels + ",";
      const std::vector<std::uint64_t> cumulative = h.cumulative_counts();
      for (std::size_t i = 0; i < h.upper_bounds().size(); ++i) {
        sample(out, f->name + "_bucket", prefix + "le=\"" + format_metric_value(h.upper_bounds()[i]) + "\"",
               static_cast<double>(cumulative[i]));
      }
      sample(out, f->name + "_bucket", prefix + "le=\"+Inf\"", static_cast<double>(h.count()));
      sample(out, f->name + "_sum", labels, h.sum());
      sample(out, f->name + "_count", labels, static_cast<double>(h.count()));
    }
  }
  return out;
}

}  // namespace slob::core
