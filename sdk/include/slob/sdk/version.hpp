#pragma once

// The SDK's version, compiled into every plugin's descriptor (plugin.hpp). The host loads a
// plugin of the same major and a minor no newer than its own; the patch never decides. What a
// minor may add and what needs a major: sdk/README.md, "Compatibility".
//
// 1.0.0: the vocabulary settled (0.2.0 added HostServices::settings() and
// BrokerListener::on_position(), 0.3.0 SetupUpdate::outcome and ConfigValue tables and
// positions); from here on the compatibility promise holds.
// 2.0.0: the operator event stream — AuditEvent carries a type, a severity and fields
// (events.hpp); the observer plugin kind (observer.hpp, PluginKind::kObserver, the descriptor's
// create_observer); the store keeps observer cursors and scans events from a sequence.
// 2.1.0: HostServices::read_view (appended), what slob-ctl can read, for observers.
// 2.2.0: BrokerListener::on_heartbeat (appended), a heartbeat's round trip for the host's
// metrics; read_view knows "metrics" (the Prometheus text format, not JSON).
//
// Only these three numbers change from release to release: CMake reads them
// (cmake/SlobSdkVersion.cmake) and tests build plugins against copies with other numbers.
#define SLOB_SDK_VERSION_MAJOR 2
#define SLOB_SDK_VERSION_MINOR 2
#define SLOB_SDK_VERSION_PATCH 0

#define SLOB_SDK_VERSION_STR_(x) #x
#define SLOB_SDK_VERSION_STR(x) SLOB_SDK_VERSION_STR_(x)
#define SLOB_SDK_VERSION                                                                   \
  SLOB_SDK_VERSION_STR(SLOB_SDK_VERSION_MAJOR)                                             \
  "." SLOB_SDK_VERSION_STR(SLOB_SDK_VERSION_MINOR) "." SLOB_SDK_VERSION_STR(SLOB_SDK_VERSION_PATCH)
