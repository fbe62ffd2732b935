// Broken on purpose: built "with another compiler" — a build signature that differs.
#include "slob/sdk/broker.hpp"

namespace {
const slob::sdk::PluginDescriptor descriptor{
    slob::sdk::kSdkAbiVersion, "gcc-4.8;libstdc++-cxx11abi0;cxx201103;san-none;sdk-0.0.1",
    slob::sdk::PluginKind::kBroker, "wrongsig", "1.0", 0, nullptr, nullptr, nullptr};
}
BOOST_DLL_ALIAS(descriptor, slob_plugin_descriptor)
