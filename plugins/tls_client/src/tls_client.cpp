#include "tls_client.hpp"

#include <boost/asio/ip/address.hpp>
#include <openssl/x509_vfy.h>

namespace slob::plugins::tls {

namespace ssl = boost::asio::ssl;

boost::system::error_code trust(ssl::context& ctx, const std::string& ca_file) {
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  ctx.set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (ca_file.empty()) ctx.set_default_verify_paths(ec);
  else ctx.load_verify_file(ca_file, ec);
  return ec;
}

sdk::Status expect_peer(SSL* ssl, const std::string& host) {
  boost::system::error_code not_ip;
  boost::asio::ip::make_address(host, not_ip);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (!not_ip) {
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

std::optional<std::string> verification_error(SSL* ssl) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify == X509_V_OK) return std::nullopt;
  return X509_verify_cert_error_string(verify);
}

}  // namespace slob::plugins::tls
