#pragma once

// What the kill -9 tests share: one daemon configuration (lmdb store, sync full, in its own
// directory) started again and again, armed with SLOB_CRASH_AT or not, its logs, and its exports;
// and the reading helpers for JSON-lines exports.

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "process.hpp"

namespace slob::test::resilience {

inline const std::string kFixtures = SLOB_TEST_FIXTURES_DIR;
inline constexpr int kKilled = 128 + SIGKILL;

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

inline std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Orders without the fields that legitimately differ between runs (wall-clock times, notes).
inline std::string stable_orders(const std::string& jsonl) {
  std::string out;
  for (const auto& l : lines(jsonl)) {
    auto order = nlohmann::json::parse(l);
    for (const char* field : {"created", "updated", "note"}) order.erase(field);
    out += order.dump() + "\n";
  }
  return out;
}

// One daemon configuration in its own directory, started again and again.
class Daemon {
 public:
  explicit Daemon(const std::string& broker_and_strategy) {
    std::ofstream(config_) << "[host]\nstate_dir = \"state\"\nplugin_dirs = [\"" << SLOB_TEST_PLUGIN_DIR
                           << "\", \"" << SLOB_TEST_ONLY_PLUGIN_DIR
                           << "\"]\ncontrol_socket = \"state/slob.sock\"\n"
                           << "[store]\nplugin = \"lmdb\"\n[store.config]\npath = \"state/lmdb\"\n"
                           << "sync = \"full\"\n"
                           << broker_and_strategy;
  }

  // Starts slob-host, armed with SLOB_CRASH_AT=`crash_at` unless empty. `env` execs slob-host
  // in place, so the PID is the daemon's.
  std::unique_ptr<slob::test::Process> start(const std::string& crash_at = "") {
    ++runs_;
    std::vector<std::string> argv = {"/usr/bin/env", "SLOB_CRASH_AT=" + crash_at, SLOB_HOST_BIN,
                                     "--config", config_.string()};
    return std::make_unique<slob::test::Process>(argv, dir_ / ("out-" + std::to_string(runs_) + ".log"),
                                     dir_ / ("err-" + std::to_string(runs_) + ".log"));
  }
  // Every run's log (stderr), in order.
  std::string logs() const {
    std::string all;
    for (int i = 1; i <= runs_; ++i) all += slob::test::read_file(dir_ / ("err-" + std::to_string(i) + ".log"));
    return all;
  }
  std::string export_kind(const std::string& kind) const {
    auto r = slob::test::run({SLOB_HOST_BIN, "--config", config_.string(), "export", kind}, dir_.path());
    REQUIRE(r.code == 0);
    return r.out;
  }
  std::vector<nlohmann::json> export_json(const std::string& kind) const {
    std::vector<nlohmann::json> out;
    for (const auto& l : lines(export_kind(kind))) out.push_back(nlohmann::json::parse(l));
    return out;
  }
  std::filesystem::path state(const std::string& name) const { return dir_ / "state" / name; }
  // For the next start.
  void append_config(const std::string& text) { std::ofstream(config_, std::ios::app) << text; }

 private:
  slob::test::TempDir dir_;
  std::filesystem::path config_ = dir_ / "slob.toml";
  int runs_ = 0;
};

}  // namespace slob::test::resilience
