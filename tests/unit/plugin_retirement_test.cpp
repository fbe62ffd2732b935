// PluginRetirement: a swapped-out instance is stopped, destroyed on a later loop turn (or after
// the stop timeout), and its library is unmapped only after that, never while anything of it can
// still run.

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include "runtime/asio_clock.hpp"
#include "plugins/plugin_loader.hpp"
#include "plugins/plugin_retirement.hpp"
#include "runtime/simulated_clock.hpp"
#include "test_host_services.hpp"

namespace fs = std::filesystem;
using slob::core::PluginLoader;
using slob::core::PluginRetirement;
using slob::sdk::PluginKind;

namespace {

const fs::path kGood = SLOB_TEST_ONLY_PLUGIN_DIR;
const fs::path kFile = kGood / "libslob-teststrategy.so";

struct Fixture {
  boost::asio::io_context io;
  slob::core::SimulatedClock clock;  // market time and, here, the stop timeout's clock too
  slob::core::AsioClock wall{io};
  slob::core::HostLoop loop{io, clock, wall, nullptr, "/tmp", "/tmp", false, {}};
  slob::test::RecordingLogger log;
  std::vector<std::shared_ptr<slob::core::PluginLibrary>> pins;
  PluginRetirement retirement{io, clock, log, pins, std::chrono::seconds(5)};

  std::unique_ptr<slob::core::PluginInstance<slob::sdk::Strategy>> strategy(const std::string& stop_mode) {
    PluginLoader loader({kGood}, false);
    auto lib = loader.load("teststrategy", PluginKind::kStrategy);
    REQUIRE(lib.is_ok());
    slob::sdk::ConfigTable table;
    table.section = "strategy.config";
    table.values["stop_mode"] = slob::sdk::ConfigValue{stop_mode, {"t.toml", 1, 1}};
    auto inst = PluginLoader::create_strategy(*lib, table, loop);
    REQUIRE(inst.is_ok());
    return std::move(*inst);
  }
  std::size_t count(const std::string& id) const {
    std::size_t n = 0;
    for (const auto& l : log.lines) n += l.id == id;
    return n;
  }
};

}  // namespace

TEST_CASE("a retired instance is stopped, destroyed later, and only then unmapped", "[retirement]") {
  REQUIRE_FALSE(slob::core::is_mapped(kFile));
  Fixture f;
  f.retirement.retire("strategy", f.strategy("normal"));
  // stop() finished at once, but destruction and the release wait for the loop.
  CHECK(slob::core::is_mapped(kFile));
  CHECK(f.retirement.in_progress() == 1);
  CHECK(f.pins.size() == 1);
  f.io.run();
  CHECK(f.retirement.in_progress() == 0);
  CHECK(f.retirement.unloaded() == 1);
  CHECK(f.pins.empty());
  CHECK(f.count("SLOB_PLUGIN_UNLOADED") == 1);
  CHECK_FALSE(slob::core::is_mapped(kFile));
}

TEST_CASE("an instance that never finishes stop() is destroyed after the timeout", "[retirement]") {
  Fixture f;
  f.retirement.retire("strategy", f.strategy("never"));
  f.io.run();  // nothing to do until the timeout
  CHECK(f.retirement.in_progress() == 1);
  CHECK(slob::core::is_mapped(kFile));
  f.clock.advance(std::chrono::seconds(4));
  CHECK(f.count("SLOB_PLUGIN_STOP_TIMEOUT") == 0);
  f.clock.advance(std::chrono::seconds(1));
  CHECK(f.count("SLOB_PLUGIN_STOP_TIMEOUT") == 1);
  f.io.restart();
  f.io.run();
  CHECK(f.retirement.in_progress() == 0);
  CHECK_FALSE(slob::core::is_mapped(kFile));
}

TEST_CASE("what the keep-alive holds goes right after the instance", "[retirement]") {
  Fixture f;
  auto token = std::make_shared<int>(7);
  std::weak_ptr<int> watch = token;
  f.retirement.retire("strategy", f.strategy("normal"), std::move(token));
  CHECK_FALSE(watch.expired());
  f.io.run();
  CHECK(watch.expired());
}

TEST_CASE("instances still retiring when the host goes are destroyed, their libraries kept", "[retirement]") {
  std::vector<std::shared_ptr<slob::core::PluginLibrary>> outliving_pins;
  {
    boost::asio::io_context io;
    slob::core::SimulatedClock clock;
    slob::core::AsioClock wall{io};
    slob::core::HostLoop loop{io, clock, wall, nullptr, "/tmp", "/tmp", false, {}};
    slob::test::RecordingLogger log;
    PluginRetirement retirement{io, clock, log, outliving_pins, std::chrono::seconds(5)};
    PluginLoader loader({kGood}, false);
    auto lib = loader.load("teststrategy", PluginKind::kStrategy);
    REQUIRE(lib.is_ok());
    slob::sdk::ConfigTable table;
    table.section = "strategy.config";
    table.values["stop_mode"] = slob::sdk::ConfigValue{std::string("never"), {"t.toml", 1, 1}};
    auto inst = PluginLoader::create_strategy(*lib, table, loop);
    REQUIRE(inst.is_ok());
    retirement.retire("strategy", std::move(*inst));
  }
  // The pins outlive the loop, as the host's do; dropping them unmaps the library.
  CHECK(outliving_pins.size() == 1);
  CHECK(slob::core::is_mapped(kFile));
  outliving_pins.clear();
  CHECK_FALSE(slob::core::is_mapped(kFile));
}
