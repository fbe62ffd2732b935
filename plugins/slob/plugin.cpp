// The slob strategy plugin module: the descriptor and the factory. The logic lives in the
// slob_strategy_lib static library so unit tests link it directly.

#include <memory>

#include "slob/sdk/host_services.hpp"
#include "slob/sdk/plugin.hpp"
#include "slob/sdk/strategy.hpp"
#include "slob_config.hpp"
#include "slob_strategy.hpp"

namespace slob::plugins::slob {
namespace {

sdk::Result<std::unique_ptr<sdk::Strategy>> make_slob_strategy(sdk::HostServices& host,
                                                               const sdk::ConfigTable& table) {
  auto config = parse_slob_config(table, host.settings().trading_timezone);
  if (!config) return config.status();
  host.logger().info("SLOB_STRATEGY_CREATED",
                     "timezone " + config->timezone_name + ", New York open " +
                         config->ny_open.zone_name);
  return std::unique_ptr<sdk::Strategy>(std::make_unique<SlobStrategy>(*config, host.logger()));
}

}  // namespace
}  // namespace slob::plugins::slob

SLOB_STRATEGY_PLUGIN("slob", "1.0.0", 0, &slob::plugins::slob::make_slob_strategy)
