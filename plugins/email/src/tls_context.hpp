#pragma once

// The e-mail transport's TLS client context: the shared rules of plugins/tls_client (verification
// always on, a private CA trusted by naming its file), with this transport's error wording.

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include "slob/sdk/status.hpp"

namespace slob::plugins::email {

// A client context: TLS 1.2 or newer, verify_peer, CAs from `ca_file` (PEM) when given, else
// the system store (OpenSSL's default paths). Fails (invalid_argument naming the file) when
// `ca_file` cannot be read or holds no certificate. Share it between connections; it is not
// changed after creation.
sdk::Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(
    const std::string& ca_file);

}  // namespace slob::plugins::email
