#pragma once

// The webhook plugin's [observer.config] table (README.md "Config"), read and checked whole:
// every problem is reported at once, each at its file:line.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http_url.hpp"
#include "slob/sdk/config.hpp"
#include "slob/sdk/status.hpp"
#include "transport_config.hpp"

namespace slob::plugins::webhook {

// What the body looks like (README.md "Bodies").
enum class Preset { kGeneric, kSlack, kNtfy };

struct WebhookConfig {
  HttpUrl url;
  Preset preset = Preset::kGeneric;
  std::optional<std::string> bearer_token;  // sent as "Authorization: Bearer <token>"
  std::vector<std::pair<std::string, std::string>> headers;  // the operator's extra headers
  TransportConfig transport;
};

// Errors: invalid_argument, one "FILE:LINE:COL: [section] message" per line. A secret's value
// never appears in a message.
sdk::Result<WebhookConfig> parse_webhook_config(const sdk::ConfigTable& table,
                                                const std::string& config_dir);

}  // namespace slob::plugins::webhook
