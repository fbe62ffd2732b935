// [store.config] of the lmdb plugin: defaults, every key, and every error reported at once.

#include <catch2/catch.hpp>

#include "lmdb_test_support.hpp"
#include "store_config.hpp"

namespace lmdb = slob::plugins::lmdb;
namespace sdk = slob::sdk;
using slob::test::lmdb::store_table;
using slob::test::lmdb::string_value;

TEST_CASE("lmdb config: byte sizes", "[lmdb][config]") {
  CHECK(lmdb::parse_byte_size("4096") == 4096u);
  CHECK(lmdb::parse_byte_size("512KiB") == 512u * 1024);
  CHECK(lmdb::parse_byte_size("64MiB") == 64u * lmdb::kMiB);
  CHECK(lmdb::parse_byte_size("2GiB") == 2u * lmdb::kGiB);
  CHECK(lmdb::parse_byte_size("1TiB") == 1024u * lmdb::kGiB);
  CHECK_FALSE(lmdb::parse_byte_size(""));
  CHECK_FALSE(lmdb::parse_byte_size("0MiB"));
  CHECK_FALSE(lmdb::parse_byte_size("64MB"));
  CHECK_FALSE(lmdb::parse_byte_size("-1"));
  CHECK_FALSE(lmdb::parse_byte_size("MiB"));
  CHECK_FALSE(lmdb::parse_byte_size("99999999999999999999"));
  CHECK_FALSE(lmdb::parse_byte_size("17179869184TiB"));
}

TEST_CASE("lmdb config: defaults and relative paths", "[lmdb][config]") {
  sdk::ConfigTable t;
  t.section = "store.config";
  t.values["path"] = string_value("state", 2);
  auto c = lmdb::parse_store_config(t, "/etc/slob");
  REQUIRE(c.is_ok());
  CHECK(c->path == "/etc/slob/state");
  CHECK(c->sync == lmdb::SyncMode::kFull);
  CHECK(c->map_size == 64 * lmdb::kMiB);
  CHECK(c->max_map_size == 16 * lmdb::kGiB);
  CHECK(c->candle_retention == std::chrono::hours(168));
  CHECK_FALSE(c->read_only);

  t.values["path"] = string_value("/var/lib/slob/../slob/state", 2);
  t.values["sync"] = string_value("none", 3);
  t.values["map_size"] = string_value("1MiB", 4);
  t.values["max_map_size"] = string_value("8MiB", 5);
  t.values["candle_retention"] = string_value("24h", 6);
  t.values["read_only"] = sdk::ConfigValue{true, {"test.toml", 7, 1}};
  c = lmdb::parse_store_config(t, "/etc/slob");
  REQUIRE(c.is_ok());
  CHECK(c->path == "/var/lib/slob/state");
  CHECK(c->sync == lmdb::SyncMode::kNone);
  CHECK(c->map_size == lmdb::kMiB);
  CHECK(c->max_map_size == 8 * lmdb::kMiB);
  CHECK(c->candle_retention == std::chrono::hours(24));
  CHECK(c->read_only);
}

TEST_CASE("lmdb config: every error is reported with its position", "[lmdb][config]") {
  sdk::ConfigTable t = store_table("/tmp/x", "fast");
  t.values["map_size"] = string_value("64MB", 13);
  t.values["max_map_sise"] = string_value("1GiB", 14);
  t.values["candle_retention"] = string_value("0s", 15);
  auto c = lmdb::parse_store_config(t, "/");
  REQUIRE_FALSE(c.is_ok());
  CHECK(c.status().code() == sdk::StatusCode::kInvalidArgument);
  const std::string m = c.status().message();
  CHECK_THAT(m, Catch::Contains("test.toml:12:8: [store.config] sync must be \"full\" or \"none\""));
  CHECK_THAT(m, Catch::Contains("test.toml:13:8: [store.config] map_size: bad size \"64MB\""));
  CHECK_THAT(m, Catch::Contains("test.toml:14:8: [store.config] unknown key \"max_map_sise\""));
  CHECK_THAT(m, Catch::Contains("test.toml:15:8: [store.config] candle_retention must be positive"));
  CHECK(std::count(m.begin(), m.end(), '\n') == 3);
}

TEST_CASE("lmdb config: path is required and sizes must be ordered", "[lmdb][config]") {
  sdk::ConfigTable t;
  t.section = "store.config";
  t.position = {"test.toml", 9, 1};
  t.values["map_size"] = string_value("1GiB", 10);
  t.values["max_map_size"] = string_value("64MiB", 11);
  auto c = lmdb::parse_store_config(t, "/");
  REQUIRE_FALSE(c.is_ok());
  CHECK_THAT(c.status().message(), Catch::Contains("test.toml:9:1: [store.config] path is required"));
  CHECK_THAT(c.status().message(),
             Catch::Contains("test.toml:11:8: [store.config] max_map_size must not be smaller"));
}
