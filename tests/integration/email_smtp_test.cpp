// The SMTP client against a real SMTP server (aiosmtpd, tests/support/smtp_receiver.py) on
// 127.0.0.1, with certificates made by the openssl CLI for this run: what was delivered is parsed
// back with Python's email module; what was refused must not have reached the server at all.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "email_test_support.hpp"
#include "message.hpp"
#include "process.hpp"
#include "smtp_client.hpp"
#include "template.hpp"
#include "temp_dir.hpp"

using namespace slob::plugins::email;
using namespace std::chrono_literals;
using slob::test::Process;
using slob::test::TempDir;
using slob::test::email::Pki;
using slob::test::email::Receiver;

namespace {

const std::string kKey = "20260106-S-1530.stop";

Envelope envelope() { return {"alerts@bot.example", {"ops@example.org", "trader@example.net"}}; }

Values alert_values() {
  return {{"title", "Stop ausgelöst <NQ> & co"},
          {"events", ".a line starting with a dot\n" + std::string(120, '=') + "\nÄnderung: −25.5"},
          {"severity", "critical"},
          {"count", "1"},
          {"time", "2026-01-06T15:30:00Z"},
          {"delivery_id", "slob-42"},
          {"observer", "ops-mail"},
          {"host", "bot1"}};
}

std::string alert_message() {
  auto rendered = render_all(default_templates(), alert_values());
  REQUIRE(rendered.is_ok());
  const auto env = envelope();
  Message m{env.from, env.to, rendered->subject, rendered->text, rendered->html, kKey,
            std::chrono::system_clock::time_point(std::chrono::seconds(1767713400))};
  auto built = build_message(m);
  REQUIRE(built.is_ok());
  return *built;
}

ClientConfig config_for(const Receiver& receiver, TlsMode mode, const std::string& host = "localhost") {
  ClientConfig c;
  c.host = host;
  c.port = receiver.port;
  c.mode = mode;
  c.ca_file = Pki::get().path("ca.pem");
  c.username = "alerts";
  c.password = "s3cret";
  c.timeout = 10s;
  return c;
}

std::optional<SendResult> send(boost::asio::io_context& io, const ClientConfig& config) {
  auto client = SmtpClient::create(io, config);
  REQUIRE(client.is_ok());
  std::optional<SendResult> result;
  client->send(envelope(), alert_message(), [&](SendResult r) {
    REQUIRE(!result);  // exactly once
    result = std::move(r);
  });
  io.run_for(30s);
  return result;
}

std::optional<SendResult> send(const ClientConfig& config) {
  boost::asio::io_context io;
  return send(io, config);
}

std::string peer(const Receiver& r, const std::string& host = "localhost") {
  return "smtp " + host + ":" + std::to_string(r.port);
}

// What Python read back must be exactly what the templates rendered.
void check_parsed_alert(const std::string& parsed) {
  auto rendered = render_all(default_templates(), alert_values());
  const auto json = [](const std::string& s) { return nlohmann::json(s).dump(); };
  const std::string expected =
      "mail_from: alerts@bot.example\n"
      "rcpt_tos: ops@example.org,trader@example.net\n"
      "tls: True\n"
      "auth_user: alerts\n"
      "crlf_only: True\n"
      "From: alerts@bot.example\n"
      "To: ops@example.org, trader@example.net\n"
      "Subject: Stop ausgelöst <NQ> & co\n"
      "Date: Tue, 06 Jan 2026 15:30:00 +0000\n"
      "Message-ID: <slob." + kKey + "@bot.example>\n"
      "MIME-Version: 1.0\n"
      "content_type: multipart/alternative\n"
      "defects: 0\n"
      "part: text/plain utf-8 quoted-printable\n"
      "part_defects: 0\n"
      "body: " + json(rendered->text) + "\n"
      "part: text/html utf-8 quoted-printable\n"
      "part_defects: 0\n"
      "body: " + json(rendered->html) + "\n";
  CHECK(parsed == expected);
}

// Nothing of the dialog after EHLO reached the server.
void check_nothing_sent(const Receiver& receiver) {
  CHECK(receiver.messages().empty());
  const auto commands = receiver.commands();
  CHECK(commands.find("AUTH") == std::string::npos);
  CHECK(commands.find("MAIL") == std::string::npos);
}

}  // namespace

TEST_CASE("smtp: delivers over STARTTLS with AUTH PLAIN, parsed back intact") {
  Receiver receiver("starttls", "good.pem");
  const auto result = send(config_for(receiver, TlsMode::kStartTls));
  REQUIRE(result);
  CHECK(result->outcome == Outcome::kDelivered);
  CHECK(result->reason == peer(receiver) + ": DATA: 250 OK queued as 1");
  CHECK(receiver.commands() ==
        "EHLO localhost\nEHLO localhost\nAUTH PLAIN alerts ok\nMAIL alerts@bot.example\n"
        "RCPT ops@example.org\nRCPT trader@example.net\nDATA\n");
  const auto messages = receiver.messages();
  REQUIRE(messages.size() == 1);
  check_parsed_alert(receiver.parsed(messages[0]));
}

TEST_CASE("smtp: delivers over implicit TLS with AUTH LOGIN, the address verified") {
  Receiver receiver("tls", "good.pem");
  const auto result = send(config_for(receiver, TlsMode::kImplicit, "127.0.0.1"));
  REQUIRE(result);
  CHECK(result->outcome == Outcome::kDelivered);
  CHECK(result->reason == peer(receiver, "127.0.0.1") + ": DATA: 250 OK queued as 1");
  CHECK(receiver.commands().find("AUTH LOGIN alerts ok\n") != std::string::npos);
  const auto messages = receiver.messages();
  REQUIRE(messages.size() == 1);
  check_parsed_alert(receiver.parsed(messages[0]));
}

TEST_CASE("smtp: a certificate that does not verify is refused, retryable, nothing sent") {
  struct Case {
    const char* cert;
    TlsMode mode;
    const char* host;
    bool system_store;
    const char* why;
  };
  const auto c = GENERATE(
      Case{"wrong.pem", TlsMode::kStartTls, "localhost", false, "hostname mismatch"},
      Case{"wrong.pem", TlsMode::kImplicit, "127.0.0.1", false, "IP address mismatch"},
      Case{"rogue.pem", TlsMode::kStartTls, "localhost", false, "self-signed certificate"},
      Case{"good.pem", TlsMode::kImplicit, "localhost", true, "unable to get local issuer certificate"},
      Case{"expired.pem", TlsMode::kStartTls, "localhost", false, "certificate has expired"});
  Receiver receiver(c.mode == TlsMode::kStartTls ? "starttls" : "tls", c.cert);
  auto config = config_for(receiver, c.mode, c.host);
  if (c.system_store) config.ca_file.clear();
  const auto result = send(config);
  REQUIRE(result);
  CHECK(result->outcome == Outcome::kRetryable);
  CHECK(result->reason == peer(receiver, c.host) + ": TLS: certificate verify failed: " + c.why);
  check_nothing_sent(receiver);
}

TEST_CASE("smtp: a server without STARTTLS is refused before anything is sent in clear") {
  Receiver receiver("plain");
  const auto result = send(config_for(receiver, TlsMode::kStartTls));
  REQUIRE(result);
  CHECK(result->outcome == Outcome::kRetryable);
  CHECK(result->reason == peer(receiver) + ": EHLO: STARTTLS not offered; refusing to send in clear");
  CHECK(receiver.commands() == "EHLO localhost\n");
  check_nothing_sent(receiver);
}

TEST_CASE("smtp: a wrong password is a permanent refusal naming AUTH") {
  Receiver receiver("starttls", "good.pem");
  auto config = config_for(receiver, TlsMode::kStartTls);
  config.password = "wrong";
  const auto result = send(config);
  REQUIRE(result);
  CHECK(result->outcome == Outcome::kPermanent);
  CHECK(result->reason == peer(receiver) + ": AUTH: 535 5.7.8 Authentication credentials invalid");
  CHECK(receiver.commands().find("AUTH PLAIN alerts refused\n") != std::string::npos);
  CHECK(receiver.messages().empty());
}

TEST_CASE("smtp: a server that is down is retryable") {
  std::uint16_t port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }  // closed again: nothing listens on `port`
  ClientConfig config;
  config.host = "127.0.0.1";
  config.port = port;
  config.ca_file = Pki::get().path("ca.pem");
  const auto result = send(config);
  REQUIRE(result);
  CHECK(result->outcome == Outcome::kRetryable);
  CHECK(result->reason == "smtp 127.0.0.1:" + std::to_string(port) + ": connect: Connection refused");
}

TEST_CASE("smtp: a server that never answers times out while the io_context keeps running") {
  Receiver receiver("hang");
  auto config = config_for(receiver, TlsMode::kStartTls, "127.0.0.1");
  config.timeout = 1500ms;

  boost::asio::io_context io;
  // Another user of the same io_context: it must keep firing while the send waits.
  boost::asio::steady_timer ticker(io);
  int ticks = 0;
  bool finished = false;
  std::function<void()> arm = [&] {
    ticker.expires_after(100ms);
    ticker.async_wait([&](const boost::system::error_code& ec) {
      if (ec || finished) return;
      ++ticks;
      arm();
    });
  };
  arm();
  auto client = SmtpClient::create(io, config);
  REQUIRE(client.is_ok());
  std::optional<SendResult> result;
  int ticks_at_result = 0;
  const auto start = std::chrono::steady_clock::now();
  client->send(envelope(), alert_message(), [&](SendResult r) {
    result = std::move(r);
    ticks_at_result = ticks;
    finished = true;
  });
  io.run_for(20s);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE(result);
  CHECK(result->outcome == Outcome::kRetryable);
  CHECK(result->reason == peer(receiver, "127.0.0.1") + ": greeting: timed out after 1500ms");
  CHECK(elapsed >= 1500ms);
  CHECK(elapsed < 5s);
  CHECK(ticks_at_result >= 10);  // ~15 ticks of 100 ms in 1.5 s: the loop was never blocked
}

TEST_CASE("smtp: a cancelled send closes its connection and never reports") {
  Receiver receiver("hang");
  auto config = config_for(receiver, TlsMode::kStartTls, "127.0.0.1");
  config.timeout = 500ms;  // would report "timed out" well within the wait below

  boost::asio::io_context io;
  auto client = SmtpClient::create(io, config);
  REQUIRE(client.is_ok());
  int reported = 0;
  auto handle = client->send(envelope(), alert_message(), [&](SendResult) { ++reported; });
  // Run the loop until the server has the connection, then give up on the send.
  REQUIRE(slob::test::wait_until([&] {
    io.run_for(10ms);
    return receiver.commands() == "connected\n";
  }, 10s));
  handle.cancel();
  io.run_for(1500ms);
  CHECK(reported == 0);
  CHECK(slob::test::wait_until([&] { return receiver.commands() == "connected\nclosed\n"; }, 5s));
  handle.cancel();  // again, after the session is gone: no effect
  CHECK(reported == 0);
}
