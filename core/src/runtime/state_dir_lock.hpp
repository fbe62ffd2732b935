#pragma once

// One slob-host per state directory. Two daemons on one store would each reconcile, each send
// the same setup's bracket and each record the other's fills as foreign: the lock makes the
// second one refuse to start instead. flock(2) on `<state_dir>/slob-host.lock`, held for the
// life of the object; the kernel drops it when the process dies, kill -9 included, so a crash
// never leaves a stale lock behind. The file holds the holder's pid, for the refusal message.
//
// Threading: none; the host takes it once at startup, before it opens any plugin.

#include <filesystem>
#include <memory>

#include "slob/sdk/status.hpp"

namespace slob::core {

class StateDirLock {
 public:
  static constexpr const char* kFileName = "slob-host.lock";

  // Fails with failed_precondition (naming the holder's pid) when another process holds it,
  // io_error when the file cannot be opened or locked.
  static sdk::Result<std::unique_ptr<StateDirLock>> acquire(const std::filesystem::path& state_dir);

  explicit StateDirLock(int fd) : fd_(fd) {}
  ~StateDirLock();
  StateDirLock(const StateDirLock&) = delete;
  StateDirLock& operator=(const StateDirLock&) = delete;

 private:
  int fd_;
};

}  // namespace slob::core
