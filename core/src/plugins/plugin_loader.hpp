#pragma once

// Resolves plugin names to files and creates plugin instances (ARCHITECTURE §4).
//
// A name ("lmdb") resolves to libslob-<name>.so in the configured plugin directories, searched in
// order; plugins load only from there. A plugin runs with the daemon's rights, so whatever user
// the daemon runs as, the file is loaded only when nobody but root and that user can change it,
// its plugin folder, or any folder above them (trusted_path.hpp); it is then mapped from its
// resolved path, the one checked. Before dlopen, its ELF headers are checked against its size
// (elf_check.hpp): a truncated file is refused, not a SIGBUS.
//
// Every refusal is one line that starts with the file (or the name and directories searched) and
// says why. A broken plugin never leaves anything loaded behind.
//
// Two versions of one plugin can be loaded side by side (hot reload): when the resolved file is
// already mapped, the new version is mapped from a private copy, because the dynamic linker
// would otherwise hand back the already-loaded object.

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "plugins/plugin_library.hpp"
#include "plugins/plugin_services.hpp"
#include "slob/sdk/broker.hpp"
#include "slob/sdk/config.hpp"
#include "slob/sdk/observer.hpp"
#include "slob/sdk/status.hpp"
#include "slob/sdk/store.hpp"
#include "slob/sdk/strategy.hpp"

namespace slob::core {

// A live plugin object with everything it depends on. Members are destroyed bottom-up: the
// object, then its services (cancelling its timers), then the library reference.
template <typename T>
class PluginInstance {
 public:
  PluginInstance(std::shared_ptr<PluginLibrary> library, std::unique_ptr<PluginServices> services,
                 std::unique_ptr<T> object)
      : library_(std::move(library)), services_(std::move(services)), object_(std::move(object)) {}
  // The object may join a thread of its own that waits in read_view for this loop.
  ~PluginInstance() { close_views(); }
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  T& get() const { return *object_; }
  T* operator->() const { return object_.get(); }
  const PluginLibrary& library() const { return *library_; }
  std::shared_ptr<PluginLibrary> library_ref() const { return library_; }
  std::string name() const { return library_->descriptor().name; }
  std::string version() const { return library_->descriptor().version; }
  // Before stop(): the plugin's read_view calls from other threads return at once
  // (plugins/loop_views.hpp), so a stop() that joins such a thread cannot wait on the loop.
  void close_views() {
    if (services_) services_->close_views();
  }

 private:
  std::shared_ptr<PluginLibrary> library_;
  std::unique_ptr<PluginServices> services_;
  std::unique_ptr<T> object_;
};

class PluginLoader {
 public:
  // `check_files`: apply the ownership and permission rule above, for the daemon's effective
  // uid. Only tests pass false (their plugins live wherever the build tree is).
  PluginLoader(std::vector<std::filesystem::path> dirs, bool check_files);

  // The file `name` resolves to, or why none does.
  sdk::Result<std::filesystem::path> resolve(const std::string& name) const;

  // Loads and validates the library of `name` for a slot of `kind`. `named_at` is where the
  // config names it: a name that is invalid or names no file is reported there
  // ("FILE:LINE:COL: plugin ..."), like every other config error.
  sdk::Result<std::shared_ptr<PluginLibrary>> load(const std::string& name, sdk::PluginKind kind,
                                                   const sdk::SourcePosition& named_at = {});

  // Creates an instance from a library load() returned for the same kind. The factory's errors
  // (config validation) come back one per line; a factory that throws is refused with the
  // exception's text.
  static sdk::Result<std::unique_ptr<PluginInstance<sdk::Broker>>> create_broker(
      std::shared_ptr<PluginLibrary> library, const sdk::ConfigTable& config, const HostLoop& loop);
  static sdk::Result<std::unique_ptr<PluginInstance<sdk::Store>>> create_store(
      std::shared_ptr<PluginLibrary> library, const sdk::ConfigTable& config, const HostLoop& loop);
  static sdk::Result<std::unique_ptr<PluginInstance<sdk::Strategy>>> create_strategy(
      std::shared_ptr<PluginLibrary> library, const sdk::ConfigTable& config, const HostLoop& loop);
  static sdk::Result<std::unique_ptr<PluginInstance<sdk::Observer>>> create_observer(
      std::shared_ptr<PluginLibrary> library, const sdk::ConfigTable& config, const HostLoop& loop);

 private:
  // The path to map `file` from (resolved), or why it must not run in this process.
  sdk::Result<std::filesystem::path> trusted_file(const std::filesystem::path& file) const;

  std::vector<std::filesystem::path> dirs_;
  bool check_files_;
  std::map<std::string, std::weak_ptr<PluginLibrary>> loaded_;  // canonical path → library
  unsigned copies_ = 0;
};

}  // namespace slob::core
