#include "smtp_client.hpp"

#include <exception>
#include <optional>
#include <string_view>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "encoding.hpp"
#include "message.hpp"
#include "reply.hpp"
#include "tls_client.hpp"
#include "tls_context.hpp"

namespace slob::plugins::email {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using boost::system::error_code;
using tcp = asio::ip::tcp;

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kDelivered: return "delivered";
    case Outcome::kPermanent: return "permanent";
    case Outcome::kRetryable: return "retryable";
  }
  return "unknown";
}

namespace {

// A reply line longer than this ends the connection (RFC 5321 allows 512 octets).
constexpr std::size_t kMaxLine = 4096;

std::string describe_duration(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "s";
  return std::to_string(d.count()) + "ms";
}

}  // namespace

// One submission: owns its socket, timer and buffers; kept alive by the coroutine and the timer.
class SmtpSession : public std::enable_shared_from_this<SmtpSession> {
 public:
  SmtpSession(asio::io_context& io, const ClientConfig& config, std::shared_ptr<ssl::context> tls,
              Envelope envelope, std::string data, SendDone done)
      : config_(config),
        tls_context_(std::move(tls)),
        resolver_(io),
        stream_(io, *tls_context_),
        timer_(io),
        envelope_(std::move(envelope)),
        data_(std::move(data)),
        done_(std::move(done)) {
    const bool ipv6 = config_.host.find(':') != std::string::npos;
    peer_ = "smtp " + (ipv6 ? "[" + config_.host + "]" : config_.host) + ":" +
            std::to_string(config_.port);
  }

  // Reports a send that never starts (a refused envelope) through `done`, posted, so cancel()
  // still applies to it.
  void refuse(std::string step, std::string detail) {
    asio::post(resolver_.get_executor(), [self = shared_from_this(), step = std::move(step),
                                          detail = std::move(detail)] {
      self->finish(Outcome::kPermanent, step, detail);
    });
  }

  // The caller gave up: `done` is dropped unrun, then everything pending is cancelled (each
  // completion finds no `done` to call).
  void cancel() {
    done_ = nullptr;
    close();
  }

  void start() {
    timer_.expires_after(config_.timeout);
    timer_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->on_timeout();
    });
    asio::co_spawn(resolver_.get_executor(), run(shared_from_this()),
                   [self = shared_from_this()](const std::exception_ptr& e) {
                     if (!e) return;
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       self->finish(Outcome::kRetryable, "internal error", ex.what());
                     } catch (...) {
                       self->finish(Outcome::kRetryable, "internal error", "unknown exception");
                     }
                     self->close();
                   });
  }

 private:
  // The dialog. `self` keeps the session alive for the coroutine's lifetime.
  static asio::awaitable<void> run(std::shared_ptr<SmtpSession> self) {
    co_await self->dialog();
    self->close();
  }

  asio::awaitable<void> dialog() {
    step_ = "connect";
    error_code ec;
    const auto endpoints = co_await resolver_.async_resolve(
        config_.host, std::to_string(config_.port), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return fail_io(ec);
    co_await asio::async_connect(stream_.next_layer(), endpoints,
                                 asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return fail_io(ec);

    if (config_.mode == TlsMode::kImplicit && !co_await handshake()) co_return;
    Reply reply;
    if (!co_await exchange("greeting", "", 220, reply)) co_return;
    if (!co_await exchange("EHLO", "EHLO " + config_.helo_name, 250, reply)) co_return;
    if (config_.mode == TlsMode::kStartTls) {
      if (!parse_capabilities(reply).starttls) {
        co_return finish(Outcome::kRetryable, "EHLO", "STARTTLS not offered; refusing to send in clear");
      }
      if (!co_await exchange("STARTTLS", "STARTTLS", 220, reply)) co_return;
      // Bytes after the 220 arrived in clear but would be read as if protected (the STARTTLS
      // command injection of CVE-2011-0411): refuse rather than discard silently.
      if (!in_.empty()) {
        co_return finish(Outcome::kRetryable, "STARTTLS",
                         "the server sent data before the TLS handshake; refusing");
      }
      if (!co_await handshake()) co_return;
      // RFC 3207: everything learnt before TLS is forgotten, the capabilities asked again.
      if (!co_await exchange("EHLO", "EHLO " + config_.helo_name, 250, reply)) co_return;
    }
    if (!config_.username.empty() && !co_await authenticate(parse_capabilities(reply))) co_return;

    if (!co_await exchange("MAIL FROM", "MAIL FROM:<" + envelope_.from + ">", 250, reply)) co_return;
    for (const auto& to : envelope_.to) {
      if (!co_await exchange("RCPT TO <" + to + ">", "RCPT TO:<" + to + ">", 250, reply)) co_return;
    }
    if (!co_await exchange("DATA", "DATA", 354, reply)) co_return;
    if (!co_await send_data()) co_return;
    if (!co_await exchange("DATA", "", 250, reply)) co_return;
    finish(Outcome::kDelivered, "DATA", reply.summary());
    // The message is delivered whatever QUIT does; its reply is read only to close politely.
    co_await exchange("QUIT", "QUIT", 221, reply);
  }

  asio::awaitable<bool> authenticate(const Capabilities& caps) {
    Reply reply;
    if (caps.auth_plain) {
      const std::string token = std::string(1, '\0') + config_.username + '\0' + config_.password;
      co_return co_await exchange("AUTH", "AUTH PLAIN " + base64_encode(token), 235, reply);
    }
    if (caps.auth_login) {
      co_return co_await exchange("AUTH", "AUTH LOGIN", 334, reply) &&
          co_await exchange("AUTH", base64_encode(config_.username), 334, reply) &&
          co_await exchange("AUTH", base64_encode(config_.password), 235, reply);
    }
    finish(Outcome::kPermanent, "AUTH", "the server offers neither AUTH PLAIN nor AUTH LOGIN");
    co_return false;
  }

  asio::awaitable<bool> handshake() {
    step_ = "TLS";
    if (auto s = tls::expect_peer(stream_.native_handle(), config_.host); !s) {
      finish(Outcome::kPermanent, step_, s.message());
      co_return false;
    }
    error_code ec;
    co_await stream_.async_handshake(ssl::stream_base::client,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (timed_out_) {
        fail_io(ec);
      } else {
        auto why = tls::verification_error(stream_.native_handle());
        finish(Outcome::kRetryable, step_, why ? "certificate verify failed: " + *why : ec.message());
      }
      co_return false;
    }
    tls_ = true;
    co_return true;
  }

  // Sends `command` (unless empty) and reads the reply; true when its code is in the class of
  // `expected` (2xx for 250: RCPT may answer 251). Otherwise ends the send: 5xx permanent,
  // anything else retryable.
  asio::awaitable<bool> exchange(std::string step, std::string command, int expected, Reply& reply) {
    step_ = std::move(step);
    error_code ec;
    if (!command.empty()) {
      command += "\r\n";
      co_await write(command, ec);
      if (ec) co_return fail_io(ec), false;
    }
    while (true) {
      std::string line;
      co_await read_line(line, ec);
      if (ec) co_return fail_io(ec), false;
      auto fed = parser_.feed(line);
      if (!fed) co_return finish(Outcome::kRetryable, step_, fed.status().message()), false;
      if (fed->has_value()) {
        reply = std::move(**fed);
        break;
      }
    }
    if (reply.code / 100 == expected / 100) co_return true;
    finish(reply.code / 100 == 5 ? Outcome::kPermanent : Outcome::kRetryable, step_, reply.summary());
    co_return false;
  }

  asio::awaitable<bool> send_data() {
    error_code ec;
    co_await write(dot_stuffed(data_), ec);
    if (ec) co_return fail_io(ec), false;
    co_return true;
  }

  asio::awaitable<void> write(const std::string& bytes, error_code& ec) {
    if (tls_) {
      co_await asio::async_write(stream_, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, ec));
    } else {
      co_await asio::async_write(stream_.next_layer(), asio::buffer(bytes),
                                 asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  asio::awaitable<void> read_line(std::string& line, error_code& ec) {
    auto buffer = asio::dynamic_buffer(in_, kMaxLine);
    std::size_t n = 0;
    if (tls_) {
      n = co_await asio::async_read_until(stream_, buffer, "\r\n",
                                          asio::redirect_error(asio::use_awaitable, ec));
    } else {
      n = co_await asio::async_read_until(stream_.next_layer(), buffer, "\r\n",
                                          asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec) co_return;
    line = in_.substr(0, n - 2);
    in_.erase(0, n);
  }

  void fail_io(const error_code& ec) {
    if (timed_out_) {
      finish(Outcome::kRetryable, step_, "timed out after " + describe_duration(config_.timeout));
    } else if (ec == asio::error::eof || ec == ssl::error::stream_truncated) {
      finish(Outcome::kRetryable, step_, "connection closed by the server");
    } else if (ec == asio::error::not_found) {
      finish(Outcome::kRetryable, step_, "reply line longer than " + std::to_string(kMaxLine) + " bytes");
    } else {
      finish(Outcome::kRetryable, step_, ec.message());
    }
  }

  // Reports the result; only the first call counts (a failure after delivery, in QUIT, does not).
  void finish(Outcome outcome, const std::string& step, const std::string& detail) {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    done(SendResult{outcome, peer_ + ": " + step + ": " + detail});
  }

  void on_timeout() {
    timed_out_ = true;
    close();
  }

  // Cancels whatever is pending (it completes with an error) and stops the timer.
  void close() {
    error_code ignored;
    resolver_.cancel();
    stream_.next_layer().close(ignored);
    timer_.cancel();
  }

  ClientConfig config_;
  std::shared_ptr<ssl::context> tls_context_;
  tcp::resolver resolver_;
  ssl::stream<tcp::socket> stream_;
  asio::steady_timer timer_;
  Envelope envelope_;
  std::string data_;
  SendDone done_;
  std::string peer_;
  std::string step_;
  std::string in_;  // received bytes not yet consumed
  ReplyParser parser_;
  bool tls_ = false;
  bool timed_out_ = false;
};

void SendHandle::cancel() {
  if (auto session = session_.lock()) session->cancel();
}

sdk::Result<SmtpClient> SmtpClient::create(asio::io_context& io, ClientConfig config) {
  if (config.host.empty()) return sdk::Status::invalid_argument("smtp: host is empty");
  if (config.port == 0) return sdk::Status::invalid_argument("smtp: port 0");
  if (!config.username.empty() && config.password.empty()) {
    return sdk::Status::invalid_argument("smtp: a username but no password");
  }
  if (config.timeout <= std::chrono::milliseconds::zero()) {
    return sdk::Status::invalid_argument("smtp: the timeout must be positive");
  }
  auto tls = make_client_tls_context(config.ca_file);
  if (!tls) return tls.status();
  return SmtpClient(io, std::move(config), std::move(*tls));
}

SmtpClient::SmtpClient(asio::io_context& io, ClientConfig config, std::shared_ptr<ssl::context> tls)
    : io_(&io), config_(std::move(config)), tls_(std::move(tls)) {}

SendHandle SmtpClient::send(Envelope envelope, std::string data, SendDone done) {
  sdk::Status valid = check_address(envelope.from);
  if (valid && envelope.to.empty()) valid = sdk::Status::invalid_argument("no recipient");
  for (const auto& to : envelope.to) {
    if (valid) valid = check_address(to);
  }
  auto session = std::make_shared<SmtpSession>(*io_, config_, tls_, std::move(envelope),
                                               std::move(data), std::move(done));
  if (valid) {
    session->start();
  } else {
    session->refuse("envelope", valid.message());
  }
  return SendHandle(session);
}

}  // namespace slob::plugins::email
