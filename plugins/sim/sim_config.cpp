#include "sim_config.hpp"

#include <filesystem>
#include <limits>

namespace slob::plugins::sim {
namespace {

std::string resolve(const std::string& path, const std::string& dir) {
  const std::filesystem::path p(path);
  if (p.is_absolute() || dir.empty()) return p.lexically_normal().string();
  return (std::filesystem::path(dir) / p).lexically_normal().string();
}

std::optional<sdk::Time> read_time(sdk::ConfigReader& reader, const std::string& key) {
  const std::string text = reader.get_string(key, "");
  if (text.empty()) return std::nullopt;
  auto t = sdk::parse_rfc3339(text);
  if (!t) reader.add_error(key, key + " is not an RFC 3339 UTC time such as \"2026-01-06T14:30:00Z\": \"" + text + "\"");
  return t;
}

}  // namespace

sdk::Result<SimConfig> parse_sim_config(const sdk::ConfigTable& table, const std::string& config_dir,
                                        const std::string& state_dir) {
  constexpr double kHuge = std::numeric_limits<double>::max();
  sdk::ConfigReader reader(table);
  SimConfig c;
  const std::string data = reader.get_string("data", "");
  if (data.empty()) reader.add_error("data", "data (the CSV of 1-minute bars to replay) is required");
  c.data_path = data.empty() ? "" : resolve(data, config_dir);
  c.speed = reader.get_double("speed", 0.0, 0.0, 1e6);
  c.exit_at_end = reader.get_bool("exit_at_end", true);
  c.equity = reader.get_double("equity", 100000.0, 0.01, kHuge);
  c.commission_per_contract = reader.get_double("commission_per_contract", 2.25, 0.0, 1000.0);
  c.multiplier = reader.get_double("multiplier", 20.0, 1e-6, 1e6);
  c.tick_size = reader.get_double("tick_size", 0.25, 1e-6, 1e6);
  reader.refuse_host_key("symbol", "[risk] symbol");  // c.symbol: set by the factory
  c.start = read_time(reader, "start");
  c.end = read_time(reader, "end");
  if (c.start && c.end && *c.end <= *c.start) reader.add_error("end", "end must be after start");
  const std::string state_file = reader.get_string("state_file", kDefaultStateFile);
  c.state_path = state_file.empty() ? "" : resolve(state_file, state_dir);
  const std::string manual = reader.get_string("manual_actions", "");
  c.manual_actions_path = manual.empty() ? "" : resolve(manual, config_dir);
  const std::string sync = reader.get_string("sync", "full");
  if (sync == "full") c.sync = SyncMode::kFull;
  else if (sync == "none") c.sync = SyncMode::kNone;
  else reader.add_error("sync", "sync must be \"full\" or \"none\", got \"" + sync + "\"");
  if (auto st = reader.finish(); !st.is_ok()) return st;
  return c;
}

}  // namespace slob::plugins::sim
