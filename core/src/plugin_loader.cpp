#include "plugin_loader.hpp"

#include <stdlib.h>
#include <sys/stat.h>

#include <system_error>

namespace slob::core {
namespace {

namespace fs = std::filesystem;

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

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

PluginLoader::PluginLoader(std::vector<fs::path> dirs, bool refuse_unsafe_files)
    : dirs_(std::move(dirs)), refuse_unsafe_files_(refuse_unsafe_files) {}

sdk::Result<fs::path> PluginLoader::resolve(const std::string& name) const {
  if (!valid_name(name)) {
    return sdk::Status::invalid_argument("plugin name \"" + name +
                                         "\" is invalid (use lowercase letters, digits, - and _)");
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

sdk::Status PluginLoader::check_file_safety(const fs::path& file) const {
  if (!refuse_unsafe_files_) return sdk::Status::ok();
  for (const fs::path& p : {file, file.parent_path()}) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) {
      return sdk::Status::io_error(file.string() + ": plugin refused: cannot stat " + p.string());
    }
    if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
      return sdk::Status::failed_precondition(
          file.string() + ": plugin refused: " + p.string() +
          " must be owned by root and writable only by its owner when the host runs as root");
    }
  }
  return sdk::Status::ok();
}

sdk::Result<std::shared_ptr<PluginLibrary>> PluginLoader::load(const std::string& name,
                                                               sdk::PluginKind kind) {
  auto file = resolve(name);
  if (!file) return file.status();
  if (auto safe = check_file_safety(*file); !safe) return safe;
  if (!fs::is_regular_file(*file)) {
    return sdk::Status::failed_precondition(file->string() + ": plugin refused: not a regular file");
  }

  std::error_code ec;
  const std::string key = fs::canonical(*file, ec).string();
  PrivateCopy copy;
  fs::path load_from = *file;
  if (auto it = loaded_.find(key); it != loaded_.end() && !it->second.expired()) {
    if (auto s = make_private_copy(*file, ++copies_, copy); !s) return s;
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

}  // namespace slob::core
