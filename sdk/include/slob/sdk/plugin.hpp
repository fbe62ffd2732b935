#pragma once

// The plugin ABI (ARCHITECTURE §4). A plugin is a shared library `libslob-<name>.so` exporting one
// PluginDescriptor through Boost.DLL under the alias `slob_plugin_descriptor`.
//
// The host reads `abi_version` first and nothing else when it differs, so that field stays the
// first member forever. The build signature then guards everything C++ crosses the boundary
// with: compiler, standard-library ABI, language standard, sanitizer and SDK version must match.

#include <cstdint>
#include <functional>
#include <memory>

#include "slob/sdk/config.hpp"
#include "slob/sdk/status.hpp"
#include "slob/sdk/version.hpp"

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

#if defined(__clang__)
#define SLOB_SDK_COMPILER "clang-" SLOB_SDK_STR(__clang_major__) "." SLOB_SDK_STR(__clang_minor__)
#elif defined(__GNUC__)
#define SLOB_SDK_COMPILER "gcc-" SLOB_SDK_STR(__GNUC__) "." SLOB_SDK_STR(__GNUC_MINOR__)
#else
#define SLOB_SDK_COMPILER "unknown"
#endif

#if defined(_GLIBCXX_USE_CXX11_ABI)
#define SLOB_SDK_STDLIB "libstdc++-cxx11abi" SLOB_SDK_STR(_GLIBCXX_USE_CXX11_ABI)
#else
#define SLOB_SDK_STDLIB "other-stdlib"
#endif

namespace slob::sdk {

class HostServices;
class Broker;
class Store;
class Strategy;

inline constexpr std::uint32_t kSdkAbiVersion = 1;

// Compiled into both host and plugin; equal strings mean the C++ types crossing the boundary
// have the same layout.
inline constexpr const char kBuildSignature[] =
    SLOB_SDK_COMPILER ";" SLOB_SDK_STDLIB ";cxx" SLOB_SDK_STR(__cplusplus) ";san-" SLOB_SDK_SANITIZER
    ";sdk-" SLOB_SDK_VERSION;

enum class PluginKind : std::uint32_t { kBroker = 1, kStore = 2, kStrategy = 3 };

inline const char* plugin_kind_name(PluginKind k) {
  switch (k) {
    case PluginKind::kBroker: return "broker";
    case PluginKind::kStore: return "store";
    case PluginKind::kStrategy: return "strategy";
  }
  return "unknown";
}

// Descriptor flags.
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

struct PluginDescriptor {
  std::uint32_t abi_version;  // must stay first
  const char* build_signature;
  PluginKind kind;
  const char* name;
  const char* version;
  std::uint32_t flags;
  // Exactly the factory of `kind` is set; the others are null.
  BrokerFactory create_broker;
  StoreFactory create_store;
  StrategyFactory create_strategy;
};

}  // namespace slob::sdk

// Export helpers: use exactly one in a plugin's source, at namespace scope.
//   SLOB_BROKER_PLUGIN("sim", "1.0.0", slob::sdk::kPluginDrivesClock, &make_sim_broker)
#include <boost/dll/alias.hpp>

#define SLOB_PLUGIN_DESCRIPTOR_(kind_, name_, version_, flags_, broker_, store_, strategy_)     \
  namespace {                                                                                 \
  const ::slob::sdk::PluginDescriptor slob_plugin_descriptor_instance{                        \
      ::slob::sdk::kSdkAbiVersion, ::slob::sdk::kBuildSignature, kind_, name_, version_, flags_, \
      broker_, store_, strategy_};                                                            \
  }                                                                                           \
  BOOST_DLL_ALIAS(slob_plugin_descriptor_instance, slob_plugin_descriptor)

#define SLOB_BROKER_PLUGIN(name_, version_, flags_, factory_)                                \
  SLOB_PLUGIN_DESCRIPTOR_(::slob::sdk::PluginKind::kBroker, name_, version_, flags_, factory_, \
                          nullptr, nullptr)
#define SLOB_STORE_PLUGIN(name_, version_, flags_, factory_)                                \
  SLOB_PLUGIN_DESCRIPTOR_(::slob::sdk::PluginKind::kStore, name_, version_, flags_, nullptr, \
                          factory_, nullptr)
#define SLOB_STRATEGY_PLUGIN(name_, version_, flags_, factory_)                                \
  SLOB_PLUGIN_DESCRIPTOR_(::slob::sdk::PluginKind::kStrategy, name_, version_, flags_, nullptr, \
                          nullptr, factory_)
