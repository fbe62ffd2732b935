#pragma once

// The telegram plugin's [observer.config] table (README.md "Config"), read and checked whole:
// every problem is reported at once, each at its file:line, never showing the bot token.

#include <cstdint>
#include <string>
#include <variant>

#include "http_url.hpp"
#include "slob/sdk/config.hpp"
#include "slob/sdk/status.hpp"
#include "transport_config.hpp"

namespace slob::plugins::telegram {

struct TelegramConfig {
  std::string bot_token;  // a secret: it is in the request's path, so never in a message
  // A chat's numeric id (groups and channels are negative), or a public channel's "@username".
  std::variant<std::int64_t, std::string> chat_id;
  webhook::HttpUrl base_url;  // its target without a trailing "/", "" for the root
  webhook::TransportConfig transport;
};

inline constexpr const char kDefaultBaseUrl[] = "https://api.telegram.org";

// "https://api.telegram.org chat -1001234567890": where messages go, without the token.
std::string destination(const TelegramConfig& config);

// Errors: invalid_argument, one "FILE:LINE:COL: [section] message" per line.
sdk::Result<TelegramConfig> parse_telegram_config(const sdk::ConfigTable& table,
                                                  const std::string& config_dir);

}  // namespace slob::plugins::telegram
