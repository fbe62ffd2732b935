// Broken on purpose: it says libc++ built it. Every std:: type in the SDK has another layout
// there, so the host (libstdc++) must refuse it, whatever the SDK version says.
#include "slob/sdk/broker.hpp"

namespace {
const slob::sdk::PluginDescriptor descriptor{
    slob::sdk::kSdkAbiVersion,
    {SLOB_SDK_VERSION_MAJOR, SLOB_SDK_VERSION_MINOR, SLOB_SDK_VERSION_PATCH, SLOB_SDK_CXX_ABI,
     "libc++", SLOB_SDK_SANITIZER, __cplusplus, "clang-16.0"},
    slob::sdk::PluginKind::kBroker, "wrongstdlib", "1.0", 0, nullptr, nullptr, nullptr, nullptr};
}
BOOST_DLL_ALIAS(descriptor, slob_plugin_descriptor)
