#pragma once

// The sim broker's [broker.config] table, validated as a whole (every error at once, each as
// FILE:LINE:COL) through sdk::ConfigReader. Keys and defaults are listed in README.md.

#include <optional>
#include <string>

#include "slob/sdk/config.hpp"
#include "slob/sdk/status.hpp"
#include "slob/sdk/time.hpp"

namespace slob::plugins::sim {

inline constexpr const char* kDefaultStateFile = "sim-broker.json";

// Whether the persisted book is fsynced. Either way it is written write-ahead, in the same order,
// so a process killed with -9 finds its book in the page cache; only a machine crash tells them
// apart.
enum class SyncMode {
  kFull,  // every save fsynced before the change is reported: survives power loss
  kNone,  // no fsync: replays and benchmarks; a machine crash may lose or tear the book
};

struct SimConfig {
  std::string data_path;  // absolute, or resolved against the config directory
  double speed = 0;       // 0: as fast as possible; N: N times real time
  bool exit_at_end = true;
  double equity = 100000.0;
  double commission_per_contract = 2.25;  // per contract and side
  double multiplier = 20.0;
  double tick_size = 0.25;  // order prices must be multiples of it, as at the exchange
  std::string symbol = "NQ";
  std::optional<sdk::Time> start;  // first bar start replayed (inclusive); unset: file start
  std::optional<sdk::Time> end;    // replay stops before this bar start; unset: file end
  std::string state_path;          // resolved; empty: persist nothing
  std::string manual_actions_path; // resolved; empty: none (the operator hook, manual_actions.hpp)
  SyncMode sync = SyncMode::kFull;
};

// `config_dir` and `state_dir` resolve relative `data` and `state_file`.
sdk::Result<SimConfig> parse_sim_config(const sdk::ConfigTable& table, const std::string& config_dir,
                                        const std::string& state_dir);

}  // namespace slob::plugins::sim
