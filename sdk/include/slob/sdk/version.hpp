#pragma once

// Part of the build signature (plugin.hpp): raised whenever a type crossing the plugin boundary
// changes, so a plugin built against an older SDK is refused instead of called through a stale
// vtable. 0.2.0: HostServices::settings(), BrokerListener::on_position(). 0.3.0:
// SetupUpdate::outcome (sdk::SetupOutcome) instead of the `finished` flag; ConfigValue holds
// tables and unsupported values and the key's position (one config reader for host and plugins).
#define SLOB_SDK_VERSION "0.3.0"
