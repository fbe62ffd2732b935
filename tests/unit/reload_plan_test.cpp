// What a reload swaps, and what it reports as needing a restart (reload_plan.hpp).

#include <catch2/catch.hpp>

#include "plugins/reload_plan.hpp"

using slob::core::FileIdentity;
using slob::core::HostConfig;
using slob::core::PluginFile;
using slob::core::plan_reload;
using slob::core::SlotFiles;
using slob::sdk::ConfigValue;

namespace {

ConfigValue value(slob::sdk::ConfigValue v, int line) {
  v.position = {"slob.toml", line, 1};
  return v;
}

HostConfig config() {
  HostConfig c;
  c.broker.plugin = "sim";
  c.broker.config.section = "broker.config";
  c.broker.config.values["speed"] = value({std::int64_t{0}, {}}, 10);
  c.store.plugin = "lmdb";
  c.store.config.section = "store.config";
  c.strategy.plugin = "slob";
  c.strategy.config.section = "strategy.config";
  c.strategy.config.values["timezone"] = value({std::string("Europe/Stockholm"), {}}, 20);
  return c;
}

SlotFiles files() {
  const FileIdentity id{1, 100, 5000, 7};
  FileIdentity store_id = id;
  store_id.inode = 101;
  FileIdentity strategy_id = id;
  strategy_id.inode = 102;
  return {PluginFile{"/p/libslob-sim.so", id}, PluginFile{"/p/libslob-lmdb.so", store_id},
          PluginFile{"/p/libslob-slob.so", strategy_id}};
}

}  // namespace

TEST_CASE("an identical config changes nothing, even with every line moved", "[reload]") {
  HostConfig fresh = config();
  fresh.strategy.config.values["timezone"].position = {"slob.toml", 42, 3};
  fresh.broker.config.position = {"slob.toml", 2, 1};
  const auto plan = plan_reload(config(), files(), fresh, files());
  CHECK(plan.nothing_changed());
  CHECK_FALSE(plan.swaps());
}

TEST_CASE("a changed strategy table, name or library file swaps the strategy", "[reload]") {
  HostConfig fresh = config();
  fresh.strategy.config.values["timezone"] = value({std::string("America/New_York"), {}}, 20);
  auto plan = plan_reload(config(), files(), fresh, files());
  REQUIRE(plan.strategy);
  CHECK(plan.strategy->why == "[strategy.config] changed");
  CHECK_FALSE(plan.strategy->library_changed);  // the loaded library makes the new instance
  CHECK_FALSE(plan.broker);
  CHECK(plan.needs_restart.empty());

  fresh = config();
  fresh.strategy.config.values.erase("timezone");  // the same default, but another table
  CHECK(plan_reload(config(), files(), fresh, files()).strategy);

  fresh = config();
  fresh.strategy.plugin = "other";
  plan = plan_reload(config(), files(), fresh, files());
  REQUIRE(plan.strategy);
  CHECK(plan.strategy->why == "plugin \"slob\" -> \"other\"");
  CHECK(plan.strategy->library_changed);

  SlotFiles rebuilt = files();
  rebuilt.strategy.identity->inode = 999;  // installed by rename: a new inode at the same path
  plan = plan_reload(config(), files(), config(), rebuilt);
  REQUIRE(plan.strategy);
  CHECK(plan.strategy->why.find("library file /p/libslob-slob.so was replaced (now inode 999") == 0);
  CHECK(plan.strategy->library_changed);

  SlotFiles touched = files();
  touched.strategy.identity->mtime_ns += 1;  // rewritten in place
  CHECK(plan_reload(config(), files(), config(), touched).strategy);

  SlotFiles moved = files();
  moved.strategy.path = "/q/libslob-slob.so";  // another plugin directory now wins
  plan = plan_reload(config(), files(), config(), moved);
  REQUIRE(plan.strategy);
  CHECK(plan.strategy->why == "library file /q/libslob-slob.so replaces /p/libslob-slob.so");
  CHECK(plan.strategy->library_changed);
}

TEST_CASE("array values compare element by element", "[reload]") {
  HostConfig a = config();
  slob::sdk::ConfigArray items = {value({std::int64_t{1}, {}}, 5), value({std::int64_t{2}, {}}, 5)};
  a.broker.config.values["list"] = value({items, {}}, 5);
  HostConfig b = a;
  std::get<slob::sdk::ConfigArray>(b.broker.config.values["list"].value)[1].position.line = 9;
  CHECK(slob::core::same_config_values(a.broker.config, b.broker.config));
  std::get<slob::sdk::ConfigArray>(b.broker.config.values["list"].value)[1].value = std::int64_t{3};
  CHECK_FALSE(slob::core::same_config_values(a.broker.config, b.broker.config));
  b = a;
  b.broker.config.values["list"].value = std::int64_t{1};
  CHECK_FALSE(slob::core::same_config_values(a.broker.config, b.broker.config));
}

TEST_CASE("the broker swaps on its own changes, the store and host sections need a restart", "[reload]") {
  HostConfig fresh = config();
  fresh.broker.config.values["speed"] = value({std::int64_t{100}, {}}, 10);
  fresh.store.config.values["sync"] = value({std::string("none"), {}}, 30);
  fresh.risk.max_contracts = 3;
  fresh.host.reload_wait = std::chrono::seconds(1);
  fresh.logging.level = "debug";
  fresh.connection.runtime_attempts = 2;
  fresh.maintenance.windows = {"daily 00:00-00:30"};
  const auto plan = plan_reload(config(), files(), fresh, files());
  REQUIRE(plan.broker);
  CHECK(plan.broker->why == "[broker.config] changed");
  CHECK_FALSE(plan.strategy);
  CHECK(plan.needs_restart ==
        std::vector<std::string>{"[store] [store.config] changed: the store is never swapped live",
                                 "[host] changed", "[logging] changed", "[connection] changed",
                                 "[maintenance] changed", "[risk] changed"});
}

TEST_CASE("a plugin name that no longer resolves is a change (the loader then says why)", "[reload]") {
  SlotFiles missing = files();
  missing.broker = PluginFile{};
  const auto plan = plan_reload(config(), files(), config(), missing);
  REQUIRE(plan.broker);
  CHECK(plan.broker->why == "library file (not found) replaces /p/libslob-sim.so");
}
