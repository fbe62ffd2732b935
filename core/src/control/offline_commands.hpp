#pragma once

// The one-shot commands of slob-host that do not run the daemon (ARCHITECTURE §10):
//   --check               validate the config and load (but not start) every plugin
//   export <kind>         print the store's records as JSON lines, reading it offline
//   scan <data.csv>       run the strategy over a CSV of 1-minute bars, one JSON line per setup
//   report <out.html>     write the dashboard page of the stored history as one file, reading
//                         the store offline like export (works while the daemon runs)
// Each returns a process exit code and prints its errors to stderr, one per line.

#include <filesystem>
#include <string>

#include "runtime/config.hpp"

namespace slob::core {

int run_check(const HostConfig& config);
int run_export(const HostConfig& config, const std::string& kind);
int run_scan(const HostConfig& config, const std::filesystem::path& csv);
int run_report(const HostConfig& config, const std::filesystem::path& out);

}  // namespace slob::core
