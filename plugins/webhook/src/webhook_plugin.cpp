// The webhook plugin's module: the descriptor and the factory.
#include <memory>

#include "slob/sdk/host_services.hpp"
#include "slob/sdk/plugin.hpp"
#include "webhook_config.hpp"
#include "webhook_observer.hpp"

namespace {

slob::sdk::Result<std::unique_ptr<slob::sdk::Observer>> make_webhook(
    slob::sdk::HostServices& host, const slob::sdk::ConfigTable& table) {
  try {
    auto config = slob::plugins::webhook::parse_webhook_config(table, host.config_dir());
    if (!config) return config.status();
    return std::unique_ptr<slob::sdk::Observer>(
        std::make_unique<slob::plugins::webhook::WebhookObserver>(host, std::move(*config)));
  } catch (const std::exception& e) {
    // Nothing throws across the plugin boundary (allocation failure is the only candidate).
    return slob::sdk::Status::internal(std::string("webhook: ") + e.what());
  }
}

}  // namespace

SLOB_OBSERVER_PLUGIN("webhook", "1.0.0", 0, &make_webhook)
