#include "plugins/reload_plan.hpp"

namespace slob::core {
namespace {

bool same_value(const sdk::ConfigValue& a, const sdk::ConfigValue& b) {
  if (a.value.index() != b.value.index()) return false;
  if (const auto* xs = std::get_if<sdk::ConfigArray>(&a.value)) {
    const auto& ys = std::get<sdk::ConfigArray>(b.value);
    if (xs->size() != ys.size()) return false;
    for (std::size_t i = 0; i < xs->size(); ++i)
      if (!same_value((*xs)[i], ys[i])) return false;
    return true;
  }
  // The scalars; ConfigArray has no operator== (its values carry positions).
  if (const auto* x = std::get_if<bool>(&a.value)) return *x == std::get<bool>(b.value);
  if (const auto* x = std::get_if<std::int64_t>(&a.value))
    return *x == std::get<std::int64_t>(b.value);
  if (const auto* x = std::get_if<double>(&a.value)) return *x == std::get<double>(b.value);
  return std::get<std::string>(a.value) == std::get<std::string>(b.value);
}

// How the plugin of one slot would change, or nullopt when it stays.
std::optional<SlotChange> slot_change(const PluginSlot& running, const PluginFile& running_file,
                                      const PluginSlot& fresh, const PluginFile& fresh_file) {
  if (running.plugin != fresh.plugin)
    return SlotChange{"plugin \"" + running.plugin + "\" -> \"" + fresh.plugin + "\"", true};
  std::vector<std::string> why;
  bool library_changed = true;
  if (!same_config_values(running.config, fresh.config))
    why.push_back("[" + fresh.config.section + "] changed");
  if (fresh_file.path.empty() || fresh_file.path != running_file.path) {
    why.push_back("library file " + (fresh_file.path.empty() ? std::string("(not found)")
                                                              : fresh_file.path.string()) +
                  " replaces " + running_file.path.string());
  } else if (!fresh_file.identity || fresh_file.identity != running_file.identity) {
    why.push_back("library file " + fresh_file.path.string() + " was replaced (now " +
                  (fresh_file.identity ? describe(*fresh_file.identity) : std::string("unreadable")) +
                  ")");
  } else {
    library_changed = false;
  }
  if (why.empty()) return std::nullopt;
  std::string joined;
  for (const auto& w : why) joined += (joined.empty() ? "" : "; ") + w;
  return SlotChange{joined, library_changed};
}

}  // namespace

bool same_config_values(const sdk::ConfigTable& a, const sdk::ConfigTable& b) {
  if (a.values.size() != b.values.size()) return false;
  for (const auto& [key, value] : a.values) {
    auto it = b.values.find(key);
    if (it == b.values.end() || !same_value(value, it->second)) return false;
  }
  return true;
}

ReloadPlan plan_reload(const HostConfig& running, const SlotFiles& running_files,
                       const HostConfig& fresh, const SlotFiles& fresh_files) {
  ReloadPlan plan;
  plan.broker = slot_change(running.broker, running_files.broker, fresh.broker, fresh_files.broker);
  plan.strategy =
      slot_change(running.strategy, running_files.strategy, fresh.strategy, fresh_files.strategy);
  if (auto store = slot_change(running.store, running_files.store, fresh.store, fresh_files.store))
    plan.needs_restart.push_back("[store] " + store->why + ": the store is never swapped live");
  if (!(running.host == fresh.host)) plan.needs_restart.push_back("[host] changed");
  if (!(running.logging == fresh.logging)) plan.needs_restart.push_back("[logging] changed");
  if (!(running.connection == fresh.connection))
    plan.needs_restart.push_back("[connection] changed");
  if (!(running.maintenance == fresh.maintenance))
    plan.needs_restart.push_back("[maintenance] changed");
  if (!(running.risk == fresh.risk)) plan.needs_restart.push_back("[risk] changed");
  if (!(running.alerts == fresh.alerts)) plan.needs_restart.push_back("[alerts] changed");
  return plan;
}

}  // namespace slob::core
