// Client references (sdk/include/slob/sdk/orders.hpp): what the bot writes into a broker's order
// reference and how the core reads it back. Every value below is one the host or a broker
// plugin meets: the bracket legs, the shutdown close, orders placed outside the bot.

#include <catch2/catch.hpp>

#include "slob/sdk/orders.hpp"

namespace sdk = slob::sdk;

TEST_CASE("sdk orders: a built reference has the documented form", "[sdk][orders]") {
  CHECK(sdk::make_client_ref("20260106-S-1536", sdk::Leg::kEntry) == "slob:20260106-S-1536:entry");
  CHECK(sdk::make_client_ref("20260106-S-1536", sdk::Leg::kTakeProfit) == "slob:20260106-S-1536:tp");
  CHECK(sdk::make_client_ref("20260106-S-1536", sdk::Leg::kStopLoss) == "slob:20260106-S-1536:sl");
  CHECK(sdk::make_flatten_ref("20260106-S-1536") == "slob:20260106-S-1536:flatten");
}

TEST_CASE("sdk orders: every built reference reads back to its setup and leg", "[sdk][orders]") {
  for (const std::string id : {"20260106-S-1536", "s", "with:colon"}) {
    for (sdk::Leg leg : {sdk::Leg::kEntry, sdk::Leg::kTakeProfit, sdk::Leg::kStopLoss}) {
      const auto ref = sdk::make_client_ref(id, leg);
      INFO(ref);
      CHECK(sdk::is_bot_ref(ref));
      const auto parsed = sdk::parse_client_ref(ref);
      REQUIRE(parsed.has_value());
      CHECK(parsed->setup_id == id);
      CHECK(parsed->leg == leg);
    }
    const auto flatten = sdk::parse_client_ref(sdk::make_flatten_ref(id));
    REQUIRE(flatten.has_value());
    CHECK(flatten->setup_id == id);
    CHECK_FALSE(flatten->leg.has_value());
  }
}

TEST_CASE("sdk orders: a reference the bot did not make is not read as the bot's", "[sdk][orders]") {
  for (const char* foreign : {"", "manual", "SLOB:s:entry", "xslob:s:entry", "slo:s:entry"}) {
    INFO(foreign);
    CHECK_FALSE(sdk::is_bot_ref(foreign));
    CHECK_FALSE(sdk::parse_client_ref(foreign).has_value());
  }
}

TEST_CASE("sdk orders: a malformed bot reference is the bot's but names no setup", "[sdk][orders]") {
  for (const char* malformed : {"slob:", "slob:s", "slob::entry"}) {
    INFO(malformed);
    CHECK(sdk::is_bot_ref(malformed));
    CHECK_FALSE(sdk::parse_client_ref(malformed).has_value());
  }
  // An unknown suffix is not a bracket leg: read as the order closing the trade, as a flatten is.
  const auto other = sdk::parse_client_ref("slob:s:close");
  REQUIRE(other.has_value());
  CHECK(other->setup_id == "s");
  CHECK_FALSE(other->leg.has_value());
}
