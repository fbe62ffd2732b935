// The module: only the descriptor and the factory. The logic lives in slob_sim_broker so unit
// tests link it directly.

#include <memory>

#include "sim_broker.hpp"
#include "sim_config.hpp"
#include "slob/sdk/broker.hpp"
#include "slob/sdk/host_services.hpp"
#include "slob/sdk/plugin.hpp"

namespace {

slob::sdk::Result<std::unique_ptr<slob::sdk::Broker>> make_sim_broker(
    slob::sdk::HostServices& host, const slob::sdk::ConfigTable& table) {
  auto config = slob::plugins::sim::parse_sim_config(table, host.config_dir(), host.state_dir());
  if (!config.is_ok()) return config.status();
  config.value().symbol = host.settings().symbol;
  auto broker = slob::plugins::sim::SimBroker::create(host, std::move(config.value()));
  if (!broker.is_ok()) return broker.status();
  return std::unique_ptr<slob::sdk::Broker>(std::move(broker.value()));
}

}  // namespace

SLOB_BROKER_PLUGIN("sim", "1.0.0", slob::sdk::kPluginDrivesClock, &make_sim_broker)
