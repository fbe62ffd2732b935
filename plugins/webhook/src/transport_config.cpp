#include "transport_config.hpp"

#include <filesystem>
#include <fstream>

namespace slob::plugins::webhook {

TransportConfig read_transport_config(sdk::ConfigReader& reader, const std::string& config_dir) {
  TransportConfig out;
  if (std::string ca = reader.get_string("ca_file", ""); !ca.empty()) {
    std::filesystem::path path(ca);
    if (path.is_relative()) path = std::filesystem::path(config_dir) / path;
    out.ca_file = path.lexically_normal().string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(out.ca_file, ec) || !std::ifstream(out.ca_file)) {
      reader.add_error("ca_file", "ca_file " + out.ca_file + " is not a readable file");
    }
  } else if (reader.has("ca_file") &&
             std::holds_alternative<std::string>(reader.get("ca_file")->value)) {
    reader.add_error("ca_file", "ca_file must not be empty (leave it out for the system CA store)");
  }
  const sdk::Duration timeout = reader.get_duration("timeout", kDefaultTimeout);
  if (timeout <= sdk::Duration::zero() || timeout > std::chrono::minutes(5) ||
      timeout % std::chrono::milliseconds(1) != sdk::Duration::zero()) {
    reader.add_error("timeout", "timeout must be whole milliseconds above zero and at most 5m, got " +
                                    sdk::format_duration(timeout));
  } else {
    out.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
  }
  return out;
}

}  // namespace slob::plugins::webhook
