// The plugin loader fails closed: every broken plugin is refused with a one-line reason naming
// the file (Kea's failure tests), and a library is unmapped only after everything from it is gone.

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <boost/asio/io_context.hpp>

#include "asio_clock.hpp"
#include "plugin_loader.hpp"
#include "process.hpp"
#include "simulated_clock.hpp"

namespace fs = std::filesystem;
using slob::core::PluginLoader;
using slob::sdk::PluginKind;

namespace {

const fs::path kGood = SLOB_TEST_ONLY_PLUGIN_DIR;
const fs::path kBroken = SLOB_TEST_BROKEN_PLUGIN_DIR;

struct Loop {
  boost::asio::io_context io;
  slob::core::SimulatedClock clock;
  slob::core::AsioClock wall{io};
  slob::core::HostLoop loop{io, clock, wall, nullptr, "/tmp", "/tmp", false, {}};
};

std::string refusal(const std::string& name, PluginKind kind, const fs::path& dir = kBroken) {
  PluginLoader loader({dir}, false);
  auto lib = loader.load(name, kind);
  REQUIRE_FALSE(lib.is_ok());
  const std::string m = lib.status().message();
  CHECK(m.find('\n') == std::string::npos);
  return m;
}

slob::sdk::ConfigTable empty_table(const std::string& section) {
  slob::sdk::ConfigTable t;
  t.section = section;
  t.position = {"test.toml", 1, 1};
  return t;
}

}  // namespace

TEST_CASE("loader refusals name the file and the reason", "[loader]") {
  const std::string dir = kBroken.string();
  CHECK(refusal("nosuch", PluginKind::kBroker) ==
        "plugin \"nosuch\": libslob-nosuch.so not found in " + dir);
  CHECK(refusal("../etc", PluginKind::kBroker) ==
        "plugin name \"../etc\" is invalid (use lowercase letters, digits, - and _)");
  CHECK(refusal("garbage", PluginKind::kBroker) ==
        dir + "/libslob-garbage.so: plugin refused: not a shared library (no ELF header)");
  CHECK(refusal("nodescriptor", PluginKind::kBroker) ==
        dir + "/libslob-nodescriptor.so: plugin refused: no slob_plugin_descriptor export (not "
              "a slob plugin?)");
  CHECK(refusal("wrongabi", PluginKind::kBroker) ==
        dir + "/libslob-wrongabi.so: plugin refused: SDK ABI version 999, this host needs 1");
  CHECK(refusal("wrongsignature", PluginKind::kBroker) ==
        dir + "/libslob-wrongsignature.so: plugin refused: build signature "
              "\"gcc-4.8;libstdc++-cxx11abi0;cxx201103;san-none;sdk-0.0.1\" differs from the "
              "host's \"" + slob::sdk::kBuildSignature + "\"");
  CHECK(refusal("wrongkind", PluginKind::kBroker) ==
        dir + "/libslob-wrongkind.so: plugin refused: it is a strategy plugin, the broker slot "
              "needs a broker plugin");
  CHECK(refusal("wrongname", PluginKind::kBroker) ==
        dir + "/libslob-wrongname.so: plugin refused: it declares the name \"sim\", expected "
              "\"wrongname\"");
  CHECK(refusal("nofactory", PluginKind::kBroker) ==
        dir + "/libslob-nofactory.so: plugin refused: its descriptor has no factory for its kind");
}

TEST_CASE("a throwing factory is refused, not a crash", "[loader]") {
  Loop l;
  PluginLoader loader({kBroken}, false);
  auto lib = loader.load("throwingfactory", PluginKind::kBroker);
  REQUIRE(lib.is_ok());
  auto inst = PluginLoader::create_broker(*lib, empty_table("broker.config"), l.loop);
  REQUIRE_FALSE(inst.is_ok());
  CHECK(inst.status().message() == kBroken.string() +
                                       "/libslob-throwingfactory.so: plugin refused: its factory "
                                       "threw: cannot allocate the order book");
}

TEST_CASE("a plugin's config errors come back with positions", "[loader]") {
  Loop l;
  PluginLoader loader({kGood}, false);
  auto lib = loader.load("testbroker", PluginKind::kBroker);
  REQUIRE(lib.is_ok());
  auto table = empty_table("broker.config");
  table.values["stop_mode"] = {std::string("sometimes"), {"test.toml", 4, 13}};
  table.values["portt"] = {std::int64_t{1}, {"test.toml", 5, 1}};
  auto inst = PluginLoader::create_broker(*lib, table, l.loop);
  REQUIRE_FALSE(inst.is_ok());
  CHECK(inst.status().message() ==
        "test.toml:4:13: [broker.config] stop_mode must be normal, never or block\n"
        "test.toml:5:1: [broker.config] unknown key \"portt\"");
}

TEST_CASE("as root, plugin files writable by others are refused", "[loader]") {
  slob::test::TempDir dir;
  const fs::path copy = dir / "libslob-testbroker.so";
  fs::copy_file(kGood / "libslob-testbroker.so", copy);
  ::chmod(dir.path().c_str(), 0755);
  ::chmod(copy.c_str(), 0666);
  PluginLoader loader({dir.path()}, /*refuse_unsafe_files=*/true);
  auto lib = loader.load("testbroker", PluginKind::kBroker);
  REQUIRE_FALSE(lib.is_ok());
  CHECK(lib.status().message() == copy.string() + ": plugin refused: " + copy.string() +
                                      " must be owned by root and writable only by its owner "
                                      "when the host runs as root");
  if (::geteuid() == 0) {
    ::chmod(copy.c_str(), 0755);
    CHECK(loader.load("testbroker", PluginKind::kBroker).is_ok());
  }
}

TEST_CASE("a library stays mapped until its objects and pending handlers are gone", "[loader]") {
  const fs::path file = kGood / "libslob-teststrategy.so";
  REQUIRE_FALSE(slob::core::is_mapped(file));
  Loop l;
  {
    PluginLoader loader({kGood}, false);
    auto lib = loader.load("teststrategy", PluginKind::kStrategy);
    REQUIRE(lib.is_ok());
    auto inst = PluginLoader::create_strategy(*lib, empty_table("strategy.config"), l.loop);
    REQUIRE(inst.is_ok());
    lib = slob::sdk::Status::not_found("dropped");  // only the instance holds the library now
    CHECK(slob::core::is_mapped(file));
    CHECK((*inst)->version() == "0.1.0-test");
    inst = slob::sdk::Status::not_found("destroyed");
  }
  CHECK_FALSE(slob::core::is_mapped(file));
}

TEST_CASE("two versions load side by side, each unloads when its last object goes", "[loader]") {
  const fs::path file = kGood / "libslob-teststrategy.so";
  Loop l;
  PluginLoader loader({kGood}, false);
  auto a = loader.load("teststrategy", PluginKind::kStrategy);
  auto b = loader.load("teststrategy", PluginKind::kStrategy);
  REQUIRE(a.is_ok());
  REQUIRE(b.is_ok());
  CHECK(&(*a)->descriptor() != &(*b)->descriptor());  // two mappings, not one shared
  auto ia = PluginLoader::create_strategy(*a, empty_table("strategy.config"), l.loop);
  auto ib = PluginLoader::create_strategy(*b, empty_table("strategy.config"), l.loop);
  REQUIRE(ia.is_ok());
  REQUIRE(ib.is_ok());
  REQUIRE((*ia)->get().import_state("41").is_ok());
  CHECK(*(*ib)->get().export_state() == "0");  // separate state: separate code and data
  a = slob::sdk::Status::not_found("x");
  ia = slob::sdk::Status::not_found("x");
  CHECK(*(*ib)->get().export_state() == "0");
  b = slob::sdk::Status::not_found("x");
  ib = slob::sdk::Status::not_found("x");
  CHECK_FALSE(slob::core::is_mapped(file));
}
