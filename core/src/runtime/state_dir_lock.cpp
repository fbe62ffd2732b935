#include "runtime/state_dir_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace slob::core {
namespace {

std::string read_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? "unknown" : pid;
}

}  // namespace

sdk::Result<std::unique_ptr<StateDirLock>> StateDirLock::acquire(const std::filesystem::path& state_dir) {
  const std::filesystem::path path = state_dir / kFileName;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return sdk::Status::io_error(path.string() + ": cannot open the lock file: " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const std::string holder = read_pid(fd);
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return sdk::Status::failed_precondition("state_dir " + state_dir.string() +
                                              " is in use by another slob-host (pid " + holder +
                                              "): one store, one daemon");
    }
    return sdk::Status::io_error(path.string() + ": cannot lock: " + std::strerror(err));
  }
  // Only for the message a second daemon prints: the lock holds without it.
  const std::string pid = std::to_string(::getpid()) + "\n";
  const bool pid_written = ::ftruncate(fd, 0) == 0 &&
                           ::pwrite(fd, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size());
  static_cast<void>(pid_written);
  return std::make_unique<StateDirLock>(fd);
}

StateDirLock::~StateDirLock() { ::close(fd_); }

}  // namespace slob::core
