#pragma once

// Config tables as SDK value types, so plugins do not depend on the host's TOML library. A plugin
// gets its own table (`[broker.config]`, `[store.config]`, `[strategy.config]`); the host reads
// its own sections (`[host]`, `[risk]`, ...) as the same types with the same reader. Every value
// keeps its source position, so every error reads `FILE:LINE:COL: message`.
//
// ConfigReader is the declared-argument schema (PowerDNS's declareArguments): the reader of a
// table reads each key it knows with its default; finish() then rejects every key nobody read, so
// a typo never silently falls back to a default.

#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
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
struct ConfigTable;
using ConfigArray = std::vector<ConfigValue>;
using ConfigTablePtr = std::shared_ptr<const ConfigTable>;
// A value the file holds but the SDK has no type for (a TOML date or time): every getter refuses it.
struct ConfigUnsupported {
  bool operator==(const ConfigUnsupported&) const = default;
};

struct ConfigValue {
  // Tables and unsupported values occur in the host's own sections only: the host refuses them in
  // a plugin's table before the plugin sees it.
  std::variant<bool, std::int64_t, double, std::string, ConfigArray, ConfigTablePtr,
               ConfigUnsupported>
      value;
  SourcePosition position;      // of the value
  SourcePosition key_position = {};  // of the key; line 0 when not recorded (errors use position)
};

struct ConfigTable {
  std::string section;        // e.g. "strategy.config", used in messages
  SourcePosition position;    // of the table header, or of the parent section when absent
  std::map<std::string, ConfigValue> values;
};

// One problem: where, and the message starting with "[section] ".
struct ConfigError {
  SourcePosition position;
  std::string message;
};

inline std::string format_error(const ConfigError& e) {
  return format_position(e.position) + ": " + e.message;
}

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

  // A string that must be one of `allowed` (listed in the message).
  std::string get_choice(const std::string& key, std::string fallback,
                         const std::vector<std::string>& allowed) {
    const ConfigValue* v = find(key);
    std::string s = get_string(key, fallback);
    if (!v || !std::holds_alternative<std::string>(v->value)) return fallback;
    for (const auto& a : allowed) {
      if (a == s) return s;
    }
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    error(*v, key + " must be one of " + list + ", got \"" + s + "\"");
    return fallback;
  }

  Duration get_duration(const std::string& key, Duration fallback) {
    return duration(key, fallback, "use units: h, m, s, ms", false);
  }

  // A duration above zero. The host's sections read theirs with this; its message keeps the
  // host's wording ("use units h, ...", which operators' checks match) where get_duration's
  // keeps the plugins' ("use units: h, ...").
  Duration get_positive_duration(const std::string& key, Duration fallback) {
    return duration(key, fallback, "use units h, m, s, ms", true);
  }

  std::vector<std::string> get_strings(const std::string& key, std::vector<std::string> fallback) {
    return find_strings(key).value_or(std::move(fallback));
  }

  // An array of strings, or nullopt when the key is absent or any element is refused (each
  // refusal recorded). `check`, when given, judges each string and its message is reported at
  // that element as "key: message"; with `non_empty` an empty string is refused as a type error.
  std::optional<std::vector<std::string>> find_strings(
      const std::string& key, const std::function<Status(const std::string&)>& check = {},
      bool non_empty = false) {
    const ConfigValue* v = find(key);
    if (!v) return std::nullopt;
    auto* a = std::get_if<ConfigArray>(&v->value);
    if (!a) {
      type_error(*v, key, "an array of strings");
      return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (const ConfigValue& e : *a) {
      auto* s = std::get_if<std::string>(&e.value);
      if (!s || (non_empty && s->empty())) {
        type_error(e, key, non_empty ? "an array of non-empty strings" : "an array of strings");
        return std::nullopt;
      }
      if (Status st = check ? check(*s) : Status::ok(); !st) {
        error(e, key + ": " + st.message());
        ok = false;
      }
      out.push_back(*s);
    }
    if (!ok) return std::nullopt;
    return out;
  }

  // A sub-table (for the host's sections), or nullptr when absent or not a table.
  const ConfigTable* get_table(const std::string& key) {
    const ConfigValue* v = find(key);
    if (!v) return nullptr;
    if (auto* t = std::get_if<ConfigTablePtr>(&v->value)) return t->get();
    type_error(*v, key, "a table");
    return nullptr;
  }

  // The raw value, marked as read, for checks the typed getters do not cover; nullptr if absent.
  const ConfigValue* get(const std::string& key) { return find(key); }

  // Whether the table holds `key` (without marking it read).
  bool has(const std::string& key) const { return table_.values.count(key) != 0; }

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
    error_at(it != table_.values.end() ? it->second.position : table_.position, message);
  }

  // Every error so far plus one per key never read (at the key when its position is known), in
  // order of discovery. The reader is done after this.
  std::vector<ConfigError> take_errors() {
    for (const auto& [key, value] : table_.values) {
      if (!read_.count(key)) {
        error_at(value.key_position.line ? value.key_position : value.position,
                 "unknown key \"" + key + "\"");
      }
    }
    return std::move(errors_);
  }

  // take_errors(), one per line.
  Status finish() {
    std::string joined;
    for (const auto& e : take_errors()) {
      if (!joined.empty()) joined += '\n';
      joined += format_error(e);
    }
    return joined.empty() ? Status::ok() : Status::invalid_argument(joined);
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
  void error(const ConfigValue& v, const std::string& message) { error_at(v.position, message); }
  void error_at(const SourcePosition& p, const std::string& message) {
    errors_.push_back({p, "[" + table_.section + "] " + message});
  }
  Duration duration(const std::string& key, Duration fallback, const char* units, bool positive) {
    const ConfigValue* v = find(key);
    if (!v) return fallback;
    auto* s = std::get_if<std::string>(&v->value);
    if (!s) {
      type_error(*v, key, "a duration string such as \"30s\"");
      return fallback;
    }
    auto d = parse_duration(*s);
    if (!d) {
      error(*v, key + ": bad duration \"" + *s + "\" (" + units + ", e.g. \"30s\")");
      return fallback;
    }
    if (positive && d->count() <= 0) {
      error(*v, key + " must be greater than zero");
      return fallback;
    }
    return *d;
  }
  // Shortest readable form: 0.01, 1.5, 1e+12 (a stream's default, six significant digits).
  static std::string trim_number(double d) {
    std::ostringstream s;
    s << d;
    return s.str();
  }

  const ConfigTable& table_;
  std::set<std::string> read_;
  std::vector<ConfigError> errors_;
};

}  // namespace slob::sdk
