#pragma once

// The plugin ABI (ARCHITECTURE §4). A plugin is a shared library `libslob-<name>.so` exporting one
// PluginDescriptor through Boost.DLL under the alias `slob_plugin_descriptor`.
//
// The host reads `abi_version` first and nothing else when it differs, so that field stays the
// first member forever; it changes only with the descriptor's own layout. `build` then says what
// the plugin was compiled against and with; the host decides from it whether the C++ types
// crossing the boundary are the ones it has (core/src/plugins/build_compatibility.hpp, the
// promise in sdk/README.md "Compatibility").

#include <cstdint>
#include <functional>
#include <memory>

#include "slob/sdk/config.hpp"
#include "slob/sdk/status.hpp"
#include "slob/sdk/version.hpp"

// The SDK's inline code uses C++20 (string_view::starts_with, std::chrono::sys_days); beyond this
// floor the language standard is not compared (sdk/README.md "Compatibility").
#if __cplusplus < 202002L
#error "the slob SDK needs C++20 or later"
#endif

#define SLOB_SDK_STR_(x) #x
#define SLOB_SDK_STR(x) SLOB_SDK_STR_(x)

#if defined(__SANITIZE_ADDRESS__)
#define SLOB_SDK_SANITIZER "asan"
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOB_SDK_SANITIZER "asan"
#else
#define SLOB_SDK_SANITIZER "none"
#endif
#else
#define SLOB_SDK_SANITIZER "none"
#endif

// Reported, never compared: GCC and Clang on one standard library share one ABI.
#if defined(__clang__)
#define SLOB_SDK_COMPILER "clang-" SLOB_SDK_STR(__clang_major__) "." SLOB_SDK_STR(__clang_minor__)
#elif defined(__GNUC__)
#define SLOB_SDK_COMPILER "gcc-" SLOB_SDK_STR(__GNUC__) "." SLOB_SDK_STR(__GNUC_MINOR__)
#else
#define SLOB_SDK_COMPILER "unknown"
#endif

// The Itanium C++ ABI (vtables, RTTI, exceptions, name mangling) of GCC and Clang on every
// Unix; __GXX_ABI_VERSION is its mark. Its value differs between GCC and Clang releases for
// corner cases the SDK does not use (-fabi-version), so only its presence counts.
#if defined(__GXX_ABI_VERSION)
#define SLOB_SDK_CXX_ABI "itanium"
#else
#define SLOB_SDK_CXX_ABI "unknown"
#endif

// The standard library decides the layout of every std:: type in the SDK (std::string,
// std::function, std::vector, ...). libstdc++ has two: _GLIBCXX_USE_CXX11_ABI=1 (the default
// since GCC 5) and the old copy-on-write string of =0. Checked after <cstdint>, which defines
// the macros.
#if defined(_LIBCPP_VERSION)
#define SLOB_SDK_STDLIB "libc++"
#elif defined(_GLIBCXX_USE_CXX11_ABI)
#define SLOB_SDK_STDLIB "libstdc++ (_GLIBCXX_USE_CXX11_ABI=" SLOB_SDK_STR(_GLIBCXX_USE_CXX11_ABI) ")"
#else
#define SLOB_SDK_STDLIB "unknown"
#endif

namespace slob::sdk {

class HostServices;
class Broker;
class Store;
class Strategy;
class Observer;

// The descriptor's layout. 3: `create_observer` (SDK 2.0). 2: `build` (BuildInfo) replaced the
// one-string build signature.
inline constexpr std::uint32_t kSdkAbiVersion = 3;

// What a plugin (or the host) was compiled against and with. The host compares it field by
// field; strings are short, stable spellings, shown as they are in a refusal.
struct BuildInfo {
  std::uint32_t sdk_major;  // same major only
  std::uint32_t sdk_minor;  // no newer than the host's
  std::uint32_t sdk_patch;  // never decides
  const char* cxx_abi;      // SLOB_SDK_CXX_ABI: equal, and not "unknown"
  const char* stdlib;       // SLOB_SDK_STDLIB: equal, and not "unknown"
  const char* sanitizer;    // SLOB_SDK_SANITIZER: equal (a sanitized build and a plain one
                            // cannot share objects: allocations, shadow memory)
  long cxx_standard;        // __cplusplus: reported, not compared
  const char* compiler;     // SLOB_SDK_COMPILER: reported, not compared
};

// This build's BuildInfo: in a plugin, what its descriptor carries; in the host, what it accepts.
inline constexpr BuildInfo kBuildInfo{SLOB_SDK_VERSION_MAJOR, SLOB_SDK_VERSION_MINOR,
                                      SLOB_SDK_VERSION_PATCH, SLOB_SDK_CXX_ABI,
                                      SLOB_SDK_STDLIB,        SLOB_SDK_SANITIZER,
                                      __cplusplus,            SLOB_SDK_COMPILER};

enum class PluginKind : std::uint32_t { kBroker = 1, kStore = 2, kStrategy = 3, kObserver = 4 };

inline const char* plugin_kind_name(PluginKind k) {
  switch (k) {
    case PluginKind::kBroker: return "broker";
    case PluginKind::kStore: return "store";
    case PluginKind::kStrategy: return "strategy";
    case PluginKind::kObserver: return "observer";
  }
  return "unknown";
}

// Descriptor flags. A minor release may add a flag whose absence means what an older plugin
// does; a host never sees a flag newer than itself (it refuses newer minors).
inline constexpr std::uint32_t kPluginDrivesClock = 1u << 0;  // replays data: owns simulated time

// Base of every plugin object. Objects are destroyed by the host through the virtual destructor
// while their library is still mapped.
class Plugin {
 public:
  virtual ~Plugin() = default;

  // Orderly stop during shutdown or before a swap: flush, disconnect, cancel timers. Calls
  // `done` on the loop thread when finished. The host bounds the wait with a timeout.
  virtual void stop(std::function<void()> done) { done(); }
};

// Factories get the plugin's services (valid for the object's whole life) and its config table.
// They validate the whole table (ConfigReader) and return every error at once.
using BrokerFactory = Result<std::unique_ptr<Broker>> (*)(HostServices&, const ConfigTable&);
using StoreFactory = Result<std::unique_ptr<Store>> (*)(HostServices&, const ConfigTable&);
using StrategyFactory = Result<std::unique_ptr<Strategy>> (*)(HostServices&, const ConfigTable&);
using ObserverFactory = Result<std::unique_ptr<Observer>> (*)(HostServices&, const ConfigTable&);

struct PluginDescriptor {
  std::uint32_t abi_version;  // must stay first
  BuildInfo build;
  PluginKind kind;
  const char* name;
  const char* version;
  std::uint32_t flags;
  // Exactly the factory of `kind` is set; the others are null.
  BrokerFactory create_broker;
  StoreFactory create_store;
  StrategyFactory create_strategy;
  ObserverFactory create_observer;
};

}  // namespace slob::sdk

// Export helpers: use exactly one in a plugin's source, at namespace scope.
//   SLOB_BROKER_PLUGIN("sim", "1.0.0", slob::sdk::kPluginDrivesClock, &make_sim_broker)
#include <boost/dll/alias.hpp>

#define SLOB_PLUGIN_DESCRIPTOR_(kind_, name_, version_, flags_, broker_, store_, strategy_,     \
                                observer_)                                                    \
  namespace {                                                                                 \
  const ::slob::sdk::PluginDescriptor slob_plugin_descriptor_instance{                        \
      ::slob::sdk::kSdkAbiVersion, ::slob::sdk::kBuildInfo, kind_, name_, version_, flags_,     \
      broker_, store_, strategy_, observer_};                                                 \
  }                                                                                           \
  BOOST_DLL_ALIAS(slob_plugin_descriptor_instance, slob_plugin_descriptor)

#define SLOB_BROKER_PLUGIN(name_, version_, flags_, factory_)                                \
  SLOB_PLUGIN_DESCRIPTOR_(::slob::sdk::PluginKind::kBroker, name_, version_, flags_, factory_, \
                          nullptr, nullptr, nullptr)
#define SLOB_STORE_PLUGIN(name_, version_, flags_, factory_)                                \
  SLOB_PLUGIN_DESCRIPTOR_(::slob::sdk::PluginKind::kStore, name_, version_, flags_, nullptr, \
                          factory_, nullptr, nullptr)
#define SLOB_STRATEGY_PLUGIN(name_, version_, flags_, factory_)                                \
  SLOB_PLUGIN_DESCRIPTOR_(::slob::sdk::PluginKind::kStrategy, name_, version_, flags_, nullptr, \
                          nullptr, factory_, nullptr)
#define SLOB_OBSERVER_PLUGIN(name_, version_, flags_, factory_)                                \
  SLOB_PLUGIN_DESCRIPTOR_(::slob::sdk::PluginKind::kObserver, name_, version_, flags_, nullptr, \
                          nullptr, nullptr, factory_)
