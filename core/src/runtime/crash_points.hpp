#pragma once

// Deterministic crash points for crash-safety tests, the way LevelDB and SQLite test theirs:
// named places on the order path where the process kills itself with SIGKILL — no destructor,
// no flush, no shutdown sequence — exactly as `kill -9` or a power cut would stop it there.
//
// Armed by the environment, `SLOB_CRASH_AT=<point>[:<nth>]` (nth defaults to 1): the process
// kills itself the nth time it reaches that point. The variable is read once at startup; an
// unknown point or a bad count is refused so a typo cannot silently test nothing. Unarmed, a
// point costs one comparison with a constant. The armed state is process-wide and the points are
// reached on the loop thread only, so it needs no locking.
//
// The points (docs/decisions.md "Crash points" says what each proves):
//   before-journal     a bracket intent exists, its journal commit has not happened
//   after-journal      the intent is durable, nothing of it has gone to the broker
//   after-send         the broker plugin accepted the bracket, no report of it has arrived
//   before-ack-record  a broker order report arrived, its journal change is not stored
//   after-ack          a broker order report is stored in the journal
//   before-fill-record an execution arrived, it is not in the fill ledger
//   after-fill-record  the execution is in the fill ledger
//   after-alert        an observer confirmed a delivery, its cursor is not stored

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "slob/sdk/logger.hpp"
#include "slob/sdk/status.hpp"

namespace slob::core {

enum class CrashPoint {
  kBeforeJournal,
  kAfterJournal,
  kAfterSend,
  kBeforeAckRecord,
  kAfterAck,
  kBeforeFillRecord,
  kAfterFillRecord,
  kAfterAlert,
};

inline constexpr const char* kCrashAtVariable = "SLOB_CRASH_AT";

// Every point's name, in the order above.
const std::vector<std::string_view>& crash_point_names();

// Arms the point `spec` names ("after-send", "after-send:3"); an empty spec disarms.
// Errors name the variable, the spec and the known points.
sdk::Status arm_crash_point(std::string_view spec);

// Arms from $SLOB_CRASH_AT (unset or empty: nothing armed).
sdk::Status arm_crash_point_from_environment();

// The armed point as "name:nth", or "" when nothing is armed (for the startup warning).
std::string armed_crash_point();

namespace detail {
inline int armed_point = -1;  // index into CrashPoint, -1: unarmed
[[noreturn]] void crash_now(CrashPoint point, sdk::Logger& log);
bool count_arrival();  // true when this arrival is the armed nth one
}  // namespace detail

// Reached `point`: when it is the armed one and this is its nth arrival, logs
// SLOB_CRASH_POINT (critical; the sinks flush every line) and SIGKILLs the process.
inline void crash_point(CrashPoint point, sdk::Logger& log) {
  if (detail::armed_point != static_cast<int>(point)) return;
  if (detail::count_arrival()) detail::crash_now(point, log);
}

}  // namespace slob::core
