#pragma once

// The TLS client rules every alert transport shares (plugins/email, plugins/webhook): TLS 1.2 or
// newer, the peer's chain verified against the system CA store or one explicit `ca_file`, and
// the certificate checked for the host we dialled — inside OpenSSL's chain verification, so a
// mismatch fails the handshake with OpenSSL's own reason. There is deliberately no way to turn
// verification off. Callers word their own errors (each transport's messages are its contract);
// these functions only apply the rules and report what OpenSSL said.
//
// Threading: none of its own; a context is not changed after trust() and may be shared.

#include <optional>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <openssl/ssl.h>

#include "slob/sdk/status.hpp"

namespace slob::plugins::tls {

// Sets `ctx` up as a verifying client: minimum TLS 1.2, verify_peer, CAs from `ca_file` (PEM)
// when given, else OpenSSL's default paths. Returns the error of loading the CAs, if any.
boost::system::error_code trust(boost::asio::ssl::context& ctx, const std::string& ca_file);

// Per connection, before the handshake: the name or address the certificate must match (an IP
// literal against the certificate's IP addresses, a name against its DNS names, no partial
// wildcards) and SNI for a name (RFC 6066 has no SNI for addresses). Fails only when OpenSSL
// refuses to take the host.
sdk::Status expect_peer(SSL* ssl, const std::string& host);

// After a failed handshake: OpenSSL's certificate verification error ("hostname mismatch",
// "certificate has expired"), or nullopt when the chain was not the reason.
std::optional<std::string> verification_error(SSL* ssl);

}  // namespace slob::plugins::tls
