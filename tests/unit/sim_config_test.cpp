// [broker.config] of the sim broker: defaults, resolution of relative paths, every error at once.

#include <string>

#include <catch2/catch.hpp>

#include "sim_config.hpp"

using namespace slob;
using plugins::sim::parse_sim_config;
using plugins::sim::SyncMode;

namespace {

sdk::ConfigValue value(decltype(sdk::ConfigValue::value) v, int line) {
  return sdk::ConfigValue{std::move(v), {"slob.toml", line, 1}};
}

sdk::ConfigTable table(std::map<std::string, sdk::ConfigValue> values) {
  return sdk::ConfigTable{"broker.config", {"slob.toml", 10, 1}, std::move(values)};
}

}  // namespace

TEST_CASE("defaults, and relative paths resolve against the config and state directories") {
  auto c = parse_sim_config(table({{"data", value(std::string("data/nq.csv"), 11)}}), "/etc/slob",
                            "/var/lib/slob");
  REQUIRE(c.is_ok());
  CHECK(c->data_path == "/etc/slob/data/nq.csv");
  CHECK(c->state_path == "/var/lib/slob/sim-broker.json");
  CHECK(c->speed == 0);
  CHECK(c->exit_at_end);
  CHECK(c->equity == 100000.0);
  CHECK(c->commission_per_contract == 2.25);
  CHECK(c->multiplier == 20.0);
  CHECK(c->tick_size == 0.25);
  CHECK(c->symbol == "NQ");
  CHECK_FALSE(c->start.has_value());
  CHECK_FALSE(c->end.has_value());
  CHECK(c->sync == SyncMode::kFull);
}

TEST_CASE("every key read with its type") {
  auto c = parse_sim_config(
      table({{"data", value(std::string("/abs/nq.csv"), 11)},
             {"speed", value(std::int64_t{60}, 12)},
             {"exit_at_end", value(false, 13)},
             {"equity", value(50000.5, 14)},
             {"commission_per_contract", value(0.0, 15)},
             {"multiplier", value(std::int64_t{2}, 16)},
             {"start", value(std::string("2026-01-06T00:00:00Z"), 18)},
             {"end", value(std::string("2026-01-07T00:00:00Z"), 19)},
             {"state_file", value(std::string(""), 20)},
             {"tick_size", value(0.25, 21)}}),
      "/etc/slob", "/var/lib/slob");
  REQUIRE(c.is_ok());
  CHECK(c->data_path == "/abs/nq.csv");
  CHECK(c->speed == 60.0);
  CHECK_FALSE(c->exit_at_end);
  CHECK(c->equity == 50000.5);
  CHECK(c->multiplier == 2.0);
  CHECK(sdk::format_rfc3339(*c->start) == "2026-01-06T00:00:00Z");
  CHECK(c->state_path.empty());
}

TEST_CASE("the symbol is the host's [risk] symbol: a symbol key here is refused, naming it") {
  auto c = parse_sim_config(table({{"data", value(std::string("x.csv"), 11)},
                                   {"symbol", value(std::string("NQ"), 17)}}),
                            "/etc/slob", "/var/lib/slob");
  REQUIRE_FALSE(c.is_ok());
  CHECK_THAT(c.status().message(),
             Catch::Contains(":17:1: [broker.config] symbol is set in [risk] symbol only (one place for each setting)"));
}

TEST_CASE("errors name file, line and column, all at once") {
  auto c = parse_sim_config(table({{"speed", value(std::string("fast"), 12)},
                                   {"equity", value(-5.0, 13)},
                                   {"start", value(std::string("yesterday"), 14)},
                                   {"spead", value(std::int64_t{2}, 15)}}),
                            "/etc/slob", "/var/lib/slob");
  REQUIRE_FALSE(c.is_ok());
  const std::string m = c.status().message();
  CHECK_THAT(m, Catch::Contains("slob.toml:10:1: [broker.config] data (the CSV of 1-minute bars to replay) is required"));
  CHECK_THAT(m, Catch::Contains("slob.toml:12:1: [broker.config] speed must be a number"));
  CHECK_THAT(m, Catch::Contains("slob.toml:13:1: [broker.config] equity must be between"));
  CHECK_THAT(m, Catch::Contains("slob.toml:14:1: [broker.config] start is not an RFC 3339 UTC time"));
  CHECK_THAT(m, Catch::Contains("slob.toml:15:1: [broker.config] unknown key \"spead\""));
}

TEST_CASE("end must follow start") {
  auto c = parse_sim_config(table({{"data", value(std::string("x.csv"), 11)},
                                   {"start", value(std::string("2026-01-07T00:00:00Z"), 12)},
                                   {"end", value(std::string("2026-01-06T00:00:00Z"), 13)}}),
                            ".", ".");
  REQUIRE_FALSE(c.is_ok());
  CHECK(c.status().message() == "slob.toml:13:1: [broker.config] end must be after start");
}

TEST_CASE("sync is \"full\" or \"none\", anything else names file and line and both values") {
  for (const auto& [text, mode] :
       {std::pair{"full", SyncMode::kFull}, std::pair{"none", SyncMode::kNone}}) {
    auto c = parse_sim_config(table({{"data", value(std::string("x.csv"), 11)},
                                     {"sync", value(std::string(text), 12)}}),
                              ".", ".");
    REQUIRE(c.is_ok());
    CHECK(c->sync == mode);
  }
  auto c = parse_sim_config(table({{"data", value(std::string("x.csv"), 11)},
                                   {"sync", value(std::string("off"), 12)}}),
                            ".", ".");
  REQUIRE_FALSE(c.is_ok());
  CHECK(c.status().message() ==
        "slob.toml:12:1: [broker.config] sync must be \"full\" or \"none\", got \"off\"");
  c = parse_sim_config(
      table({{"data", value(std::string("x.csv"), 11)}, {"sync", value(false, 13)}}), ".", ".");
  REQUIRE_FALSE(c.is_ok());
  CHECK_THAT(c.status().message(),
             Catch::StartsWith("slob.toml:13:1: [broker.config] sync must be a string"));
}
