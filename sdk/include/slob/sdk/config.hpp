#pragma once

// A plugin's own config table (`[broker.config]`, `[store.config]`, `[strategy.config]`), handed
// over as SDK value types so plugins do not depend on the host's TOML library. Every value keeps
// its source position, so a plugin reports errors as `FILE:LINE:COL: message` like the host.
//
// ConfigReader is the declared-argument schema (PowerDNS's declareArguments): a plugin reads each
// key it knows with its default; finish() then rejects every key nobody read, so a typo never
// silently falls back to a default.

#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "slob/sdk/status.hpp"
#include "slob/sdk/time.hpp"

namespace slob::sdk {

struct SourcePosition {
  std::string file;
  int line = 0;
  int column = 0;
};

inline std::string format_position(const SourcePosition& p) {
  return p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

struct ConfigValue;
using ConfigArray = std::vector<ConfigValue>;

struct ConfigValue {
  // Nested tables are not part of a plugin config; the host rejects them.
  std::variant<bool, std::int64_t, double, std::string, ConfigArray> value;
  SourcePosition position;
};

struct ConfigTable {
  std::string section;        // e.g. "strategy.config", used in messages
  SourcePosition position;    // of the table header, or of the parent section when absent
  std::map<std::string, ConfigValue> values;
};

class ConfigReader {
 public:
  explicit ConfigReader(const ConfigTable& table) : table_(table) {}

  std::string get_string(const std::string& key, std::string fallback) {
    const ConfigValue* v = find(key);
    if (!v) return fallback;
    if (auto* s = std::get_if<std::string>(&v->value)) return *s;
    type_error(*v, key, "a string");
    return fallback;
  }

  bool get_bool(const std::string& key, bool fallback) {
    const ConfigValue* v = find(key);
    if (!v) return fallback;
    if (auto* b = std::get_if<bool>(&v->value)) return *b;
    type_error(*v, key, "a boolean");
    return fallback;
  }

  std::int64_t get_int(const std::string& key, std::int64_t fallback, std::int64_t min,
                       std::int64_t max) {
    const ConfigValue* v = find(key);
    if (!v) return fallback;
    auto* i = std::get_if<std::int64_t>(&v->value);
    if (!i) {
      type_error(*v, key, "an integer");
      return fallback;
    }
    if (*i < min || *i > max) {
      error(*v, key + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                    ", got " + std::to_string(*i));
      return fallback;
    }
    return *i;
  }

  // Integers are accepted where a number is expected ("risk = 1" means 1.0).
  double get_double(const std::string& key, double fallback, double min, double max) {
    const ConfigValue* v = find(key);
    if (!v) return fallback;
    double d;
    if (auto* f = std::get_if<double>(&v->value)) d = *f;
    else if (auto* i = std::get_if<std::int64_t>(&v->value)) d = static_cast<double>(*i);
    else {
      type_error(*v, key, "a number");
      return fallback;
    }
    if (!std::isfinite(d) || d < min || d > max) {
      error(*v, key + " must be between " + trim_number(min) + " and " + trim_number(max) +
                    ", got " + trim_number(d));
      return fallback;
    }
    return d;
  }

  Duration get_duration(const std::string& key, Duration fallback) {
    const ConfigValue* v = find(key);
    if (!v) return fallback;
    auto* s = std::get_if<std::string>(&v->value);
    if (!s) {
      type_error(*v, key, "a duration string such as \"30s\"");
      return fallback;
    }
    auto d = parse_duration(*s);
    if (!d) {
      error(*v, key + ": bad duration \"" + *s + "\" (use units: h, m, s, ms, e.g. \"30s\")");
      return fallback;
    }
    return *d;
  }

  std::vector<std::string> get_strings(const std::string& key, std::vector<std::string> fallback) {
    const ConfigValue* v = find(key);
    if (!v) return fallback;
    auto* a = std::get_if<ConfigArray>(&v->value);
    if (!a) {
      type_error(*v, key, "an array of strings");
      return fallback;
    }
    std::vector<std::string> out;
    for (const ConfigValue& e : *a) {
      auto* s = std::get_if<std::string>(&e.value);
      if (!s) {
        type_error(e, key, "an array of strings");
        return fallback;
      }
      out.push_back(*s);
    }
    return out;
  }

  // A fact the host's config owns (HostSettings): refused here whatever its value, naming the
  // owner, so the two places can never disagree.
  void refuse_host_key(const std::string& key, const std::string& owner) {
    if (const ConfigValue* v = find(key)) {
      error(*v, key + " is set in " + owner + " only (one place for each setting); remove it here");
    }
  }

  // For checks across keys: records an error at the key's position (or the table's when absent).
  void add_error(const std::string& key, const std::string& message) {
    const auto it = table_.values.find(key);
    const SourcePosition& p = it != table_.values.end() ? it->second.position : table_.position;
    errors_.push_back(format_position(p) + ": [" + table_.section + "] " + message);
  }

  // Every error so far plus one per key never read, one per line, in file order of discovery.
  Status finish() {
    for (const auto& [key, value] : table_.values) {
      if (!read_.count(key)) {
        errors_.push_back(format_position(value.position) + ": [" + table_.section +
                          "] unknown key \"" + key + "\"");
      }
    }
    if (errors_.empty()) return Status::ok();
    std::string joined;
    for (const auto& e : errors_) {
      if (!joined.empty()) joined += '\n';
      joined += e;
    }
    return Status::invalid_argument(joined);
  }

 private:
  const ConfigValue* find(const std::string& key) {
    read_.insert(key);
    auto it = table_.values.find(key);
    return it == table_.values.end() ? nullptr : &it->second;
  }
  void type_error(const ConfigValue& v, const std::string& key, const char* expected) {
    error(v, key + " must be " + expected);
  }
  void error(const ConfigValue& v, const std::string& message) {
    errors_.push_back(format_position(v.position) + ": [" + table_.section + "] " + message);
  }
  static std::string trim_number(double d) {
    std::string s = std::to_string(d);
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }

  const ConfigTable& table_;
  std::set<std::string> read_;
  std::vector<std::string> errors_;
};

}  // namespace slob::sdk
