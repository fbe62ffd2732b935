#include "plugins/plugin_loader.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <system_error>

#include "plugins/plugin_name.hpp"
#include "plugins/trusted_path.hpp"

namespace slob::core {
namespace {

namespace fs = std::filesystem;

std::string slot_name(sdk::PluginKind kind) { return sdk::plugin_kind_name(kind); }

// Removes a private copy (and its directory) once it is mapped or failed to map.
struct PrivateCopy {
  fs::path dir;
  fs::path file;
  ~PrivateCopy() {
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }
};

sdk::Status make_private_copy(const fs::path& file, unsigned n, PrivateCopy& copy) {
  std::string tmpl = (fs::temp_directory_path() / "slob-plugin-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return sdk::Status::io_error(file.string() + ": cannot create a private copy for loading "
                                                 "side by side: mkdtemp failed");
  }
  copy.dir = tmpl;
  copy.file = copy.dir / (file.stem().string() + "-v" + std::to_string(n) + ".so");
  std::error_code ec;
  fs::copy_file(file, copy.file, ec);
  if (ec) {
    return sdk::Status::io_error(file.string() + ": cannot create a private copy: " +
                                 ec.message());
  }
  return sdk::Status::ok();
}

}  // namespace

PluginLoader::PluginLoader(std::vector<fs::path> dirs, bool check_files)
    : dirs_(std::move(dirs)), check_files_(check_files) {}

sdk::Result<fs::path> PluginLoader::resolve(const std::string& name) const {
  if (!is_valid_plugin_name(name)) {
    return sdk::Status::invalid_argument("plugin name \"" + name + "\" is invalid (" +
                                         kPluginNameRule + ")");
  }
  const std::string file = "libslob-" + name + ".so";
  std::string searched;
  for (const fs::path& dir : dirs_) {
    std::error_code ec;
    const fs::path candidate = dir / file;
    if (fs::exists(candidate, ec)) return candidate;
    searched += (searched.empty() ? "" : ", ") + dir.string();
  }
  return sdk::Status::not_found("plugin \"" + name + "\": " + file + " not found in " +
                                (searched.empty() ? std::string("(no plugin_dirs)") : searched));
}

sdk::Result<fs::path> PluginLoader::trusted_file(const fs::path& file) const {
  auto refused = [&](const sdk::Status& why) {
    return sdk::Status(why.code(), file.string() + ": plugin refused: " + why.message());
  };
  if (!check_files_) {
    std::error_code ec;
    fs::path real = fs::canonical(file, ec);
    if (ec) return refused(sdk::Status::io_error("cannot resolve it: " + ec.message()));
    return real;
  }
  // The plugin folder as configured, then the file as resolved: a symlink in the folder is as
  // safe as the folder (nobody else can re-point it), its target as safe as the target's
  // folders. Either check alone leaves one of the two open.
  const uid_t uid = ::geteuid();
  if (auto folder = resolve_trusted(file.parent_path(), uid); !folder) {
    return refused(folder.status());
  }
  auto real = resolve_trusted(file, uid);
  if (!real) return refused(real.status());
  return real;
}

sdk::Result<std::shared_ptr<PluginLibrary>> PluginLoader::load(
    const std::string& name, sdk::PluginKind kind, const sdk::SourcePosition& named_at) {
  auto file = resolve(name);
  if (!file) {
    if (named_at.file.empty()) return file.status();
    return sdk::Status(file.status().code(),
                       sdk::format_position(named_at) + ": " + file.status().message());
  }
  if (!fs::is_regular_file(*file)) {
    return sdk::Status::failed_precondition(file->string() +
                                            ": plugin refused: not a regular file");
  }
  auto real = trusted_file(*file);
  if (!real) return real.status();

  const std::string key = real->string();
  PrivateCopy copy;
  fs::path load_from = *real;
  if (auto it = loaded_.find(key); it != loaded_.end() && !it->second.expired()) {
    if (auto s = make_private_copy(*real, ++copies_, copy); !s) return s;
    load_from = copy.file;
  }
  auto library = PluginLibrary::open(*file, load_from, kind, name);
  if (!library) return library.status();
  loaded_[key] = *library;
  return library;
}

namespace {

template <typename T, typename Factory>
sdk::Result<std::unique_ptr<PluginInstance<T>>> instantiate(
    std::shared_ptr<PluginLibrary> library, Factory factory, sdk::PluginKind kind,
    const sdk::ConfigTable& config, const HostLoop& loop) {
  const sdk::PluginDescriptor& d = library->descriptor();
  const bool drives_clock = (d.flags & sdk::kPluginDrivesClock) != 0;
  auto services = std::make_unique<PluginServices>(loop, library, slot_name(kind) + "." + d.name,
                                                   drives_clock);
  const std::string file = library->file().string();
  try {
    auto created = factory(*services, config);
    if (!created) {
      return sdk::Status(created.status().code(), created.status().message());
    }
    if (!*created && !loop.check_only) {
      return sdk::Status::internal(file + ": plugin refused: its factory returned no object");
    }
    return std::make_unique<PluginInstance<T>>(std::move(library), std::move(services),
                                               std::move(created).value());
  } catch (const std::exception& e) {
    return sdk::Status::internal(file + ": plugin refused: its factory threw: " + e.what());
  } catch (...) {
    return sdk::Status::internal(file + ": plugin refused: its factory threw a non-exception");
  }
}

}  // namespace

sdk::Result<std::unique_ptr<PluginInstance<sdk::Broker>>> PluginLoader::create_broker(
    std::shared_ptr<PluginLibrary> library, const sdk::ConfigTable& config, const HostLoop& loop) {
  auto factory = library->descriptor().create_broker;
  return instantiate<sdk::Broker>(std::move(library), factory, sdk::PluginKind::kBroker, config,
                                  loop);
}

sdk::Result<std::unique_ptr<PluginInstance<sdk::Store>>> PluginLoader::create_store(
    std::shared_ptr<PluginLibrary> library, const sdk::ConfigTable& config, const HostLoop& loop) {
  auto factory = library->descriptor().create_store;
  return instantiate<sdk::Store>(std::move(library), factory, sdk::PluginKind::kStore, config,
                                 loop);
}

sdk::Result<std::unique_ptr<PluginInstance<sdk::Strategy>>> PluginLoader::create_strategy(
    std::shared_ptr<PluginLibrary> library, const sdk::ConfigTable& config, const HostLoop& loop) {
  auto factory = library->descriptor().create_strategy;
  return instantiate<sdk::Strategy>(std::move(library), factory, sdk::PluginKind::kStrategy,
                                    config, loop);
}

sdk::Result<std::unique_ptr<PluginInstance<sdk::Observer>>> PluginLoader::create_observer(
    std::shared_ptr<PluginLibrary> library, const sdk::ConfigTable& config, const HostLoop& loop) {
  auto factory = library->descriptor().create_observer;
  return instantiate<sdk::Observer>(std::move(library), factory, sdk::PluginKind::kObserver,
                                    config, loop);
}

}  // namespace slob::core
