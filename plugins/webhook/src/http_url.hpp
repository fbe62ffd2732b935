#pragma once

// The URLs the alert transports POST to: `http://` or `https://`, a host (a DNS name, an IPv4
// address, or an IPv6 address in brackets), an optional port, and a path with an optional query.
// Everything else — other schemes, user:password@, fragments, spaces or control characters,
// ports outside 1..65535 — is refused with one line that names the URL, so a config error is
// caught when the config is read, not at the first alert.

#include <cstdint>
#include <string>
#include <string_view>

#include "slob/sdk/status.hpp"

namespace slob::plugins::webhook {

struct HttpUrl {
  bool https = false;
  std::string host;        // as written, without the brackets of an IPv6 literal
  std::uint16_t port = 0;  // the scheme's default (80, 443) when the URL has none
  std::string target;      // path and query as sent in the request line; "/" when the URL has none

  // scheme://host[:port]path — without the query, which may carry a secret: what failure
  // reasons name the peer by.
  std::string display() const;
};

sdk::Result<HttpUrl> parse_http_url(std::string_view text);

}  // namespace slob::plugins::webhook
