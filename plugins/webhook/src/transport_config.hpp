#pragma once

// The config keys every observer over http_post() has: `ca_file` and `timeout` (their meaning
// and defaults are in plugins/webhook/README.md and plugins/telegram/README.md).

#include <chrono>
#include <string>

#include "slob/sdk/config.hpp"

namespace slob::plugins::webhook {

inline constexpr std::chrono::milliseconds kDefaultTimeout = std::chrono::seconds(10);

struct TransportConfig {
  std::string ca_file;  // absolute, or "" for the system CA store
  std::chrono::milliseconds timeout = kDefaultTimeout;
};

// Reads `ca_file` (relative to `config_dir` unless absolute; it must be a readable file now —
// http_post() still reports it if it goes away later) and `timeout` (a duration above zero, at
// most 5 minutes, whole milliseconds). Errors go to `reader` at the key.
TransportConfig read_transport_config(sdk::ConfigReader& reader, const std::string& config_dir);

}  // namespace slob::plugins::webhook
