// A host one SDK minor newer than this tree (tests/sdk_compat.cmake compiles the loader's sources
// against the next-minor version header) loads a plugin built against the frozen SDK 2.0.0
// header, and the plugin works: what an operator upgrading slob-host, but not their plugins,
// relies on.

#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "plugins/plugin_library.hpp"
#include "slob/sdk/strategy.hpp"
#include "slob/sdk/version.hpp"
#include "test_host_services.hpp"

namespace fs = std::filesystem;
using slob::core::PluginLibrary;
using slob::sdk::PluginKind;

TEST_CASE("a plugin built against an older SDK minor loads into a newer host and runs",
          "[compat]") {
  const fs::path file =
      fs::path(SLOB_BINARY_DIR) / "tests" / "plugins-sdk-2.0.0" / "libslob-teststrategy.so";
  auto lib = PluginLibrary::open(file, file, PluginKind::kStrategy, "teststrategy");
  REQUIRE(lib.is_ok());
  const slob::sdk::BuildInfo& plugin = (*lib)->descriptor().build;
  // Genuinely older: the frozen header said 2.0.0, this host's header a later 2.x.
  CHECK(plugin.sdk_major == 2);
  CHECK(plugin.sdk_minor == 0);
  CHECK(plugin.sdk_patch == 0);
  CHECK(slob::sdk::kBuildInfo.sdk_major == 2);
  CHECK(slob::sdk::kBuildInfo.sdk_minor > plugin.sdk_minor);
  CHECK(std::string(SLOB_SDK_VERSION) != "2.0.0");

  slob::test::TestHostServices services;
  slob::sdk::ConfigTable table;
  table.section = "strategy.config";
  table.values["bracket_every"] = {std::int64_t{2}, {"test.toml", 3, 1}};
  auto made = (*lib)->descriptor().create_strategy(services, table);
  REQUIRE(made.is_ok());
  std::unique_ptr<slob::sdk::Strategy> strategy = std::move(made).value();
  REQUIRE(strategy);
  slob::sdk::Candle candle;
  candle.close = 100;
  REQUIRE(strategy->on_candle(candle).is_ok());
  auto second = strategy->on_candle(candle);  // every 2nd candle asks for a bracket
  REQUIRE(second.is_ok());
  REQUIRE(second->intents.size() == 1);
  CHECK(second->intents[0].setup_id == "t2");
  CHECK(*strategy->export_state() == "2");
  strategy.reset();  // destroyed while the library is still mapped
}
