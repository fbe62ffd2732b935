#pragma once

// What a reload has to do (ARCHITECTURE §9), decided by comparing the running configuration and
// plugin files with a freshly read config. Pure: the caller resolves and stat()s the files, so
// every decision is unit-tested without loading anything.
//
// The broker or the strategy is swapped when its plugin name, its config table or its library
// file changed. Config tables compare by value, not by source position: moving or commenting
// lines does not swap a plugin. A library file changed when the name now resolves to another
// path, or the same path has another FileIdentity (a rebuild or reinstall).
//
// Never applied live, reported as needing a restart: the store (name, config or file) and the
// [host], [connection], [maintenance] and [risk] sections. (The host adds one more after loading the new
// broker: a swap between a replaying broker, which drives simulated time, and a live one, because
// the market clock is chosen at startup.)

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "runtime/config.hpp"
#include "plugins/file_identity.hpp"
#include "slob/sdk/config.hpp"

namespace slob::core {

// The file a plugin slot uses (running) or would use (fresh config).
struct PluginFile {
  std::filesystem::path path;  // empty: the name does not resolve
  std::optional<FileIdentity> identity;
};

struct SlotFiles {
  PluginFile broker;
  PluginFile store;
  PluginFile strategy;
};

struct SlotChange {
  std::string why;  // "[strategy.config] changed", ...
  // False when only the config table changed: the new instance is then created from the
  // library already loaded (same file, same code), not from a second copy of it.
  bool library_changed = true;
};

struct ReloadPlan {
  // How each slot changes, when it is swapped.
  std::optional<SlotChange> broker;
  std::optional<SlotChange> strategy;
  // One line per change that is not applied until a restart.
  std::vector<std::string> needs_restart;

  bool swaps() const { return broker.has_value() || strategy.has_value(); }
  bool nothing_changed() const { return !swaps() && needs_restart.empty(); }
};

// Equal when both tables hold the same keys with the same values (positions ignored).
bool same_config_values(const sdk::ConfigTable& a, const sdk::ConfigTable& b);

ReloadPlan plan_reload(const HostConfig& running, const SlotFiles& running_files,
                       const HostConfig& fresh, const SlotFiles& fresh_files);

}  // namespace slob::core
