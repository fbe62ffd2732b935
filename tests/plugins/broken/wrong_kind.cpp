// Broken on purpose for the broker slot: a valid strategy plugin, offered where a broker goes.
#include "slob/sdk/host_services.hpp"
#include "slob/sdk/strategy.hpp"

namespace {
slob::sdk::Result<std::unique_ptr<slob::sdk::Strategy>> make(slob::sdk::HostServices&,
                                                             const slob::sdk::ConfigTable&) {
  return slob::sdk::Status::internal("never called");
}
}  // namespace
SLOB_STRATEGY_PLUGIN("wrongkind", "1.0", 0, &make)
