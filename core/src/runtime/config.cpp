#include "runtime/config.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>

#include <date/tz.h>

#include "slob/sdk/events.hpp"
#include "slob/sdk/trading_day.hpp"
#include <toml++/toml.h>

#include "runtime/host_paths.hpp"
#include "observers/event_filter.hpp"
#include "trading/maintenance_schedule.hpp"
#include "plugins/plugin_name.hpp"

namespace slob::core {
namespace {

namespace fs = std::filesystem;

using Errors = std::vector<sdk::ConfigError>;

sdk::SourcePosition position(const toml::source_region& src, const std::string& file) {
  return {file, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)};
}

// The whole document as SDK values, so the host's sections and the plugins' tables are read by
// the same sdk::ConfigReader. A sub-table's section is its dotted name ("broker.config").
sdk::ConfigTablePtr to_table(const toml::table& t, const std::string& section,
                             const std::string& file);

sdk::ConfigValue to_value(const toml::node& node, const std::string& section,
                          const std::string& file) {
  sdk::ConfigValue v;
  v.position = position(node.source(), file);
  if (node.is_boolean()) v.value = *node.value<bool>();
  else if (node.is_integer()) v.value = *node.value<std::int64_t>();
  else if (node.is_floating_point()) v.value = *node.value<double>();
  else if (node.is_string()) v.value = *node.value<std::string>();
  else if (const toml::array* arr = node.as_array()) {
    sdk::ConfigArray items;
    for (const toml::node& e : *arr) items.push_back(to_value(e, section, file));
    v.value = std::move(items);
  } else if (const toml::table* sub = node.as_table()) {
    v.value = to_table(*sub, section, file);
  } else {
    v.value = sdk::ConfigUnsupported{};
  }
  return v;
}

sdk::ConfigTablePtr to_table(const toml::table& t, const std::string& section,
                             const std::string& file) {
  auto table = std::make_shared<sdk::ConfigTable>();
  table->section = section;
  table->position = position(t.source(), file);
  for (const auto& [key, node] : t) {
    const std::string name(key.str());
    const std::string sub = section == "top level" ? name : section + "." + name;
    sdk::ConfigValue v = to_value(node, sub, file);
    if (key.source().begin.line) v.key_position = position(key.source(), file);
    table->values.emplace(name, std::move(v));
  }
  return table;
}

bool holds_table_or_date(const sdk::ConfigValue& v, const sdk::ConfigValue*& at) {
  if (std::holds_alternative<sdk::ConfigTablePtr>(v.value) ||
      std::holds_alternative<sdk::ConfigUnsupported>(v.value)) {
    at = &v;
    return true;
  }
  if (auto* arr = std::get_if<sdk::ConfigArray>(&v.value)) {
    for (const auto& e : *arr) {
      if (holds_table_or_date(e, at)) return true;
    }
  }
  return false;
}

// A plugin's table as the plugin gets it: nested tables and dates refused here (the SDK gives a
// plugin no way to read them), and an unknown key reported at its value, as plugins always have.
sdk::ConfigTable plugin_table(const sdk::ConfigTable& given, Errors& errors) {
  sdk::ConfigTable out{given.section, given.position, {}};
  for (const auto& [key, value] : given.values) {
    if (const sdk::ConfigValue* at = nullptr; holds_table_or_date(value, at)) {
      errors.push_back({at->position, "[" + given.section +
                                          "] nested tables and dates are not supported in a "
                                          "plugin config"});
      continue;
    }
    sdk::ConfigValue v = value;
    v.key_position = {};
    out.values.emplace(key, std::move(v));
  }
  return out;
}

// A section of the top level: nullptr when absent or not a table (then an error).
const sdk::ConfigTable* section(sdk::ConfigReader& top, const std::string& name, Errors& errors) {
  const sdk::ConfigValue* v = top.get(name);
  if (!v) return nullptr;
  if (auto* t = std::get_if<sdk::ConfigTablePtr>(&v->value)) return t->get();
  errors.push_back({v->position, "[" + name + "] must be a table"});
  return nullptr;
}

// Reads one section with `read`, then collects the reader's errors (unknown keys included).
void read_section(sdk::ConfigReader& top, const std::string& name, Errors& errors,
                  const std::function<void(sdk::ConfigReader&, const sdk::ConfigTable&)>& read) {
  if (const sdk::ConfigTable* t = section(top, name, errors)) {
    sdk::ConfigReader r(*t);
    read(r, *t);
    for (auto& e : r.take_errors()) errors.push_back(std::move(e));
  }
}

fs::path resolve(const std::string& s, const fs::path& base) {
  fs::path p(s);
  return p.is_absolute() ? p.lexically_normal() : (base / p).lexically_normal();
}

bool is_string(const sdk::ConfigTable& t, const std::string& key) {
  auto it = t.values.find(key);
  return it != t.values.end() && std::holds_alternative<std::string>(it->second.value);
}

// A non-empty path, resolved against `base`; `out` keeps its value when the key is absent or bad.
void read_path(sdk::ConfigReader& r, const sdk::ConfigTable& t, const std::string& key,
               fs::path& out, const fs::path& base) {
  const std::string s = r.get_string(key, "");
  if (!is_string(t, key)) return;
  if (s.empty()) r.add_error(key, key + " must not be empty");
  else out = resolve(s, base);
}

// A time zone name the tz database knows.
void read_timezone(sdk::ConfigReader& r, const std::string& key, std::string& out) {
  if (!r.has(key)) return;
  const std::string s = r.get_string(key, out);
  if (!sdk::find_zone(s)) {
    r.add_error(key, key + ": unknown time zone \"" + s +
                         "\" (use a tz database name such as \"America/New_York\")");
    return;
  }
  out = s;
}

void read_slot(sdk::ConfigReader& top, const sdk::ConfigTable& root, const std::string& name,
               PluginSlot& slot, Errors& errors) {
  slot.config.section = name + ".config";
  slot.config.position = root.position;
  const sdk::ConfigTable* t = section(top, name, errors);
  if (!t) {
    errors.push_back({{root.position.file, 1, 1},
                      "[" + name + "] section is missing (it names the " + name + " plugin)"});
    return;
  }
  sdk::ConfigReader r(*t);
  slot.config.position = t->position;
  if (!r.has("plugin")) {
    errors.push_back({t->position, "[" + name + "] plugin is missing"});
  }
  const sdk::ConfigValue* plugin = r.get("plugin");
  const std::string value = is_string(*t, "plugin") ? std::get<std::string>(plugin->value) : "";
  if (plugin && value.empty()) {
    r.add_error("plugin", "plugin must be a non-empty string");
  } else if (plugin && !is_valid_plugin_name(value)) {
    r.add_error("plugin", "plugin name \"" + value + "\" is invalid (" + kPluginNameRule + ")");
  } else if (plugin) {
    slot.plugin = value;
    slot.position = plugin->position;
  }
  if (const sdk::ConfigTable* cfg = r.get_table("config")) slot.config = plugin_table(*cfg, errors);
  for (auto& e : r.take_errors()) errors.push_back(std::move(e));
}

bool valid_observer_name(const std::string& name) {
  return !name.empty() && name.size() <= 64 &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '-' || c == '_';
         });
}

// The [[observer]] tables, each like a plugin slot plus the host's delivery settings.
void read_observers(sdk::ConfigReader& top, Errors& errors, std::vector<ObserverSection>& out) {
  const sdk::ConfigValue* v = top.get("observer");
  if (!v) return;
  const auto* arr = std::get_if<sdk::ConfigArray>(&v->value);
  if (!arr) {
    errors.push_back({v->position, "observer must be an array of tables ([[observer]])"});
    return;
  }
  for (const auto& item : *arr) {
    const auto* tp = std::get_if<sdk::ConfigTablePtr>(&item.value);
    if (!tp) {
      errors.push_back({item.position, "each observer must be a table ([[observer]])"});
      continue;
    }
    const sdk::ConfigTable& t = **tp;
    sdk::ConfigReader r(t);
    ObserverSection o;
    o.name = r.get_string("name", "");
    if (!r.has("name")) {
      errors.push_back({t.position, "[[observer]] name is missing"});
    } else if (!valid_observer_name(o.name)) {
      r.add_error("name", "observer name \"" + o.name +
                              "\" is invalid (letters, digits, '-' and '_', at most 64)");
    } else {
      for (const auto& other : out)
        if (other.name == o.name) r.add_error("name", "observer name \"" + o.name + "\" is used twice");
    }
    o.slot.config.section = "observer." + o.name + ".config";
    o.slot.config.position = t.position;
    const std::string plugin = r.get_string("plugin", "");
    if (!r.has("plugin")) errors.push_back({t.position, "[[observer]] " + o.name + ": plugin is missing"});
    else if (!is_valid_plugin_name(plugin))
      r.add_error("plugin", "plugin name \"" + plugin + "\" is invalid (" + kPluginNameRule + ")");
    else {
      o.slot.plugin = plugin;
      o.slot.position = r.get("plugin")->position;
    }
    const std::string severity = r.get_choice("min_severity", sdk::severity_name(o.min_severity),
                                              {"info", "notice", "warning", "critical"});
    o.min_severity = sdk::parse_severity(severity).value_or(o.min_severity);
    if (auto types = r.find_strings("types", [](const std::string& p) {
          for (const auto& known : sdk::kEventTypes)
            if (type_pattern_matches(p, known.type)) return sdk::Status::ok();
          return sdk::Status::invalid_argument("\"" + p + "\" names no event type (docs/events.md)");
        })) {
      o.types = std::move(*types);
    }
    o.timeout = r.get_positive_duration("timeout", o.timeout);
    o.summarise_after = r.get_positive_duration("summarise_after", o.summarise_after);
    o.max_batch = r.get_int("max_batch", o.max_batch, 1, 1000);
    o.backoff_initial = r.get_positive_duration("backoff_initial", o.backoff_initial);
    o.backoff_max = r.get_positive_duration("backoff_max", o.backoff_max);
    if (o.backoff_initial > o.backoff_max && r.has("backoff_initial"))
      r.add_error("backoff_initial", "backoff_initial must not exceed backoff_max");
    if (const sdk::ConfigTable* cfg = r.get_table("config")) o.slot.config = plugin_table(*cfg, errors);
    o.slot.config.section = "observer." + o.name + ".config";
    for (auto& e : r.take_errors()) errors.push_back(std::move(e));
    out.push_back(std::move(o));
  }
}

// The host's own paths, checked against the disk before anything is created: a socket path the
// kernel cannot bind, a file where the socket or the state directory should be. Reported at the
// key, or at [host] (or the file's start) when the default is the problem.
void check_host_paths(const sdk::ConfigTable& root, const HostSection& host, Errors& errors) {
  auto where = [&](const char* key) -> sdk::SourcePosition {
    const auto h = root.values.find("host");
    if (h == root.values.end()) return {root.position.file, 1, 1};
    if (auto* t = std::get_if<sdk::ConfigTablePtr>(&h->second.value)) {
      if (auto k = (*t)->values.find(key); k != (*t)->values.end()) return k->second.position;
    }
    return h->second.position;
  };
  if (auto p = directory_problem(host.state_dir))
    errors.push_back({where("state_dir"), "[host] state_dir: " + *p});
  if (auto p = socket_address_problem(host.control_socket))
    errors.push_back({where("control_socket"), "[host] control_socket: " + *p});
  else if (auto f = socket_file_problem(host.control_socket))
    errors.push_back({where("control_socket"), "[host] control_socket: " + *f});
}

const std::vector<std::string> kLogLevels = {"trace", "debug", "info", "warn", "error", "critical"};

bool host_has(const sdk::ConfigTable& root, const std::string& key) {
  const auto h = root.values.find("host");
  if (h == root.values.end()) return false;
  const auto* t = std::get_if<sdk::ConfigTablePtr>(&h->second.value);
  return t && (*t)->values.count(key) != 0;
}

// A log file's path, refused when it is a directory or its directory cannot be one.
void read_log_path(sdk::ConfigReader& r, const sdk::ConfigTable& t, const std::string& key,
                   std::optional<fs::path>& out, const fs::path& base) {
  fs::path path;
  read_path(r, t, key, path, base);
  if (path.empty()) return;
  std::error_code ec;
  if (fs::is_directory(path, ec)) r.add_error(key, key + ": " + path.string() + " is a directory");
  else if (auto p = directory_problem(path.parent_path())) r.add_error(key, key + ": " + *p);
  else out = path;
}

// [logging]. `old_level` / `old_file`: [host] log_level / log_file are set too (one place each).
void read_logging(sdk::ConfigReader& r, const sdk::ConfigTable& t, const fs::path& base,
                  LogOptions& l, bool old_level, bool old_file) {
  auto clash = [&](const std::string& key, const std::string& old) {
    r.add_error(key, key + " and [host] " + old + " are both set: keep " + key + " ([host] " + old +
                         " is deprecated)");
  };
  if (r.has("level") && old_level) clash("level", "log_level");
  l.level = r.get_choice("level", l.level, kLogLevels);
  if (r.has("file") && old_file) clash("file", "log_file");
  read_log_path(r, t, "file", l.file, base);
  l.rotate = r.get_choice("rotate", l.rotate, {"daily", "none"});
  l.retention_days = r.get_int("retention_days", l.retention_days, 1, 3650);
  read_log_path(r, t, "error_file", l.error_file, base);
  l.error_file_max_bytes = r.get_int("error_file_max_bytes", l.error_file_max_bytes, 4096, std::int64_t{1} << 40);
  l.error_file_max_files = r.get_int("error_file_max_files", l.error_file_max_files, 1, 100);
  l.format = r.get_choice("format", l.format, {"text", "json"});
  if (l.file && l.error_file && *l.file == *l.error_file)
    r.add_error("error_file", "error_file must not be the same file as file");
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
  toml::table root_toml;
  try {
    root_toml = toml::parse_file(name);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    return sdk::Status::invalid_argument(name + ":" + std::to_string(src.begin.line) + ":" +
                                         std::to_string(src.begin.column) + ": " +
                                         std::string(e.description()));
  }

  const sdk::ConfigTablePtr root = to_table(root_toml, "top level", name);
  Errors errors;
  const fs::path& base = config.directory;
  sdk::ConfigReader top(*root);
  read_section(top, "host", errors, [&](sdk::ConfigReader& r, const sdk::ConfigTable& t) {
    HostSection& h = config.host;
    read_path(r, t, "state_dir", h.state_dir, base);
    if (auto dirs = r.find_strings("plugin_dirs", {}, /*non_empty=*/true); dirs && dirs->empty()) {
      r.add_error("plugin_dirs", "plugin_dirs must name at least one directory");
    } else if (dirs) {
      h.plugin_dirs.clear();
      for (const auto& d : *dirs) h.plugin_dirs.push_back(resolve(d, base));
    }
    read_path(r, t, "control_socket", h.control_socket, base);
    h.shutdown_timeout = r.get_positive_duration("shutdown_timeout", h.shutdown_timeout);
    h.shutdown_step_timeout = r.get_positive_duration("shutdown_step_timeout", h.shutdown_step_timeout);
    h.reload_wait = r.get_positive_duration("reload_wait", h.reload_wait);
    h.on_shutdown = *parse_policy(r.get_choice("on_shutdown", shutdown_policy_name(h.on_shutdown),
                                               {"leave", "cancel_entries", "flatten"}));
    // Deprecated aliases of [logging] level and file (read below, where a clash is refused).
    if (r.has("log_level")) {
      config.logging.level = r.get_choice("log_level", config.logging.level, kLogLevels);
      config.deprecated.push_back("[host] log_level is deprecated: use [logging] level");
    }
    if (r.has("log_file")) {
      read_log_path(r, t, "log_file", config.logging.file, base);
      config.deprecated.push_back("[host] log_file is deprecated: use [logging] file");
    }
    if (h.shutdown_step_timeout > h.shutdown_timeout && r.has("shutdown_step_timeout"))
      r.add_error("shutdown_step_timeout", "shutdown_step_timeout must not exceed shutdown_timeout");
  });
  read_section(top, "logging", errors, [&](sdk::ConfigReader& r, const sdk::ConfigTable& t) {
    read_logging(r, t, base, config.logging, host_has(*root, "log_level"), host_has(*root, "log_file"));
  });
  read_section(top, "connection", errors, [&](sdk::ConfigReader& r, const sdk::ConfigTable&) {
    ConnectionSection& c = config.connection;
    c.heartbeat_interval = r.get_positive_duration("heartbeat_interval", c.heartbeat_interval);
    c.heartbeat_timeout = r.get_positive_duration("heartbeat_timeout", c.heartbeat_timeout);
    c.backoff_initial = r.get_positive_duration("backoff_initial", c.backoff_initial);
    c.backoff_max = r.get_positive_duration("backoff_max", c.backoff_max);
    c.startup_attempts = r.get_int("startup_attempts", c.startup_attempts, 1, 1000);
    c.runtime_attempts = r.get_int("runtime_attempts", c.runtime_attempts, 1, 1000);
    c.position_recheck = r.get_positive_duration("position_recheck", c.position_recheck);
    c.reconcile_interval = r.get_positive_duration("reconcile_interval", c.reconcile_interval);
    if (c.backoff_initial > c.backoff_max && r.has("backoff_initial"))
      r.add_error("backoff_initial", "backoff_initial must not exceed backoff_max");
  });
  read_section(top, "maintenance", errors, [&](sdk::ConfigReader& r, const sdk::ConfigTable&) {
    read_timezone(r, "timezone", config.maintenance.timezone);
    auto windows = r.find_strings("windows", [](const std::string& spec) {
      auto w = parse_maintenance_window(spec);
      return w ? sdk::Status::ok() : w.status();
    });
    if (windows) config.maintenance.windows = std::move(*windows);
  });
  read_section(top, "risk", errors, [&](sdk::ConfigReader& r, const sdk::ConfigTable&) {
    RiskSection& k = config.risk;
    k.risk_per_trade = r.get_double("risk_per_trade", k.risk_per_trade, 0.0, 1.0);
    k.max_contracts = r.get_int("max_contracts", k.max_contracts, 1, 1000);
    k.max_trades_per_day = r.get_int("max_trades_per_day", k.max_trades_per_day, 1, 1000);
    k.max_daily_loss = r.get_double("max_daily_loss", k.max_daily_loss, 0.0, 1e12);
    k.contract_multiplier = r.get_double("contract_multiplier", k.contract_multiplier, 0.0001, 1e6);
    k.symbol = r.get_string("symbol", k.symbol);
    read_timezone(r, "timezone", k.timezone);
    // The broker puts the symbol on the wire (IB: printable ASCII, no spaces).
    const bool printable = std::all_of(k.symbol.begin(), k.symbol.end(),
                                       [](unsigned char ch) { return ch >= 0x21 && ch <= 0x7E; });
    if ((k.symbol.empty() || !printable) && r.has("symbol"))
      r.add_error("symbol", "symbol must be printable ASCII without spaces, and not empty");
  });
  read_slot(top, *root, "broker", config.broker, errors);
  read_slot(top, *root, "store", config.store, errors);
  read_slot(top, *root, "strategy", config.strategy, errors);
  read_section(top, "alerts", errors, [&](sdk::ConfigReader& r, const sdk::ConfigTable&) {
    AlertsSection& a = config.alerts;
    a.broker_unreachable_after = r.get_positive_duration("broker_unreachable_after", a.broker_unreachable_after);
    a.market_data_stall_after = r.get_positive_duration("market_data_stall_after", a.market_data_stall_after);
    a.shutdown_grace = r.get_positive_duration("shutdown_grace", a.shutdown_grace);
    if (r.has("shutdown_grace") && a.shutdown_grace >= config.host.shutdown_step_timeout)
      r.add_error("shutdown_grace", "shutdown_grace must be shorter than [host] shutdown_step_timeout (" +
                                        sdk::format_duration(config.host.shutdown_step_timeout) + ")");
  });
  // The default grace fits a short step timeout by itself.
  if (config.alerts.shutdown_grace >= config.host.shutdown_step_timeout)
    config.alerts.shutdown_grace = config.host.shutdown_step_timeout / 2;
  read_observers(top, errors, config.observers);
  for (auto& e : top.take_errors()) errors.push_back(std::move(e));
  check_host_paths(*root, config.host, errors);

  if (errors.empty()) return config;
  // In file order, so the operator can fix them top to bottom.
  std::stable_sort(errors.begin(), errors.end(), [](const auto& a, const auto& b) {
    return a.position.line != b.position.line ? a.position.line < b.position.line
                                              : a.position.column < b.position.column;
  });
  std::string joined;
  for (const auto& e : errors) joined += (joined.empty() ? "" : "\n") + sdk::format_error(e);
  return sdk::Status::invalid_argument(joined);
}
}  // namespace slob::core
