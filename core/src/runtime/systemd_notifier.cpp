#include "runtime/systemd_notifier.hpp"

#include <systemd/sd-daemon.h>

namespace slob::core {

SystemdNotifier::SystemdNotifier(sdk::Clock& wall_clock) : clock_(wall_clock) {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    watchdog_interval_ = sdk::Duration(static_cast<sdk::Duration::rep>(usec / 2));
    // Pinged from the start: connecting may take minutes of backoff before READY=1.
    timer_ = clock_.call_after(watchdog_interval_, [this] { ping(); });
  }
}

SystemdNotifier::~SystemdNotifier() {
  if (timer_ != sdk::kNoTimer) clock_.cancel(timer_);
}

void SystemdNotifier::ready() {
  if (ready_sent_) return;
  ready_sent_ = true;
  sd_notify(0, "READY=1");
}

void SystemdNotifier::status(const std::string& text) {
  sd_notify(0, ("STATUS=" + text).c_str());
}

void SystemdNotifier::stopping() { sd_notify(0, "STOPPING=1"); }

void SystemdNotifier::ping() {
  sd_notify(0, "WATCHDOG=1");
  timer_ = clock_.call_after(watchdog_interval_, [this] { ping(); });
}

}  // namespace slob::core
