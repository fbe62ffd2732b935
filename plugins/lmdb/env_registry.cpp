#include "env_registry.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <utility>

namespace slob::plugins::lmdb {

namespace {

struct Registry {
  std::mutex mutex;
  std::set<std::pair<dev_t, ino_t>> open;
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

sdk::Result<EnvClaim> EnvClaim::acquire(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    return sdk::Status::io_error(dir + ": cannot stat store directory: " + std::strerror(errno));
  }
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  if (!r.open.insert({st.st_dev, st.st_ino}).second) {
    return sdk::Status::failed_precondition(
        dir + ": store is already open in this process (an LMDB environment must not be opened "
              "twice)");
  }
  return EnvClaim(st.st_dev, st.st_ino);
}

EnvClaim::~EnvClaim() { release(); }

EnvClaim::EnvClaim(EnvClaim&& other) noexcept
    : dev_(other.dev_), ino_(other.ino_), held_(std::exchange(other.held_, false)) {}

EnvClaim& EnvClaim::operator=(EnvClaim&& other) noexcept {
  if (this != &other) {
    release();
    dev_ = other.dev_;
    ino_ = other.ino_;
    held_ = std::exchange(other.held_, false);
  }
  return *this;
}

void EnvClaim::release() noexcept {
  if (!held_) return;
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.open.erase({dev_, ino_});
  held_ = false;
}

}  // namespace slob::plugins::lmdb
