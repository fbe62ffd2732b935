// The built module libslob-lmdb.so, loaded the way the host loads plugins (Boost.DLL,
// RTLD_NOW): its descriptor is a store named "lmdb" with this build's ABI, SDK and standard library, and
// the store it creates works. Factory errors come back as a Status, never an exception.

#include <boost/dll/shared_library.hpp>
#include <catch2/catch.hpp>
#include <cstring>

#include "lmdb_test_support.hpp"
#include "slob/sdk/plugin.hpp"
#include "slob/sdk/store.hpp"
#include "test_host_services.hpp"

namespace sdk = slob::sdk;
using slob::test::TestHostServices;
using slob::test::lmdb::sample_batch;
using slob::test::lmdb::store_table;
using slob::test::lmdb::TempDir;

TEST_CASE("lmdb module: the .so exports a working store plugin", "[lmdb][module]") {
  boost::dll::shared_library lib(LMDB_PLUGIN_MODULE, boost::dll::load_mode::rtld_now |
                                                         boost::dll::load_mode::rtld_local);
  const auto& d = lib.get_alias<const sdk::PluginDescriptor>("slob_plugin_descriptor");
  CHECK(d.abi_version == sdk::kSdkAbiVersion);
  CHECK(d.build.sdk_major == sdk::kBuildInfo.sdk_major);  // built by this tree, against its SDK
  CHECK(d.build.sdk_minor == sdk::kBuildInfo.sdk_minor);
  CHECK(std::string(d.build.stdlib) == sdk::kBuildInfo.stdlib);
  CHECK(d.kind == sdk::PluginKind::kStore);
  CHECK(std::strcmp(d.name, "lmdb") == 0);
  REQUIRE(d.create_store != nullptr);
  CHECK(d.create_broker == nullptr);
  CHECK(d.create_strategy == nullptr);

  TempDir dir;
  {
    TestHostServices host;
    auto store = d.create_store(host, store_table(dir.sub("state")));
    INFO(store.status().message());
    REQUIRE(store.is_ok());
    REQUIRE((*store)->commit(sample_batch()).is_ok());
    auto setup = (*store)->find_setup("s-1");
    REQUIRE((setup.is_ok() && setup->has_value()));
    CHECK((*setup)->state == "WAITING_ENTRY");
    int live = 0;
    REQUIRE((*store)->scan_live_setups([&](const sdk::SetupRecord&) { return ++live, true; }).is_ok());
    CHECK(live == 1);
  }
  TestHostServices host;
  sdk::ConfigTable bad = store_table(dir.sub("state"), "sometimes");
  auto refused = d.create_store(host, bad);
  REQUIRE_FALSE(refused.is_ok());
  CHECK_THAT(refused.status().message(), Catch::Contains("sync must be"));
}
