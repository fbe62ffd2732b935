#pragma once

// The [broker.config] table of the ib plugin, validated with sdk::ConfigReader: every key has a
// type and a default (README.md), unknown keys are errors, and all errors come back at once as
// `FILE:LINE:COL: message` lines.

#include <cstdint>
#include <string>

#include "slob/sdk/config.hpp"
#include "slob/sdk/host_services.hpp"
#include "slob/sdk/status.hpp"
#include "slob/sdk/time.hpp"

namespace slob::plugins::ib {

enum class MarketDataType { kRealtime = 1, kDelayed = 3 };

struct IbConfig {
  std::string host = "127.0.0.1";
  std::int64_t port = 4002;
  std::int64_t client_id = 1;
  std::string symbol = "NQ";  // [risk] symbol (HostSettings)
  std::string exchange = "CME";
  std::string currency = "USD";
  std::string account;  // empty: the login's only (or first) account
  sdk::Duration heartbeat_interval = std::chrono::seconds(30);  // [connection] (HostSettings)
  sdk::Duration heartbeat_timeout = std::chrono::seconds(10);   // [connection] (HostSettings)
  sdk::Duration connect_timeout = std::chrono::seconds(10);
  sdk::Duration request_timeout = std::chrono::seconds(30);
  sdk::Duration bar_watchdog = std::chrono::seconds(10);  // two 5-second bar periods
  sdk::Duration contract_refresh = std::chrono::hours(1);
  sdk::Duration commission_wait = std::chrono::seconds(2);
  MarketDataType market_data_type = MarketDataType::kRealtime;
  std::int64_t max_messages_per_second = 45;
  std::string time_in_force = "GTC";
  bool outside_rth = true;
  std::string gateway_timezone = "UTC";  // zone of zone-less times the gateway sends
};

// The symbol and the heartbeat come from the host's settings; the same keys in the table are
// refused, naming where they belong.
sdk::Result<IbConfig> parse_ib_config(const sdk::ConfigTable& table, const sdk::HostSettings& settings);

}  // namespace slob::plugins::ib
