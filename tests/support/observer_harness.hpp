#pragma once

// Observer plugins as the host uses them: the module loaded through the core's PluginLibrary
// (ELF check, dlopen, descriptor: ABI, build, kind observer, name, factory), its factory called
// with a config table as the host's TOML reader builds it (every value at a file:line), and one
// delivery run on the host's loop until the plugin reports it.

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "plugins/plugin_library.hpp"
#include "slob/sdk/events.hpp"
#include "slob/sdk/observer.hpp"
#include "slob/sdk/time.hpp"
#include "test_host_services.hpp"

namespace slob::test {

// The file the config errors name.
inline const std::string kObserverConfigFile = "observers.toml";
// Where the [observer.config] header is; the values follow, one a line.
inline constexpr int kObserverConfigLine = 4;

using ConfigEntry = std::pair<std::string, decltype(sdk::ConfigValue::value)>;

// [observer.config] at kObserverConfigLine, then entry i at line kObserverConfigLine + 1 + i,
// its value at column key.size() + 4 ("key = value"), an array's elements one column further.
// Like the host's, no key positions: an unknown key is reported at its value.
inline sdk::ConfigTable observer_config(const std::vector<ConfigEntry>& entries) {
  sdk::ConfigTable table{"observer.config", {kObserverConfigFile, kObserverConfigLine, 1}, {}};
  int line = kObserverConfigLine;
  for (const auto& [key, value] : entries) {
    ++line;
    const int column = static_cast<int>(key.size()) + 4;
    sdk::ConfigValue v{value, {kObserverConfigFile, line, column}};
    if (auto* items = std::get_if<sdk::ConfigArray>(&v.value)) {
      for (auto& item : *items) item.position = {kObserverConfigFile, line, column + 1};
    }
    table.values[key] = std::move(v);
  }
  return table;
}

inline sdk::ConfigArray config_strings(const std::vector<std::string>& items) {
  sdk::ConfigArray out;
  for (const auto& s : items) out.push_back(sdk::ConfigValue{s, {}});
  return out;
}

// "observers.toml:<line>:" for the entry at `index` (0-based) of observer_config().
inline std::string config_line(int index) {
  return kObserverConfigFile + ":" + std::to_string(kObserverConfigLine + 1 + index) + ":";
}

class ObserverModule {
 public:
  // libslob-<name>.so from the build's plugin directory, opened as the host opens it.
  explicit ObserverModule(const std::string& name) {
    const auto file = std::filesystem::path(SLOB_TEST_PLUGIN_DIR) / ("libslob-" + name + ".so");
    auto library = core::PluginLibrary::open(file, file, sdk::PluginKind::kObserver, name);
    INFO(library.status().message());
    REQUIRE(library.is_ok());
    library_ = *library;
  }

  const sdk::PluginDescriptor& descriptor() const { return library_->descriptor(); }

  // The factory's answer. Destroy the observer before this module.
  sdk::Result<std::unique_ptr<sdk::Observer>> create(sdk::HostServices& host,
                                                     const sdk::ConfigTable& table) const {
    return descriptor().create_observer(host, table);
  }

  // create(), which must succeed.
  std::unique_ptr<sdk::Observer> make(sdk::HostServices& host, const sdk::ConfigTable& table) const {
    auto observer = create(host, table);
    INFO(observer.status().message());
    REQUIRE(observer.is_ok());
    REQUIRE(*observer != nullptr);
    return std::move(*observer);
  }

 private:
  std::shared_ptr<core::PluginLibrary> library_;
};

// Starts `delivery` and runs the host's loop until the observer reports it, or `limit` passes
// (then nullopt: a plugin that never reports fails the test instead of hanging it).
inline std::optional<sdk::DeliveryResult> run_delivery(
    TestHostServices& host, sdk::Observer& observer, const sdk::Delivery& delivery,
    std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  std::optional<sdk::DeliveryResult> result;
  observer.deliver(delivery, [&](sdk::DeliveryResult r) { result = std::move(r); });
  auto& io = host.io_context();
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!result && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }
  return result;
}

// The event every alert test sends: the host entering safe mode.
inline sdk::AuditEvent safe_mode_event() {
  return {812,
          *sdk::parse_rfc3339("2025-03-14T14:31:00Z"),
          sdk::event_type::kSafeModeEntered,
          sdk::Severity::kCritical,
          "Running->SafeMode",
          "broker position differs from the journal",
          {{"setup_id", "2025-03-14-1"}, {"price", "21000.25"}}};
}

inline sdk::Delivery delivery_of(std::vector<sdk::AuditEvent> events, std::string observer = "ops") {
  sdk::Delivery d;
  d.observer = std::move(observer);
  d.idempotency_key = sdk::idempotency_key(events);
  d.events = std::move(events);
  return d;
}

inline const char* outcome_name(sdk::DeliveryResult::Outcome o) {
  switch (o) {
    case sdk::DeliveryResult::Outcome::kDelivered: return "delivered";
    case sdk::DeliveryResult::Outcome::kRetry: return "retry";
    case sdk::DeliveryResult::Outcome::kRefused: return "refused";
  }
  return "unknown";
}

}  // namespace slob::test
