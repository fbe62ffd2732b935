// Broken on purpose: a broker descriptor whose factory slot is empty.
#include "slob/sdk/broker.hpp"

namespace {
const slob::sdk::PluginDescriptor descriptor{
    slob::sdk::kSdkAbiVersion, slob::sdk::kBuildInfo, slob::sdk::PluginKind::kBroker,
    "nofactory", "1.0", 0, nullptr, nullptr, nullptr, nullptr};
}
BOOST_DLL_ALIAS(descriptor, slob_plugin_descriptor)
