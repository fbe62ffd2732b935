// Broken on purpose: its factory throws (a plugin bug); the host must refuse it, not crash.
#include <stdexcept>

#include "slob/sdk/broker.hpp"
#include "slob/sdk/host_services.hpp"

namespace {
slob::sdk::Result<std::unique_ptr<slob::sdk::Broker>> make(slob::sdk::HostServices&,
                                                           const slob::sdk::ConfigTable&) {
  throw std::runtime_error("cannot allocate the order book");
}
}  // namespace
SLOB_BROKER_PLUGIN("throwingfactory", "1.0", 0, &make)
