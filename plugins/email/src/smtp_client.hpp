#pragma once

// SMTP submission (RFC 6409) of one message per send(), asynchronous on the caller's io_context:
// connect, TLS (STARTTLS on 587 or implicit on 465), EHLO, AUTH PLAIN or LOGIN, MAIL FROM,
// RCPT TO, DATA, QUIT — all under one overall timeout.
//
// Contract:
// - No threads: everything runs on the io_context given to create(); `done` runs exactly once,
//   on that io_context's thread, unless the io_context is stopped or destroyed first.
// - Nothing leaves in clear: with mode kStartTls a server that does not offer STARTTLS is refused
//   before AUTH or the envelope is sent; AUTH is only ever sent over TLS. The peer is always
//   verified (chain and host name, tls_context.hpp).
// - Lifetime: a send holds what it needs (config copy, TLS context, its socket); the SmtpClient
//   may be destroyed while sends are in flight.
// - Cancellation: send() returns a SendHandle; cancel() ends that send at once (socket closed,
//   timer stopped) and its `done` is then never called.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "slob/sdk/status.hpp"

namespace slob::plugins::email {

enum class TlsMode {
  kStartTls,  // plain TCP, then STARTTLS before anything else; default port 587
  kImplicit,  // TLS from the first byte; default port 465
};

struct ClientConfig {
  std::string host;          // a DNS name or an IP literal; the certificate must name it
  std::uint16_t port = 587;  // 465 for kImplicit, by the caller's config
  TlsMode mode = TlsMode::kStartTls;
  std::string ca_file;       // PEM bundle of trusted CAs; empty: the system store
  std::string username;      // empty: no AUTH
  std::string password;
  std::string helo_name = "localhost";  // our name in EHLO
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // the whole send, connect to QUIT
};

struct Envelope {
  std::string from;             // MAIL FROM
  std::vector<std::string> to;  // RCPT TO, one or more
};

enum class Outcome {
  kDelivered,  // the server accepted the message (250 after DATA)
  kPermanent,  // a 5xx reply, or a server that cannot do what we need (no AUTH mechanism we
               // speak): retrying the same message will not help
  kRetryable,  // a 4xx reply, a timeout, a refused or dropped connection, a TLS failure, a
               // server without STARTTLS: try again later
};

const char* outcome_name(Outcome outcome);

struct SendResult {
  Outcome outcome;
  // One line naming the peer and the step: "smtp 127.0.0.1:2587: AUTH: 535 5.7.8 ..."; for a
  // delivery, the server's reply to DATA ("smtp host:587: DATA: 250 OK ...").
  std::string reason;
};

using SendDone = std::function<void(SendResult)>;

class SmtpSession;  // one submission in flight (smtp_client.cpp)

// Names one send() so its caller can abort it. Dropping the handle does not cancel the send.
class SendHandle {
 public:
  SendHandle() = default;
  // Aborts the send when it is still in flight: its connection is closed (the server sees it
  // end), its timer stopped, and its `done` is not called, now or later. No effect once `done`
  // has run, or on a default-constructed handle. Loop thread only.
  void cancel();

 private:
  friend class SmtpClient;
  explicit SendHandle(std::weak_ptr<SmtpSession> session) : session_(std::move(session)) {}
  std::weak_ptr<SmtpSession> session_;
};

class SmtpClient {
 public:
  // Fails (invalid_argument) on a config that cannot work: empty host, no port, an unreadable
  // ca_file, a username without a password.
  static sdk::Result<SmtpClient> create(boost::asio::io_context& io, ClientConfig config);

  // Submits `data` (the message as build_message() returns it; dot-stuffed here) to the
  // envelope's recipients. Any recipient refused fails the whole send: nothing is sent partly.
  // An envelope address that check_address() refuses fails it as kPermanent (step "envelope"),
  // reported through `done` like any other outcome, never inline.
  SendHandle send(Envelope envelope, std::string data, SendDone done);

 private:
  SmtpClient(boost::asio::io_context& io, ClientConfig config,
             std::shared_ptr<boost::asio::ssl::context> tls);

  boost::asio::io_context* io_;
  ClientConfig config_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace slob::plugins::email
