#include "tls_context.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "tls_client.hpp"

namespace slob::plugins::email {

namespace ssl = boost::asio::ssl;

sdk::Result<std::shared_ptr<ssl::context>> make_client_tls_context(const std::string& ca_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  if (ca_file.empty()) {
    if (auto ec = tls::trust(*ctx, ca_file)) {
      return sdk::Status::io_error("system CA store: " + ec.message());
    }
    return ctx;
  }
  // Checked first so an unreadable file is named with errno's words, not OpenSSL's.
  if (std::ifstream probe(ca_file); !probe) {
    return sdk::Status::invalid_argument("ca_file " + ca_file + ": cannot read: " +
                                         std::strerror(errno));
  }
  if (auto ec = tls::trust(*ctx, ca_file)) {
    return sdk::Status::invalid_argument("ca_file " + ca_file +
                                         ": no PEM certificate could be loaded: " + ec.message());
  }
  return ctx;
}

}  // namespace slob::plugins::email
