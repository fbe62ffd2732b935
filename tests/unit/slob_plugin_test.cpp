// The built module libslob-slob.so, loaded the way the host loads it.

#include <boost/asio/io_context.hpp>

#include "plugins/plugin_loader.hpp"
#include "runtime/simulated_clock.hpp"
#include "slob_test_helpers.hpp"

using namespace slob::test;

namespace {

struct Host {
  boost::asio::io_context io;
  slob::core::SimulatedClock clock;
  slob::core::SimulatedClock wall;
  slob::core::HostLoop loop{io, clock, wall, nullptr, ".", ".", false, {}};
  slob::core::PluginLoader loader{{SLOB_TEST_PLUGIN_DIR}, false};
};

}  // namespace

TEST_CASE("plugin: libslob-slob.so loads as a strategy and runs the worked example") {
  Host host;
  auto lib = host.loader.load("slob", slob::sdk::PluginKind::kStrategy);
  REQUIRE(lib.is_ok());
  auto inst = slob::core::PluginLoader::create_strategy(*lib, config_table(), host.loop);
  REQUIRE(inst.is_ok());
  CHECK((*inst)->name() == "slob");
  Run run;
  feed((*inst)->get(), worked_example(), run);
  REQUIRE(run.finished.size() == 3);
  CHECK(run.finished[0]["state"] == "SETUP_COMPLETE");
  REQUIRE(run.intents.size() == 1);
  CHECK(run.intents[0].setup_id == "20260106-S-1530");
}

TEST_CASE("plugin: a bad [strategy.config] is refused with every error") {
  Host host;
  auto lib = host.loader.load("slob", slob::sdk::PluginKind::kStrategy);
  REQUIRE(lib.is_ok());
  auto inst = slob::core::PluginLoader::create_strategy(
      *lib, config_table({{"tp_bufer", 1.0}, {"min_rr", std::string("x")}}), host.loop);
  REQUIRE(!inst.is_ok());
  CHECK_THAT(inst.status().message(), Catch::Contains("unknown key \"tp_bufer\""));
  CHECK_THAT(inst.status().message(), Catch::Contains("min_rr must be a number"));
}
