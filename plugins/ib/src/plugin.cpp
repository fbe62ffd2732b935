// The ib plugin's module: the descriptor and the factory. The logic is in slob_ib.
#include <memory>

#include "ib_broker.hpp"
#include "ib_config.hpp"
#include "slob/sdk/plugin.hpp"

namespace {

slob::sdk::Result<std::unique_ptr<slob::sdk::Broker>> make_ib_broker(slob::sdk::HostServices& host,
                                                                     const slob::sdk::ConfigTable& table) {
  try {
    auto config = slob::plugins::ib::parse_ib_config(table, host.settings());
    if (!config) return config.status();
    return std::unique_ptr<slob::sdk::Broker>(std::make_unique<slob::plugins::ib::IbBroker>(host, std::move(*config)));
  } catch (const std::exception& e) {
    // Nothing throws across the plugin boundary (allocation failure is the only candidate).
    return slob::sdk::Status::internal(std::string("ib: ") + e.what());
  }
}

}  // namespace

SLOB_BROKER_PLUGIN("ib", "1.0.0", 0, &make_ib_broker)
