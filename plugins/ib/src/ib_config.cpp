#include "ib_config.hpp"

#include "ib_time.hpp"

namespace slob::plugins::ib {

sdk::Result<IbConfig> parse_ib_config(const sdk::ConfigTable& table, const sdk::HostSettings& settings) {
  sdk::ConfigReader r(table);
  IbConfig c;
  c.symbol = settings.symbol;
  c.heartbeat_interval = settings.heartbeat_interval;
  c.heartbeat_timeout = settings.heartbeat_timeout;
  r.refuse_host_key("symbol", "[risk] symbol");
  r.refuse_host_key("heartbeat_interval", "[connection] heartbeat_interval");
  r.refuse_host_key("heartbeat_timeout", "[connection] heartbeat_timeout");
  c.host = r.get_string("host", c.host);
  c.port = r.get_int("port", c.port, 1, 65535);
  c.client_id = r.get_int("client_id", c.client_id, 0, 2147483646);
  c.exchange = r.get_string("exchange", c.exchange);
  c.currency = r.get_string("currency", c.currency);
  c.account = r.get_string("account", c.account);
  c.connect_timeout = r.get_duration("connect_timeout", c.connect_timeout);
  c.request_timeout = r.get_duration("request_timeout", c.request_timeout);
  c.bar_watchdog = r.get_duration("bar_watchdog", c.bar_watchdog);
  c.contract_refresh = r.get_duration("contract_refresh", c.contract_refresh);
  c.commission_wait = r.get_duration("commission_wait", c.commission_wait);
  const std::string mdt = r.get_string("market_data_type", "realtime");
  c.max_messages_per_second = r.get_int("max_messages_per_second", c.max_messages_per_second, 1, 49);
  c.time_in_force = r.get_string("time_in_force", c.time_in_force);
  c.outside_rth = r.get_bool("outside_rth", c.outside_rth);
  c.gateway_timezone = r.get_string("gateway_timezone", c.gateway_timezone);

  if (mdt == "realtime") c.market_data_type = MarketDataType::kRealtime;
  else if (mdt == "delayed") c.market_data_type = MarketDataType::kDelayed;
  else r.add_error("market_data_type", "market_data_type must be \"realtime\" or \"delayed\", got \"" + mdt + "\"");
  if (c.host.empty()) r.add_error("host", "host must not be empty");
  if (c.exchange == "GLOBEX") {
    r.add_error("exchange", "exchange \"GLOBEX\" was renamed by IB; use \"CME\"");
  }
  if (c.time_in_force != "GTC" && c.time_in_force != "DAY") {
    r.add_error("time_in_force", "time_in_force must be \"GTC\" or \"DAY\", got \"" + c.time_in_force + "\"");
  }
  const auto positive = [&](const char* key, sdk::Duration d) {
    if (d <= sdk::Duration::zero()) r.add_error(key, std::string(key) + " must be greater than zero");
  };
  positive("connect_timeout", c.connect_timeout);
  positive("request_timeout", c.request_timeout);
  positive("bar_watchdog", c.bar_watchdog);
  positive("contract_refresh", c.contract_refresh);
  if (c.gateway_timezone != "UTC" && !find_zone(c.gateway_timezone)) {
    r.add_error("gateway_timezone", "unknown time zone \"" + c.gateway_timezone + "\"");
  }
  for (const char* key : {"exchange", "currency", "account"}) {
    const std::string& v = std::string(key) == "exchange"   ? c.exchange
                           : std::string(key) == "currency" ? c.currency
                                                            : c.account;
    for (char ch : v) {
      if (static_cast<unsigned char>(ch) < 0x21 || static_cast<unsigned char>(ch) > 0x7E) {
        r.add_error(key, std::string(key) + " must be printable ASCII without spaces");
        break;
      }
    }
  }
  if (auto st = r.finish(); !st) return st;
  return c;
}

}  // namespace slob::plugins::ib
