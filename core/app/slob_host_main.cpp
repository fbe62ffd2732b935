// slob-host: the daemon and its one-shot commands (ARCHITECTURE §10).

#include <csignal>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "runtime/config.hpp"
#include "runtime/crash_points.hpp"
#include "runtime/exit_codes.hpp"
#include "runtime/host.hpp"
#include "runtime/logging.hpp"
#include "control/offline_commands.hpp"
#include "plugins/build_compatibility.hpp"
#include "slob/sdk/plugin.hpp"

namespace {

constexpr const char* kUsage =
    "usage: slob-host --config FILE [--fresh]        run the daemon in the foreground\n"
    "       slob-host --config FILE --check          validate the config and every plugin\n"
    "       slob-host --config FILE export setups|orders|fills|trades|events\n"
    "       slob-host --config FILE scan DATA.csv    run the strategy over 1-minute bars\n"
    "       slob-host --config FILE report OUT.html  write the dashboard of the stored history\n"
    "       slob-host --version\n";

int usage(const std::string& problem) {
  std::cerr << "slob-host: " << problem << "\n" << kUsage;
  return slob::core::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace slob::core;
  // A closed stdout or stderr (`slob-host ... | head`) must not kill the daemon mid-trade: the
  // write fails instead, and the daemon goes on (the control socket and the log file still work).
  std::signal(SIGPIPE, SIG_IGN);
  std::optional<std::string> config_path;
  bool check = false;
  bool fresh = false;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--version") {
      std::cout << "slob-host " << SLOB_VERSION << " (SDK ABI " << slob::sdk::kSdkAbiVersion
                << ", " << describe_build(slob::sdk::kBuildInfo) << ")\n";
      return kExitOk;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return kExitOk;
    } else if (arg == "--config") {
      if (i + 1 >= argc) return usage("--config needs a file");
      config_path = argv[++i];
    } else if (arg == "--check") {
      check = true;
    } else if (arg == "--fresh") {
      fresh = true;
    } else if (!arg.empty() && arg[0] == '-') {
      return usage("unknown option " + arg);
    } else {
      positional.push_back(arg);
    }
  }
  if (!config_path) return usage("--config FILE is required");
  // Tests only (docs/decisions.md "Crash points"); refused before anything runs when misspelt.
  if (auto s = arm_crash_point_from_environment(); !s) {
    std::cerr << "slob-host: " << s.message() << "\n";
    return kExitUsage;
  }

  auto config = load_config(*config_path, SLOB_DEFAULT_PLUGIN_DIR);
  if (!config) {
    std::cerr << config.status().message() << "\n";
    return kExitConfig;
  }
  // Only the daemon writes the log files: an offline command run beside it must not rotate them.
  const bool daemon = !check && positional.empty();
  if (auto s = init_logging(config->logging, daemon); !s) {
    std::cerr << "slob-host: " << s.message() << "\n";
    return kExitConfig;
  }
  for (const std::string& line : config->deprecated) NamedLogger("host").warn("SLOB_CONFIG_DEPRECATED", line);
  if (check) {
    if (!positional.empty()) return usage("--check takes no command");
    return run_check(*config);
  }
  if (!positional.empty()) {
    const std::string& command = positional[0];
    if (command == "export") {
      if (positional.size() != 2) return usage("export needs one record kind");
      return run_export(*config, positional[1]);
    }
    if (command == "scan") {
      if (positional.size() != 2) return usage("scan needs one CSV file");
      return run_scan(*config, positional[1]);
    }
    if (command == "report") {
      if (positional.size() != 2) return usage("report needs one output file");
      return run_report(*config, positional[1]);
    }
    return usage("unknown command " + command);
  }

  if (const std::string armed = armed_crash_point(); !armed.empty()) {
    NamedLogger("host").warn("SLOB_CRASH_POINT_ARMED",
                             std::string(kCrashAtVariable) + "=" + armed +
                                 ": this process kills itself there (crash tests only)");
  }
  Host host(std::move(*config), HostOptions{fresh});
  if (auto s = host.load_plugins(); !s) {
    std::cerr << s.message() << "\n";
    return kExitConfig;
  }
  return host.run();
}
