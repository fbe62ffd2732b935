#include "plugins/plugin_library.hpp"

#include <link.h>
#include <sys/stat.h>

#include "plugins/build_compatibility.hpp"
#include "plugins/elf_check.hpp"

namespace slob::core {
namespace {

namespace fs = std::filesystem;

sdk::Status refuse(const fs::path& file, const std::string& why) {
  return sdk::Status::failed_precondition(file.string() + ": plugin refused: " + why);
}

}  // namespace

PluginLibrary::PluginLibrary(Key, fs::path file, std::optional<FileIdentity> identity,
                             boost::dll::shared_library library,
                             const sdk::PluginDescriptor* descriptor)
    : file_(std::move(file)),
      identity_(identity),
      library_(std::move(library)),
      descriptor_(descriptor) {}

PluginLibrary::~PluginLibrary() { library_.unload(); }

sdk::Result<std::shared_ptr<PluginLibrary>> PluginLibrary::open(const fs::path& file,
                                                                const fs::path& load_from,
                                                                sdk::PluginKind kind,
                                                                const std::string& name) {
  // Before mapping: a file replaced while we load must look changed to the next reload.
  const std::optional<FileIdentity> identity = identify_file(file);
  // dlopen maps what the headers say, also past the end of a truncated file (SIGBUS).
  if (auto problem = elf_load_problem(load_from)) {
    return refuse(file, "not a loadable shared library: " + *problem);
  }

  boost::dll::shared_library library;
  try {
    // rtld_now: a missing symbol fails here, not at first call; rtld_local: plugins never see
    // each other's symbols.
    library.load(load_from.string(),
                 boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return refuse(file, std::string("cannot be loaded: ") + e.what());
  }
  if (!library.has("slob_plugin_descriptor")) {
    return refuse(file, "no slob_plugin_descriptor export (not a slob plugin?)");
  }
  const sdk::PluginDescriptor* d =
      &library.get_alias<const sdk::PluginDescriptor>("slob_plugin_descriptor");
  // abi_version first and alone: if it differs, nothing else in the struct can be trusted.
  if (d->abi_version != sdk::kSdkAbiVersion) {
    return refuse(file, "SDK ABI version " + std::to_string(d->abi_version) +
                            ", this host needs " + std::to_string(sdk::kSdkAbiVersion));
  }
  if (auto why = build_incompatibility(d->build, sdk::kBuildInfo)) return refuse(file, *why);
  if (d->kind != kind) {
    auto a = [](sdk::PluginKind k) {  // "a broker", "an observer"
      return std::string(k == sdk::PluginKind::kObserver ? "an " : "a ") + sdk::plugin_kind_name(k);
    };
    return refuse(file, "it is " + a(d->kind) + " plugin, the " + sdk::plugin_kind_name(kind) +
                            " slot needs " + a(kind) + " plugin");
  }
  if (d->name == nullptr || name != d->name) {
    return refuse(file, std::string("it declares the name \"") + (d->name ? d->name : "") +
                            "\", expected \"" + name + "\"");
  }
  const bool has_factory = (kind == sdk::PluginKind::kBroker && d->create_broker) ||
                           (kind == sdk::PluginKind::kStore && d->create_store) ||
                           (kind == sdk::PluginKind::kStrategy && d->create_strategy) ||
                           (kind == sdk::PluginKind::kObserver && d->create_observer);
  if (!has_factory) return refuse(file, "its descriptor has no factory for its kind");
  if (d->version == nullptr) return refuse(file, "its descriptor has no version");

  return std::make_shared<PluginLibrary>(Key{}, file, identity, std::move(library), d);
}

bool is_mapped(const fs::path& path) {
  struct stat target {};
  if (::stat(path.c_str(), &target) != 0) return false;
  struct Search {
    dev_t dev;
    ino_t ino;
    bool found;
  } search{target.st_dev, target.st_ino, false};
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) -> int {
        auto* s = static_cast<Search*>(data);
        struct stat st {};
        if (info->dlpi_name && *info->dlpi_name && ::stat(info->dlpi_name, &st) == 0 &&
            st.st_dev == s->dev && st.st_ino == s->ino) {
          s->found = true;
          return 1;
        }
        return 0;
      },
      &search);
  return search.found;
}

}  // namespace slob::core
