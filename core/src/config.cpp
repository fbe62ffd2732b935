#include "config.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <sstream>

#include <date/tz.h>
#include <toml++/toml.h>

#include "host_paths.hpp"
#include "maintenance_schedule.hpp"
#include "plugin_name.hpp"

namespace slob::core {
namespace {

namespace fs = std::filesystem;

// Collects every problem of one file; each message carries its position.
class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}

  sdk::SourcePosition position(const toml::node& node) const {
    const auto& src = node.source();
    return {file_, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)};
  }
  void at(const toml::node& node, const std::string& message) {
    add(position(node), message);
  }
  void add(const sdk::SourcePosition& p, const std::string& message) {
    lines_.push_back({p.line, p.column, sdk::format_position(p) + ": " + message});
  }
  const std::string& file() const { return file_; }
  bool empty() const { return lines_.empty(); }
  // In file order, so the operator can fix them top to bottom.
  std::string joined() const {
    std::vector<Line> sorted = lines_;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Line& a, const Line& b) {
      return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    std::string out;
    for (const auto& l : sorted) {
      if (!out.empty()) out += '\n';
      out += l.text;
    }
    return out;
  }

 private:
  struct Line {
    int line;
    int column;
    std::string text;
  };
  std::string file_;
  std::vector<Line> lines_;
};

// Reads the keys of one table it was told about; reports the rest as unknown.
class SectionReader {
 public:
  SectionReader(const toml::table& table, std::string section, Problems& problems)
      : table_(table), section_(std::move(section)), problems_(problems) {}

  ~SectionReader() {
    for (const auto& [key, node] : table_) {
      if (!known_.count(std::string(key.str()))) {
        // Point at the key itself, where the typo is.
        const auto& src = key.source();
        const sdk::SourcePosition p =
            src.begin.line ? sdk::SourcePosition{problems_.file(), static_cast<int>(src.begin.line),
                                                 static_cast<int>(src.begin.column)}
                           : problems_.position(node);
        problems_.add(p, "[" + section_ + "] unknown key \"" + std::string(key.str()) + "\"");
      }
    }
  }

  const toml::node* get(const std::string& key) {
    known_.insert(key);
    return table_.get(key);
  }

  void string(const std::string& key, std::string& out) {
    if (const toml::node* n = get(key)) {
      if (auto v = n->value<std::string>(); v && n->is_string()) out = *v;
      else type_error(*n, key, "a string");
    }
  }

  // A string that must be one of `allowed` (listed in the message).
  void choice(const std::string& key, std::string& out, const std::vector<std::string>& allowed) {
    const toml::node* n = table_.get(key);
    std::string s = out;
    string(key, s);
    if (!n || !n->is_string()) return;
    if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      problems_.at(*n, "[" + section_ + "] " + key + " must be one of " + list + ", got \"" + s +
                           "\"");
      return;
    }
    out = s;
  }

  void path(const std::string& key, fs::path& out, const fs::path& base) {
    std::string s;
    const toml::node* n = table_.get(key);
    string(key, s);
    if (n && n->is_string()) {
      if (s.empty()) problems_.at(*n, "[" + section_ + "] " + key + " must not be empty");
      else out = resolve(s, base);
    }
  }

  // A non-empty array of non-empty strings, each resolved against `base`.
  void paths(const std::string& key, std::vector<fs::path>& out, const fs::path& base) {
    std::vector<std::string> names;
    if (!strings(key, names, nullptr, /*non_empty=*/true)) return;
    if (names.empty()) {
      problems_.at(*get(key), "[" + section_ + "] " + key + " must name at least one directory");
      return;
    }
    out.clear();
    for (const auto& name : names) out.push_back(resolve(name, base));
  }

  // An array of strings, each checked by `check` when given (its error message is reported at
  // the element); with `non_empty` an empty string is a type error. Returns true when the key is
  // present and every element passed, and only then sets `out`.
  bool strings(const std::string& key, std::vector<std::string>& out,
               const std::function<sdk::Status(const std::string&)>& check, bool non_empty = false) {
    const toml::node* n = get(key);
    if (!n) return false;
    const char* expected = non_empty ? "an array of non-empty strings" : "an array of strings";
    const toml::array* arr = n->as_array();
    if (!arr) {
      type_error(*n, key, "an array of strings");
      return false;
    }
    std::vector<std::string> result;
    bool ok = true;
    for (const toml::node& e : *arr) {
      if (!e.is_string() || (non_empty && e.value<std::string>()->empty())) {
        type_error(e, key, expected);
        return false;
      }
      const std::string v = *e.value<std::string>();
      if (auto s = check ? check(v) : sdk::Status::ok(); !s) {
        problems_.at(e, "[" + section_ + "] " + key + ": " + s.message());
        ok = false;
      }
      result.push_back(v);
    }
    if (ok) out = std::move(result);
    return ok;
  }

  // A time zone name the tz database knows.
  void timezone(const std::string& key, std::string& out) {
    const toml::node* n = table_.get(key);
    std::string s = out;
    string(key, s);
    if (!n || !n->is_string()) return;
    try {
      date::locate_zone(s);
    } catch (const std::exception&) {
      problems_.at(*n, "[" + section_ + "] " + key + ": unknown time zone \"" + s +
                           "\" (use a tz database name such as \"America/New_York\")");
      return;
    }
    out = s;
  }

  void duration(const std::string& key, sdk::Duration& out) {
    const toml::node* n = get(key);
    if (!n) return;
    if (!n->is_string()) {
      type_error(*n, key, "a duration string such as \"30s\"");
      return;
    }
    const std::string s = *n->value<std::string>();
    auto d = sdk::parse_duration(s);
    if (!d) {
      problems_.at(*n, "[" + section_ + "] " + key + ": bad duration \"" + s +
                           "\" (use units h, m, s, ms, e.g. \"30s\")");
      return;
    }
    if (d->count() == 0) {
      problems_.at(*n, "[" + section_ + "] " + key + " must be greater than zero");
      return;
    }
    out = *d;
  }

  void integer(const std::string& key, std::int64_t& out, std::int64_t min, std::int64_t max) {
    const toml::node* n = get(key);
    if (!n) return;
    if (!n->is_integer()) {
      type_error(*n, key, "an integer");
      return;
    }
    const std::int64_t v = *n->value<std::int64_t>();
    if (v < min || v > max) {
      problems_.at(*n, "[" + section_ + "] " + key + " must be between " + std::to_string(min) +
                           " and " + std::to_string(max) + ", got " + std::to_string(v));
      return;
    }
    out = v;
  }

  void number(const std::string& key, double& out, double min, double max) {
    const toml::node* n = get(key);
    if (!n) return;
    if (!n->is_number()) {
      type_error(*n, key, "a number");
      return;
    }
    const double v = *n->value<double>();
    if (!(v >= min && v <= max)) {
      std::ostringstream m;
      m << "[" << section_ << "] " << key << " must be between " << min << " and " << max
        << ", got " << v;
      problems_.at(*n, m.str());
      return;
    }
    out = v;
  }

  void type_error(const toml::node& n, const std::string& key, const char* expected) {
    problems_.at(n, "[" + section_ + "] " + key + " must be " + expected);
  }

 private:
  static fs::path resolve(const std::string& s, const fs::path& base) {
    fs::path p(s);
    return p.is_absolute() ? p.lexically_normal() : (base / p).lexically_normal();
  }

  const toml::table& table_;
  std::string section_;
  Problems& problems_;
  std::set<std::string> known_;
};

const toml::table* section(const toml::table& root, const std::string& name, Problems& problems) {
  const toml::node* n = root.get(name);
  if (!n) return nullptr;
  if (!n->is_table()) {
    problems.at(*n, "[" + name + "] must be a table");
    return nullptr;
  }
  return n->as_table();
}

std::optional<sdk::ConfigValue> to_config_value(const toml::node& node, Problems& problems,
                                                const std::string& where) {
  sdk::ConfigValue v;
  v.position = problems.position(node);
  if (node.is_boolean()) v.value = *node.value<bool>();
  else if (node.is_integer()) v.value = *node.value<std::int64_t>();
  else if (node.is_floating_point()) v.value = *node.value<double>();
  else if (node.is_string()) v.value = *node.value<std::string>();
  else if (const toml::array* arr = node.as_array()) {
    sdk::ConfigArray items;
    for (const toml::node& e : *arr) {
      auto item = to_config_value(e, problems, where);
      if (!item) return std::nullopt;
      items.push_back(std::move(*item));
    }
    v.value = std::move(items);
  } else {
    problems.at(node, "[" + where + "] nested tables and dates are not supported in a plugin "
                                    "config");
    return std::nullopt;
  }
  return v;
}

void read_slot(const toml::table& root, const std::string& name, PluginSlot& slot,
               Problems& problems) {
  const toml::table* t = section(root, name, problems);
  if (!t) {
    problems.add({problems.file(), 1, 1}, "[" + name + "] section is missing (it names the " +
                                              name + " plugin)");
    return;
  }
  SectionReader reader(*t, name, problems);
  const toml::node* plugin = reader.get("plugin");
  if (!plugin) {
    problems.at(*t, "[" + name + "] plugin is missing");
  } else if (!plugin->is_string() || plugin->value<std::string>()->empty()) {
    reader.type_error(*plugin, "plugin", "a non-empty string");
  } else if (!is_valid_plugin_name(*plugin->value<std::string>())) {
    problems.at(*plugin, "[" + name + "] plugin name \"" + *plugin->value<std::string>() +
                             "\" is invalid (" + kPluginNameRule + ")");
  } else {
    slot.plugin = *plugin->value<std::string>();
    slot.position = problems.position(*plugin);
  }
  slot.config.section = name + ".config";
  slot.config.position = problems.position(*t);
  if (const toml::node* cfg = reader.get("config")) {
    const toml::table* ct = cfg->as_table();
    if (!ct) {
      reader.type_error(*cfg, "config", "a table");
      return;
    }
    slot.config.position = problems.position(*ct);
    for (const auto& [key, node] : *ct) {
      if (auto v = to_config_value(node, problems, slot.config.section))
        slot.config.values.emplace(std::string(key.str()), std::move(*v));
    }
  }
}

// The host's own paths, checked against the disk before anything is created: a socket path the
// kernel cannot bind, a file where the socket or the state directory should be. Reported at the
// key, or at [host] (or the file's start) when the default is the problem.
void check_host_paths(const toml::table& root, const HostSection& host, Problems& problems) {
  const toml::node* table = root.get("host");
  auto where = [&](const char* key) -> sdk::SourcePosition {
    const toml::table* t = table ? table->as_table() : nullptr;
    if (const toml::node* n = t ? t->get(key) : nullptr) return problems.position(*n);
    if (table) return problems.position(*table);
    return {problems.file(), 1, 1};
  };
  if (auto p = directory_problem(host.state_dir))
    problems.add(where("state_dir"), "[host] state_dir: " + *p);
  if (auto p = socket_address_problem(host.control_socket))
    problems.add(where("control_socket"), "[host] control_socket: " + *p);
  else if (auto f = socket_file_problem(host.control_socket))
    problems.add(where("control_socket"), "[host] control_socket: " + *f);
}

std::optional<ShutdownPolicy> parse_policy(const std::string& s) {
  if (s == "leave") return ShutdownPolicy::kLeave;
  if (s == "cancel_entries") return ShutdownPolicy::kCancelEntries;
  if (s == "flatten") return ShutdownPolicy::kFlatten;
  return std::nullopt;
}

}  // namespace

const char* shutdown_policy_name(ShutdownPolicy p) {
  switch (p) {
    case ShutdownPolicy::kLeave: return "leave";
    case ShutdownPolicy::kCancelEntries: return "cancel_entries";
    case ShutdownPolicy::kFlatten: return "flatten";
  }
  return "?";
}

sdk::Result<HostConfig> load_config(const fs::path& path, const fs::path& default_plugin_dir) {
  HostConfig config;
  config.file = path;
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  config.directory = absolute.parent_path();
  config.host.plugin_dirs = {default_plugin_dir};

  const std::string name = path.string();
  if (!fs::is_regular_file(path, ec)) {
    return sdk::Status::invalid_argument(name + ": cannot read config: " +
                                         (fs::exists(path, ec) ? "not a regular file"
                                                               : "no such file"));
  }
  toml::table root;
  try {
    root = toml::parse_file(name);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    return sdk::Status::invalid_argument(name + ":" + std::to_string(src.begin.line) + ":" +
                                         std::to_string(src.begin.column) + ": " +
                                         std::string(e.description()));
  }

  Problems problems(name);
  const fs::path& base = config.directory;
  {
    SectionReader top(root, "top level", problems);
    for (const char* s : {"host", "connection", "maintenance", "risk", "broker", "store", "strategy"}) top.get(s);
  }
  if (const toml::table* t = section(root, "host", problems)) {
    SectionReader r(*t, "host", problems);
    r.path("state_dir", config.host.state_dir, base);
    r.paths("plugin_dirs", config.host.plugin_dirs, base);
    r.path("control_socket", config.host.control_socket, base);
    r.duration("shutdown_timeout", config.host.shutdown_timeout);
    r.duration("shutdown_step_timeout", config.host.shutdown_step_timeout);
    r.duration("reload_wait", config.host.reload_wait);
    std::string policy = shutdown_policy_name(config.host.on_shutdown);
    r.choice("on_shutdown", policy, {"leave", "cancel_entries", "flatten"});
    config.host.on_shutdown = *parse_policy(policy);
    r.choice("log_level", config.host.log_level,
             {"trace", "debug", "info", "warn", "error", "critical"});
    if (t->get("log_file")) {
      fs::path f;
      r.path("log_file", f, base);
      if (!f.empty()) config.host.log_file = f;
    }
    if (config.host.shutdown_step_timeout > config.host.shutdown_timeout) {
      if (const toml::node* n = t->get("shutdown_step_timeout"))
        problems.at(*n, "[host] shutdown_step_timeout must not exceed shutdown_timeout");
    }
  }
  if (const toml::table* t = section(root, "connection", problems)) {
    SectionReader r(*t, "connection", problems);
    r.duration("heartbeat_interval", config.connection.heartbeat_interval);
    r.duration("heartbeat_timeout", config.connection.heartbeat_timeout);
    r.duration("backoff_initial", config.connection.backoff_initial);
    r.duration("backoff_max", config.connection.backoff_max);
    r.integer("startup_attempts", config.connection.startup_attempts, 1, 1000);
    r.integer("runtime_attempts", config.connection.runtime_attempts, 1, 1000);
    r.duration("position_recheck", config.connection.position_recheck);
    r.duration("reconcile_interval", config.connection.reconcile_interval);
    if (config.connection.backoff_initial > config.connection.backoff_max) {
      if (const toml::node* n = t->get("backoff_initial"))
        problems.at(*n, "[connection] backoff_initial must not exceed backoff_max");
    }
  }
  if (const toml::table* t = section(root, "maintenance", problems)) {
    SectionReader r(*t, "maintenance", problems);
    r.timezone("timezone", config.maintenance.timezone);
    r.strings("windows", config.maintenance.windows, [](const std::string& spec) {
      auto w = parse_maintenance_window(spec);
      return w ? sdk::Status::ok() : w.status();
    });
  }
  if (const toml::table* t = section(root, "risk", problems)) {
    SectionReader r(*t, "risk", problems);
    r.number("risk_per_trade", config.risk.risk_per_trade, 0.0, 1.0);
    r.integer("max_contracts", config.risk.max_contracts, 1, 1000);
    r.integer("max_trades_per_day", config.risk.max_trades_per_day, 1, 1000);
    r.number("max_daily_loss", config.risk.max_daily_loss, 0.0, 1e12);
    r.number("contract_multiplier", config.risk.contract_multiplier, 0.0001, 1e6);
    r.string("symbol", config.risk.symbol);
    r.timezone("timezone", config.risk.timezone);
    // The broker puts the symbol on the wire (IB: printable ASCII, no spaces).
    const bool printable = std::all_of(config.risk.symbol.begin(), config.risk.symbol.end(),
                                       [](unsigned char ch) { return ch >= 0x21 && ch <= 0x7E; });
    if (config.risk.symbol.empty() || !printable) {
      if (const toml::node* n = t->get("symbol"))
        problems.at(*n, "[risk] symbol must be printable ASCII without spaces, and not empty");
    }
  }
  read_slot(root, "broker", config.broker, problems);
  read_slot(root, "store", config.store, problems);
  read_slot(root, "strategy", config.strategy, problems);
  check_host_paths(root, config.host, problems);

  if (!problems.empty()) return sdk::Status::invalid_argument(problems.joined());
  return config;
}

}  // namespace slob::core
