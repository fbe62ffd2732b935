#pragma once

// The http plugin's [observer.config] table (README.md "Config"), read and checked whole: every
// problem is reported at once, each at its file:line.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "slob/sdk/config.hpp"
#include "slob/sdk/status.hpp"

namespace slob::plugins::http {

struct HttpConfig {
  std::string address = "127.0.0.1";  // an IP literal; not loopback only with a bearer token
  std::uint16_t port = 8787;          // 0: any free port (tests)
  // Every request must carry it (README.md "Authentication"); nullopt: no authentication.
  std::optional<std::string> bearer_token;
  std::size_t max_connections = 64;      // open connections; more are reset at once
  std::chrono::milliseconds header_timeout{10'000};  // the whole request must arrive within
  std::chrono::milliseconds idle_timeout{30'000};    // a kept-alive connection without a request
  std::size_t max_header_bytes = 8192;   // request line and headers; more is 431
  std::chrono::milliseconds refresh{2'000};          // how often the dashboard page polls
};

// Errors: invalid_argument, one "FILE:LINE:COL: [section] message" per line. The token's value
// never appears in a message.
sdk::Result<HttpConfig> parse_http_config(const sdk::ConfigTable& table,
                                          const std::string& config_dir);

}  // namespace slob::plugins::http
