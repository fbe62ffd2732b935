#pragma once

// The [store.config] table of the lmdb plugin, validated as a whole (every error reported).
// Keys, types and defaults are listed in README.md.

#include <cstdint>
#include <optional>
#include <string>

#include "slob/sdk/config.hpp"
#include "slob/sdk/status.hpp"
#include "slob/sdk/time.hpp"

namespace slob::plugins::lmdb {

enum class SyncMode {
  kFull,  // every commit is fsynced before it returns: survives kill -9 and power loss
  kNone,  // no fsync: fast replays; a crash or power loss may lose or corrupt the store
};

inline constexpr std::uint64_t kMiB = 1024ull * 1024;
inline constexpr std::uint64_t kGiB = 1024 * kMiB;

struct StoreConfig {
  std::string path;  // absolute: relative paths are resolved against the config directory
  SyncMode sync = SyncMode::kFull;
  std::uint64_t map_size = 64 * kMiB;       // initial map size
  std::uint64_t max_map_size = 16 * kGiB;   // the map never grows beyond this
  sdk::Duration candle_retention = std::chrono::hours(7 * 24);
  bool read_only = false;  // export and inspection: never writes, never creates
};

// Parses "64MiB", "1GiB", "4096", "512KiB" (binary units; B, KiB, MiB, GiB, TiB). nullopt when
// malformed or zero.
std::optional<std::uint64_t> parse_byte_size(const std::string& text);

// Reads and validates the table. `config_dir` anchors a relative `path`.
sdk::Result<StoreConfig> parse_store_config(const sdk::ConfigTable& table,
                                            const std::string& config_dir);

}  // namespace slob::plugins::lmdb
