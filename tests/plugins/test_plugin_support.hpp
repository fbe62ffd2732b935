#pragma once

// Shared by the test-only plugins: how a plugin behaves when the host asks it to stop, so tests
// can prove the bounded shutdown (a plugin that never finishes, one that blocks the loop).

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "slob/sdk/config.hpp"

namespace slob::test_plugins {

enum class StopMode { kNormal, kNever, kBlock };

inline StopMode read_stop_mode(sdk::ConfigReader& reader) {
  const std::string mode = reader.get_string("stop_mode", "normal");
  if (mode == "never") return StopMode::kNever;
  if (mode == "block") return StopMode::kBlock;
  if (mode != "normal") reader.add_error("stop_mode", "stop_mode must be normal, never or block");
  return StopMode::kNormal;
}

inline void stop_as(StopMode mode, std::function<void()> done) {
  switch (mode) {
    case StopMode::kNormal:
      done();
      return;
    case StopMode::kNever:
      return;  // never calls done: the host's per-step timeout must move on
    case StopMode::kBlock:
      // Blocks the loop thread for good: only the host's hard deadline can end the process.
      for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
  }
}

}  // namespace slob::test_plugins
