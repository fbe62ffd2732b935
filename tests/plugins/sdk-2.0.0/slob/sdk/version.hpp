#pragma once

// FROZEN: sdk/include/slob/sdk/version.hpp as SDK 1.0.0 released it. Never edit: the test plugin
// built with this folder before sdk/include is "a plugin built against SDK 1.0.0", and every
// later 1.x host must load it (tests/sdk_compat.cmake).

// The SDK's version, compiled into every plugin's descriptor (plugin.hpp). The host loads a
// plugin of the same major and a minor no newer than its own; the patch never decides. What a
// minor may add and what needs a major: sdk/README.md, "Compatibility".
//
// 1.0.0: the vocabulary settled (0.2.0 added HostServices::settings() and
// BrokerListener::on_position(), 0.3.0 SetupUpdate::outcome and ConfigValue tables and
// positions); from here on the compatibility promise holds.
//
// Only these three numbers change from release to release: CMake reads them
// (cmake/SlobSdkVersion.cmake) and tests build plugins against copies with other numbers.
#define SLOB_SDK_VERSION_MAJOR 2
#define SLOB_SDK_VERSION_MINOR 0
#define SLOB_SDK_VERSION_PATCH 0

#define SLOB_SDK_VERSION_STR_(x) #x
#define SLOB_SDK_VERSION_STR(x) SLOB_SDK_VERSION_STR_(x)
#define SLOB_SDK_VERSION                                                                   \
  SLOB_SDK_VERSION_STR(SLOB_SDK_VERSION_MAJOR)                                             \
  "." SLOB_SDK_VERSION_STR(SLOB_SDK_VERSION_MINOR) "." SLOB_SDK_VERSION_STR(SLOB_SDK_VERSION_PATCH)
