#pragma once

// systemd integration through libsystemd (Type=notify): READY=1 once Running, STATUS= with the
// lifecycle state, STOPPING=1 when draining, and WATCHDOG=1 only while the event loop makes
// progress — the ping is a timer on the loop itself, so a stuck loop stops the pings and systemd
// restarts the service. Without NOTIFY_SOCKET every call is a no-op.

#include <string>

#include "slob/sdk/clock.hpp"

namespace slob::core {

class SystemdNotifier {
 public:
  explicit SystemdNotifier(sdk::Clock& wall_clock);
  ~SystemdNotifier();

  void ready();
  void status(const std::string& text);
  void stopping();

 private:
  void ping();

  sdk::Clock& clock_;
  sdk::Duration watchdog_interval_{0};
  sdk::TimerId timer_ = sdk::kNoTimer;
  bool ready_sent_ = false;
};

}  // namespace slob::core
