// The telegram plugin's module: the descriptor and the factory.
#include <memory>

#include "slob/sdk/host_services.hpp"
#include "slob/sdk/plugin.hpp"
#include "telegram_config.hpp"
#include "telegram_observer.hpp"

namespace {

slob::sdk::Result<std::unique_ptr<slob::sdk::Observer>> make_telegram(
    slob::sdk::HostServices& host, const slob::sdk::ConfigTable& table) {
  try {
    auto config = slob::plugins::telegram::parse_telegram_config(table, host.config_dir());
    if (!config) return config.status();
    return std::unique_ptr<slob::sdk::Observer>(
        std::make_unique<slob::plugins::telegram::TelegramObserver>(host, std::move(*config)));
  } catch (const std::exception& e) {
    // Nothing throws across the plugin boundary (allocation failure is the only candidate).
    return slob::sdk::Status::internal(std::string("telegram: ") + e.what());
  }
}

}  // namespace

SLOB_OBSERVER_PLUGIN("telegram", "1.0.0", 0, &make_telegram)
