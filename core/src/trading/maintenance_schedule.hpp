#pragma once

// Maintenance windows: the times the broker is expected to be away (IB's nightly server reset
// 00:15–01:45 New York time and the weekend restart Friday 23:00 – Saturday 03:00, ib-api.md §9).
// Inside a window the host opens no new entries, and failed connection attempts are retried but
// not counted toward safe mode (ARCHITECTURE §5).
//
// A window is written "<days> HH:MM-HH:MM" in the schedule's time zone: days are `daily`, one day
// (`fri`), a range (`sun-fri`, wrapping past Sunday is allowed) or a list (`sat,sun`). An end at
// or before the start means the window runs past midnight into the next day ("fri 23:00-03:00"
// ends Saturday 03:00). The days name the day a window starts. Local times are converted through
// the tz database, so windows keep their wall-clock hours across DST changes.
//
// Immutable after make(); safe to share between threads.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "slob/sdk/status.hpp"
#include "slob/sdk/time.hpp"

namespace date {
class time_zone;
}

namespace slob::core {

struct MaintenanceWindow {
  std::string spec;             // as written, for messages
  std::uint8_t start_days = 0;  // bit d = the window starts on weekday d (0 = Sunday)
  int start_minute = 0;         // minutes after local midnight
  int end_minute = 0;           // on the start day, or the next day when <= start_minute
};

// Parses one window; the error names what is wrong with `spec` (no position: the caller adds it).
sdk::Result<MaintenanceWindow> parse_maintenance_window(const std::string& spec);

struct ActiveMaintenance {
  std::string spec;  // the window we are in
  sdk::Time ends;    // the UTC instant it ends
};

class MaintenanceSchedule {
 public:
  // An unknown zone fails. No windows is a valid schedule that is never active.
  static sdk::Result<MaintenanceSchedule> make(const std::string& zone,
                                               const std::vector<std::string>& specs);

  // The window `t` falls in, if any (start inclusive, end exclusive).
  std::optional<ActiveMaintenance> active_at(sdk::Time t) const;

  const std::vector<MaintenanceWindow>& windows() const { return windows_; }

 private:
  MaintenanceSchedule(const date::time_zone* zone, std::vector<MaintenanceWindow> windows)
      : zone_(zone), windows_(std::move(windows)) {}
  const date::time_zone* zone_;
  std::vector<MaintenanceWindow> windows_;
};

}  // namespace slob::core
