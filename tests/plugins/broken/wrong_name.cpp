// Broken on purpose: file libslob-wrongname.so declares another plugin's name.
#include "slob/sdk/broker.hpp"
#include "slob/sdk/host_services.hpp"

namespace {
slob::sdk::Result<std::unique_ptr<slob::sdk::Broker>> make(slob::sdk::HostServices&,
                                                           const slob::sdk::ConfigTable&) {
  return slob::sdk::Status::internal("never called");
}
}  // namespace
SLOB_BROKER_PLUGIN("sim", "1.0", 0, &make)
