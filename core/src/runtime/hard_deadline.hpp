#pragma once

// A last-resort guard for shutdown: a thread that ends the process with exit code 1 when a
// deadline passes, even if the event loop is blocked (a plugin stuck in a system call). It is the
// one place outside the Clock seam that waits on real time, because it must work precisely when
// the loop — and so every Clock timer — cannot run.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace slob::core {

class HardDeadline {
 public:
  HardDeadline() = default;
  ~HardDeadline();
  HardDeadline(const HardDeadline&) = delete;
  HardDeadline& operator=(const HardDeadline&) = delete;

  // Starts the guard; `after` from now the process exits with code 1 after writing
  // "<message_prefix><current note>" to stderr. Re-arming is not supported.
  void arm(std::chrono::microseconds after, std::string message_prefix);
  // What is still undone, shown if the deadline fires.
  void note(std::string text);
  void disarm();

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool disarmed_ = false;
  std::string prefix_;
  std::string note_;
  std::thread thread_;
};

}  // namespace slob::core
