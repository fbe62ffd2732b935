#pragma once

// Process-wide registry of open store directories. LMDB must never have one environment open
// twice in a process: closing either copy drops the fcntl locks of both, and the lock table
// then no longer protects readers (LMDB docs, "Caveats").
//
// A directory is identified by device and inode, so two spellings of one path (symlinks,
// "a/../b") are the same environment. The registry lives in this library: a static copy of the
// plugin library linked into a test and the loaded .so each have their own.
//
// Thread-safe.

#include <sys/types.h>

#include <string>

#include "slob/sdk/status.hpp"

namespace slob::plugins::lmdb {

class EnvClaim {
 public:
  EnvClaim() = default;
  ~EnvClaim();
  EnvClaim(EnvClaim&& other) noexcept;
  EnvClaim& operator=(EnvClaim&& other) noexcept;
  EnvClaim(const EnvClaim&) = delete;
  EnvClaim& operator=(const EnvClaim&) = delete;

  // Claims the existing directory `dir`. Fails with kFailedPrecondition when this process
  // already holds it, kIoError when it cannot be stat'ed.
  static sdk::Result<EnvClaim> acquire(const std::string& dir);

 private:
  EnvClaim(dev_t dev, ino_t ino) : dev_(dev), ino_(ino), held_(true) {}
  void release() noexcept;

  dev_t dev_ = 0;
  ino_t ino_ = 0;
  bool held_ = false;
};

}  // namespace slob::plugins::lmdb
