#pragma once

// One loaded plugin library and its checked descriptor (Kea's LibraryManager in spirit).
//
// Ownership: every object created from the library, and every handler it posted or timer it set
// through its HostServices, holds a shared_ptr<PluginLibrary>. The library is unloaded when the
// last of them is gone, never earlier: unmapping code that still has live objects is the classic
// plugin-host crash.

#include <filesystem>
#include <memory>
#include <string>

#include <boost/dll/shared_library.hpp>

#include "plugins/file_identity.hpp"
#include "slob/sdk/plugin.hpp"
#include "slob/sdk/status.hpp"

namespace slob::core {

class PluginLibrary {
 public:
  // Loads `file` (already resolved and permission-checked by the loader) and validates its
  // descriptor against the slot's `kind` and the requested `name`, in this order: its ELF
  // headers describe a shared object of this machine that lies within the file (elf_check.hpp,
  // before dlopen), it loads, it exports the descriptor, ABI version, build compatibility with
  // this host (build_compatibility.hpp), kind, name, factory. `load_from` is the file actually
  // mapped: `file` resolved (the path the loader checked), or a private copy of it when it is
  // already loaded, so two versions can live side by side. Messages name `file`, the path the operator configured.
  // Fails with a one-line reason that starts with the file name.
  static sdk::Result<std::shared_ptr<PluginLibrary>> open(const std::filesystem::path& file,
                                                          const std::filesystem::path& load_from,
                                                          sdk::PluginKind kind,
                                                          const std::string& name);
  struct Key {  // only open() can construct a PluginLibrary
    explicit Key() = default;
  };
  PluginLibrary(Key, std::filesystem::path file, std::optional<FileIdentity> identity,
                boost::dll::shared_library library, const sdk::PluginDescriptor* descriptor);
  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  const sdk::PluginDescriptor& descriptor() const { return *descriptor_; }
  const std::filesystem::path& file() const { return file_; }
  // The identity `file` had when it was opened: a reload compares it with the file there now.
  const std::optional<FileIdentity>& identity() const { return identity_; }
  std::string version() const { return descriptor_->version; }

 private:
  std::filesystem::path file_;
  std::optional<FileIdentity> identity_;
  boost::dll::shared_library library_;
  const sdk::PluginDescriptor* descriptor_;
};

// True when a file at `path` (compared by inode) is currently mapped into this process.
bool is_mapped(const std::filesystem::path& path);

}  // namespace slob::core
