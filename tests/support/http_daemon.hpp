#pragma once

// The main job (sim replaying nq-3days, lmdb, slob) in a real slob-host process with an `http`
// observer, for the http plugin's integration tests. The sim keeps the daemon running after the
// data (`exit_at_end = false`), so a test reads a daemon that has replayed it.

#include <fstream>
#include <optional>
#include <regex>
#include <string>

#include "daemon_harness.hpp"
#include "http_client.hpp"
#include "temp_dir.hpp"

namespace slob::test {

// The config: `observers` appended ([[observer]] tables); `speed` 0 replays at once, N paces it
// at N x real time (nq-3days is 3 days: 20000 takes about 13 s).
inline std::string http_main_job(const std::string& observers, int speed = 0,
                                 bool exit_at_end = false) {
  return "[host]\nstate_dir = \"state\"\nplugin_dirs = [\"" + std::string(SLOB_TEST_PLUGIN_DIR) +
         "\"]\ncontrol_socket = \"slob.sock\"\n[broker]\nplugin = \"sim\"\n[broker.config]\ndata = \"" +
         SLOB_TEST_FIXTURES_DIR + "/main/nq-3days.csv\"\nspeed = " + std::to_string(speed) +
         "\nexit_at_end = " + (exit_at_end ? "true" : "false") +
         "\n[store]\nplugin = \"lmdb\"\n[store.config]\npath = \"state/lmdb\"\nsync = \"none\"\n"
         "[strategy]\nplugin = \"slob\"\n" + observers;
}

// One [[observer]] of the http plugin, `config` its [observer.config] lines.
inline std::string http_observer(const std::string& config, const std::string& name = "web") {
  return "[[observer]]\nname = \"" + name + "\"\nplugin = \"http\"\n[observer.config]\n" + config;
}

// The port of the newest SLOB_HTTP_LISTENING line at or after `from` ("serving
// http://127.0.0.1:PORT/"); nullopt when none came within the deadline.
inline std::optional<int> listening_port(Daemon& d, std::size_t from = 0) {
  const auto end = d.wait_log("SLOB_HTTP_LISTENING", from);
  if (!end) return std::nullopt;
  const std::string text = d.log().substr(from, *end - from);
  static const std::regex port(R"(SLOB_HTTP_LISTENING: serving http://[0-9.]+:([0-9]+)/)");
  std::smatch m;
  std::optional<int> found;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), port); it != std::sregex_iterator(); ++it)
    found = std::stoi((*it)[1]);
  return found;
}

// The daemon's resident memory (VmRSS in /proc/PID/status), in KiB.
inline long vm_rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace slob::test
