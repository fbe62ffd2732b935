// The built module libslob-ib.so: loadable, exports a descriptor the host accepts, and its
// factory validates the config table without throwing.
#include <catch2/catch.hpp>

#include <boost/dll/shared_library.hpp>

#include "ib_test_support.hpp"
#include "slob/sdk/broker.hpp"
#include "slob/sdk/plugin.hpp"

using namespace slob;

TEST_CASE("libslob-ib.so exports a broker descriptor and a validating factory", "[ib][plugin]") {
  boost::dll::shared_library lib(std::string(SLOB_TEST_PLUGIN_DIR) + "/libslob-ib.so",
                                 boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  const auto& d = lib.get_alias<const sdk::PluginDescriptor>("slob_plugin_descriptor");
  CHECK(d.abi_version == sdk::kSdkAbiVersion);
  CHECK(d.build.sdk_major == sdk::kBuildInfo.sdk_major);  // built by this tree, against its SDK
  CHECK(d.build.sdk_minor == sdk::kBuildInfo.sdk_minor);
  CHECK(std::string(d.build.stdlib) == sdk::kBuildInfo.stdlib);
  CHECK(d.kind == sdk::PluginKind::kBroker);
  CHECK(std::string(d.name) == "ib");
  CHECK(d.flags == 0);
  REQUIRE(d.create_broker != nullptr);
  CHECK(d.create_store == nullptr);
  CHECK(d.create_strategy == nullptr);

  test::ib::LiveHostServices host;
  auto table = test::ib::ib_config(4002);
  table.values["clientid"] = sdk::ConfigValue{std::int64_t{3}, {"slob.toml", 12, 1}};
  auto bad = d.create_broker(host, table);
  REQUIRE_FALSE(bad.is_ok());
  CHECK_THAT(bad.status().message(), Catch::Contains("slob.toml:12:1") && Catch::Contains("clientid"));

  auto good = d.create_broker(host, test::ib::ib_config(4002));
  REQUIRE(good.is_ok());
  std::unique_ptr<sdk::Broker> broker = std::move(good.value());
  // Not connected: orders are refused with a reason, nothing is sent.
  test::ib::RecordingListener listener;
  broker->set_listener(listener);
  sdk::BracketOrder b;
  b.symbol = "NQ";
  CHECK(broker->place_bracket(b).code() == sdk::StatusCode::kUnavailable);
  CHECK(broker->request_snapshot(host.clock().now()).code() == sdk::StatusCode::kUnavailable);
  CHECK(broker->subscribe({"ES", std::nullopt}).code() == sdk::StatusCode::kInvalidArgument);
  broker.reset();  // objects die before their library
}
