#include "store_config.hpp"

#include <filesystem>
#include <limits>
#include <optional>

namespace slob::plugins::lmdb {

std::optional<std::uint64_t> parse_byte_size(const std::string& text) {
  std::size_t i = 0;
  std::uint64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    const std::uint64_t digit = static_cast<std::uint64_t>(text[i] - '0');
    if (n > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    n = n * 10 + digit;
    ++i;
  }
  if (i == 0) return std::nullopt;
  const std::string unit = text.substr(i);
  std::uint64_t scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "KiB") scale = 1024;
  else if (unit == "MiB") scale = kMiB;
  else if (unit == "GiB") scale = kGiB;
  else if (unit == "TiB") scale = 1024 * kGiB;
  else return std::nullopt;
  if (n == 0 || n > std::numeric_limits<std::uint64_t>::max() / scale) return std::nullopt;
  return n * scale;
}

namespace {

std::uint64_t read_size(sdk::ConfigReader& reader, const std::string& key,
                        std::uint64_t fallback) {
  const std::string text = reader.get_string(key, "");
  if (text.empty()) return fallback;
  auto size = parse_byte_size(text);
  if (!size) {
    reader.add_error(key, key + ": bad size \"" + text +
                              "\" (use a positive number with B, KiB, MiB, GiB or TiB, e.g. "
                              "\"64MiB\")");
    return fallback;
  }
  return *size;
}

}  // namespace

sdk::Result<StoreConfig> parse_store_config(const sdk::ConfigTable& table,
                                            const std::string& config_dir) {
  sdk::ConfigReader reader(table);
  StoreConfig config;

  const std::string path = reader.get_string("path", "");
  if (path.empty()) {
    reader.add_error("path", "path is required (the store directory)");
  } else {
    std::filesystem::path p(path);
    if (p.is_relative()) p = std::filesystem::path(config_dir) / p;
    config.path = p.lexically_normal().string();
  }

  const std::string sync = reader.get_string("sync", "full");
  if (sync == "full") config.sync = SyncMode::kFull;
  else if (sync == "none") config.sync = SyncMode::kNone;
  else reader.add_error("sync", "sync must be \"full\" or \"none\", got \"" + sync + "\"");

  config.map_size = read_size(reader, "map_size", config.map_size);
  config.max_map_size = read_size(reader, "max_map_size", config.max_map_size);
  if (config.max_map_size < config.map_size) {
    reader.add_error("max_map_size", "max_map_size must not be smaller than map_size");
  }

  config.candle_retention = reader.get_duration("candle_retention", config.candle_retention);
  if (config.candle_retention <= sdk::Duration::zero()) {
    reader.add_error("candle_retention", "candle_retention must be positive");
  }
  config.read_only = reader.get_bool("read_only", config.read_only);

  if (auto status = reader.finish(); !status) return status;
  return config;
}

}  // namespace slob::plugins::lmdb
