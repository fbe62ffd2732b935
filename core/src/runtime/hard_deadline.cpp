#include "runtime/hard_deadline.hpp"

#include <unistd.h>

#include <cstdio>

namespace slob::core {

HardDeadline::~HardDeadline() { disarm(); }

void HardDeadline::arm(std::chrono::microseconds after, std::string message_prefix) {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  prefix_ = std::move(message_prefix);
  const auto deadline = std::chrono::steady_clock::now() + after;
  thread_ = std::thread([this, deadline] {
    std::unique_lock lock(mutex_);
    if (cv_.wait_until(lock, deadline, [this] { return disarmed_; })) return;
    const std::string line = prefix_ + note_ + "\n";
    // write(2), not stdio or spdlog: the loop thread may hold their locks.
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
    ::_exit(1);
  });
}

void HardDeadline::note(std::string text) {
  std::lock_guard lock(mutex_);
  note_ = std::move(text);
}

void HardDeadline::disarm() {
  {
    std::lock_guard lock(mutex_);
    disarmed_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace slob::core
