// Broken on purpose: an SDK ABI version the host does not speak. The rest of the descriptor is
// deliberately garbage, because a host that reads past a wrong ABI version is already wrong.
#include "slob/sdk/plugin.hpp"

namespace {
const slob::sdk::PluginDescriptor descriptor{999, {}, slob::sdk::PluginKind::kBroker,
                                             nullptr, nullptr, 0, nullptr, nullptr, nullptr, nullptr};
}
BOOST_DLL_ALIAS(descriptor, slob_plugin_descriptor)
