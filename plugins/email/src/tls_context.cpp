#include "tls_context.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <boost/asio/ip/address.hpp>
#include <openssl/x509_vfy.h>

namespace slob::plugins::email {

namespace ssl = boost::asio::ssl;

sdk::Result<std::shared_ptr<ssl::context>> make_client_tls_context(const std::string& ca_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (ca_file.empty()) {
    ctx->set_default_verify_paths(ec);
    if (ec) return sdk::Status::io_error("system CA store: " + ec.message());
    return ctx;
  }
  // Checked first so an unreadable file is named with errno's words, not OpenSSL's.
  if (std::ifstream probe(ca_file); !probe) {
    return sdk::Status::invalid_argument("ca_file " + ca_file + ": cannot read: " +
                                         std::strerror(errno));
  }
  ctx->load_verify_file(ca_file, ec);
  if (ec) {
    return sdk::Status::invalid_argument("ca_file " + ca_file +
                                         ": no PEM certificate could be loaded: " + ec.message());
  }
  return ctx;
}

sdk::Status expect_peer(SSL* ssl, const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (!ec) {  // an IP literal
    if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) {
      return sdk::Status::invalid_argument("TLS: cannot expect address " + host);
    }
    return sdk::Status::ok();
  }
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (SSL_set1_host(ssl, host.c_str()) != 1 || SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    return sdk::Status::invalid_argument("TLS: cannot expect host name " + host);
  }
  return sdk::Status::ok();
}

std::string describe_tls_failure(SSL* ssl, const boost::system::error_code& ec) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
  }
  return ec.message();
}

}  // namespace slob::plugins::email
