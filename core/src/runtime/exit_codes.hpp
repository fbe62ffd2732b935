#pragma once

// Process exit codes (ARCHITECTURE §10): a stable contract for systemd units and scripts.

namespace slob::core {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntimeFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitConfig = 78;  // EX_CONFIG from sysexits.h

}  // namespace slob::core
