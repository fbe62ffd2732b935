// The module: only the descriptor and the factory. The logic lives in slob_email (src/).

#include <memory>

#include "email_config.hpp"
#include "email_observer.hpp"
#include "slob/sdk/host_services.hpp"
#include "slob/sdk/observer.hpp"
#include "slob/sdk/plugin.hpp"

namespace {

namespace email = slob::plugins::email;
namespace sdk = slob::sdk;

// The whole table is checked, and every file it names read, also in check_only() mode; that mode
// then returns no object (nothing is connected or created).
sdk::Result<std::unique_ptr<sdk::Observer>> make_email_observer(sdk::HostServices& host,
                                                                const sdk::ConfigTable& table) {
  auto config = email::parse_email_config(table, host.config_dir());
  if (!config) return config.status();
  if (host.check_only()) return std::unique_ptr<sdk::Observer>();
  auto observer = email::EmailObserver::create(host, std::move(*config));
  if (!observer) return observer.status();
  return std::unique_ptr<sdk::Observer>(std::move(*observer));
}

}  // namespace

SLOB_OBSERVER_PLUGIN("email", "1.0.0", 0, &make_email_observer)
