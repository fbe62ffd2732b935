#pragma once

// The TLS client setup the e-mail transport uses (kept in one file so the HTTPS clients can share
// it later). Verification is always on: the peer's chain must lead to a trusted CA and the
// certificate must name the host we dialled. There is deliberately no way to turn either off;
// a private CA is trusted by naming its file.

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <openssl/ssl.h>

#include "slob/sdk/status.hpp"

namespace slob::plugins::email {

// A client context: TLS 1.2 or newer, verify_peer, CAs from `ca_file` (PEM) when given, else
// the system store (OpenSSL's default paths). Fails (invalid_argument naming the file) when
// `ca_file` cannot be read or holds no certificate. Share it between connections; it is not
// changed after creation.
sdk::Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(
    const std::string& ca_file);

// Per connection, before the handshake: the name or address the certificate must match (an IP
// literal is matched against the certificate's IP addresses, a name against its DNS names), and
// SNI for a name (RFC 6066 has no SNI for addresses). Fails when OpenSSL refuses the host.
sdk::Status expect_peer(SSL* ssl, const std::string& host);

// One line for a failed handshake: the certificate verification error when there was one
// ("certificate verify failed: Hostname mismatch"), else the TLS error's message.
std::string describe_tls_failure(SSL* ssl, const boost::system::error_code& ec);

}  // namespace slob::plugins::email
