// The POST transport against a real receiver process (tests/support/https_receiver.py) on
// 127.0.0.1, over HTTP and over TLS with certificates made here by the openssl CLI: a CA, a
// server certificate for 127.0.0.1/localhost signed by it, one for another name, an expired
// one, and a self-signed one. Asserts what the alert plugin (and so the operator) will see: the
// outcome class, the one-line reason, and what the receiver got.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "https_client.hpp"
#include "https_receiver.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

using namespace std::chrono_literals;
using namespace slob::plugins::webhook;
using slob::test::Certs;
using slob::test::Receiver;
using slob::test::TempDir;

namespace {

const std::string kBody = R"({"event":"order_filled","text":"NQ long 1 @ 21000.25 ✓"})";

PostRequest request_to(const std::string& url_text, const std::string& ca_file = "") {
  auto url = parse_http_url(url_text);
  REQUIRE(url.is_ok());
  PostRequest r;
  r.url = *url;
  r.body = kBody;
  r.headers = {{"Authorization", "Bearer s3cret-token"}};
  r.timeout = 10s;
  r.ca_file = ca_file;
  return r;
}

// Posts on a fresh io_context and runs it until the result arrives (bounded, so a transport
// that never reports fails the test instead of hanging it).
PostResult post(PostRequest request) {
  boost::asio::io_context io;
  std::optional<PostResult> result;
  http_post(io, std::move(request), [&](PostResult r) { result = std::move(r); });
  io.run_for(30s);
  REQUIRE(result.has_value());
  return *result;
}

void check_delivered(const Receiver& receiver, const PostResult& r, const std::string& peer) {
  INFO(r.reason << "\nreceiver log:\n" << receiver.log());
  CHECK(r.outcome == PostOutcome::kDelivered);
  CHECK(r.http_status == 200);
  CHECK(r.reason == peer + ": HTTP 200");
  CHECK(r.body == R"({"ok": true})");
  const auto got = receiver.received();
  REQUIRE(got.size() == 1);
  CHECK(got[0]["method"] == "POST");
  CHECK(got[0]["path"] == "/hook?source=slob");
  CHECK(got[0]["body"] == kBody);
  CHECK(got[0]["headers"]["Authorization"] == "Bearer s3cret-token");
  CHECK(got[0]["headers"]["Content-Type"] == "application/json");
  CHECK(got[0]["headers"]["Content-Length"] == std::to_string(kBody.size()));
  CHECK(got[0]["headers"]["Connection"] == "close");
}

// A refused TLS peer: retryable, the reason says why, and not a byte of the request reached it.
void check_tls_refused(const Receiver& receiver, const PostResult& r, const std::string& reason) {
  INFO("receiver log:\n" << receiver.log());
  CHECK(r.outcome == PostOutcome::kRetry);
  CHECK(r.http_status == 0);
  CHECK(r.reason == reason);
  CHECK(receiver.received().empty());
}

}  // namespace

TEST_CASE("http: the receiver gets exactly the body and the bearer header", "[webhook][post]") {
  TempDir dir;
  Receiver receiver(dir, {});
  const auto r = post(request_to(receiver.url("http")));
  check_delivered(receiver, r, receiver.peer("http"));
}

TEST_CASE("https: delivered to a certificate the ca_file's CA signed, by IP and by name",
          "[webhook][post]") {
  Certs certs;
  SECTION("127.0.0.1 matches the certificate's IP address") {
    Receiver receiver(certs.dir, certs.serve("good"));
    const auto r = post(request_to(receiver.url("https"), certs.ca));
    check_delivered(receiver, r, receiver.peer("https"));
  }
  SECTION("localhost matches the certificate's DNS name") {
    Receiver receiver(certs.dir, certs.serve("good"));
    const auto r = post(request_to(receiver.url("https", "localhost"), certs.ca));
    check_delivered(receiver, r, receiver.peer("https", "localhost"));
  }
}

TEST_CASE("https: a certificate for another name is refused and nothing is sent",
          "[webhook][post]") {
  Certs certs;
  Receiver receiver(certs.dir, certs.serve("wrong-name"));
  const auto by_ip = post(request_to(receiver.url("https"), certs.ca));
  check_tls_refused(receiver, by_ip,
                    receiver.peer("https") + ": certificate verify failed (IP address mismatch)");
  const auto by_name = post(request_to(receiver.url("https", "localhost"), certs.ca));
  check_tls_refused(
      receiver, by_name,
      receiver.peer("https", "localhost") + ": certificate verify failed (hostname mismatch)");
}

TEST_CASE("https: an expired certificate is refused and nothing is sent", "[webhook][post]") {
  Certs certs;
  Receiver receiver(certs.dir, certs.serve("expired"));
  const auto r = post(request_to(receiver.url("https"), certs.ca));
  check_tls_refused(
      receiver, r,
      receiver.peer("https") + ": certificate verify failed (certificate has expired)");
}

TEST_CASE("https: an unknown CA is refused and nothing is sent", "[webhook][post]") {
  Certs certs;
  SECTION("a self-signed certificate, with the ca_file of another CA") {
    Receiver receiver(certs.dir, certs.serve("self-signed"));
    const auto r = post(request_to(receiver.url("https"), certs.ca));
    check_tls_refused(
        receiver, r,
        receiver.peer("https") + ": certificate verify failed (self-signed certificate)");
  }
  SECTION("our test CA is not in the system store, which is used without a ca_file") {
    Receiver receiver(certs.dir, certs.serve("good"));
    const auto r = post(request_to(receiver.url("https")));
    check_tls_refused(receiver, r,
                      receiver.peer("https") +
                          ": certificate verify failed (unable to get local issuer certificate)");
  }
}

TEST_CASE("https to a clear-text receiver fails the handshake, nothing goes out in clear",
          "[webhook][post]") {
  TempDir dir;
  Receiver receiver(dir, {});
  const auto r = post(request_to(receiver.url("https"), ""));
  INFO(r.reason);
  CHECK(r.outcome == PostOutcome::kRetry);
  CHECK(r.http_status == 0);
  CHECK_THAT(r.reason, Catch::StartsWith(receiver.peer("https") + ": TLS handshake failed: "));
  CHECK(receiver.received().empty());
}

TEST_CASE("an unreadable ca_file is a retryable failure naming the file", "[webhook][post]") {
  TempDir dir;
  Receiver receiver(dir, {});
  const auto r = post(request_to(receiver.url("https"), dir.sub("missing-ca.pem")));
  CHECK(r.outcome == PostOutcome::kRetry);
  CHECK_THAT(r.reason, Catch::StartsWith(receiver.peer("https") + ": ca_file " +
                                         dir.sub("missing-ca.pem") + " cannot be loaded: "));
  CHECK(receiver.received().empty());
}

TEST_CASE("the status decides: 5xx, 408 and 429 retry, other 4xx are permanent",
          "[webhook][post]") {
  Certs certs;
  const std::pair<int, PostOutcome> rows[] = {
      {500, PostOutcome::kRetry},   {503, PostOutcome::kRetry},     {429, PostOutcome::kRetry},
      {408, PostOutcome::kRetry},   {404, PostOutcome::kRefused},   {400, PostOutcome::kRefused},
      {301, PostOutcome::kRefused}, {204, PostOutcome::kDelivered},
  };
  for (const auto& [status, outcome] : rows) {
    INFO("status " << status);
    Receiver receiver(certs.dir, certs.serve("good", {"--status", std::to_string(status)}));
    const auto r = post(request_to(receiver.url("https"), certs.ca));
    CHECK(post_outcome_name(r.outcome) == std::string(post_outcome_name(outcome)));
    CHECK(r.http_status == status);
    CHECK(r.reason == receiver.peer("https") + ": HTTP " + std::to_string(status));
    CHECK(receiver.received().size() == 1);
  }
}

TEST_CASE("a response body over 64 KiB is not kept, and its status still counts",
          "[webhook][post]") {
  TempDir dir;
  for (const std::string framing : {"length", "chunked", "eof"}) {
    for (const std::size_t size : {kMaxResponseBody, kMaxResponseBody + 1}) {
      INFO("body of " << size << " bytes, framing " << framing);
      Receiver receiver(dir, {"--reply-bytes", std::to_string(size), "--framing", framing});
      const auto r = post(request_to(receiver.url("http")));
      CHECK(r.outcome == PostOutcome::kDelivered);
      CHECK(r.reason == receiver.peer("http") + ": HTTP 200");
      CHECK(r.body.size() == (size == kMaxResponseBody ? size : 0));
    }
  }
}

TEST_CASE("a receiver that never answers times out, and the loop keeps running meanwhile",
          "[webhook][post]") {
  Certs certs;
  Receiver receiver(certs.dir, certs.serve("good", {"--hang"}));
  boost::asio::io_context io;
  auto request = request_to(receiver.url("https"), certs.ca);
  request.timeout = 1500ms;
  std::optional<PostResult> result;
  int ticks = 0;
  boost::asio::steady_timer ticker(io);
  std::function<void()> tick = [&] {
    ticker.expires_after(50ms);
    ticker.async_wait([&](const boost::system::error_code& ec) {
      if (ec || result) return;
      ++ticks;
      tick();
    });
  };
  tick();
  const auto started = std::chrono::steady_clock::now();
  http_post(io, std::move(request), [&](PostResult r) {
    result = std::move(r);
    ticker.cancel();
  });
  io.run_for(30s);
  const auto took = std::chrono::steady_clock::now() - started;
  REQUIRE(result.has_value());
  CHECK(result->outcome == PostOutcome::kRetry);
  CHECK(result->reason == receiver.peer("https") + ": timed out after 1500ms");
  CHECK(took >= 1500ms);
  CHECK(took < 10s);
  // 1.5 s of 50 ms ticks: the loop was free the whole time, not blocked inside the POST.
  CHECK(ticks >= 20);
  CHECK(receiver.received().size() == 1);  // it read the request; it just never answered
}

TEST_CASE("a closed port is a retryable connection refusal", "[webhook][post]") {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = probe.local_endpoint().port();
  probe.close();
  const auto r = post(request_to("http://127.0.0.1:" + std::to_string(port) + "/hook"));
  CHECK(r.outcome == PostOutcome::kRetry);
  CHECK(r.reason ==
        "http://127.0.0.1:" + std::to_string(port) + "/hook: cannot connect: Connection refused");
}

TEST_CASE("a header that could smuggle a line is refused before connecting", "[webhook][post]") {
  TempDir dir;
  Receiver receiver(dir, {});
  boost::asio::io_context io;
  auto request = request_to(receiver.url("http"));
  request.headers.push_back({"X-Note", "a\r\nX-Injected: yes"});
  std::optional<PostResult> result;
  http_post(io, std::move(request), [&](PostResult r) { result = std::move(r); });
  CHECK_FALSE(result.has_value());  // never from inside http_post()
  io.run_for(30s);
  REQUIRE(result.has_value());
  CHECK(result->outcome == PostOutcome::kRefused);
  CHECK(result->reason ==
        receiver.peer("http") + ": header \"X-Note\" has a control character in its value");
  CHECK(receiver.received().empty());
}

TEST_CASE("cancel() aborts a POST in flight: the socket closes and done never runs",
          "[webhook][post]") {
  Certs certs;
  Receiver receiver(certs.dir, certs.serve("good", {"--hang"}));
  boost::asio::io_context io;
  auto request = request_to(receiver.url("https"), certs.ca);
  request.timeout = 3s;
  bool done = false;
  auto handle = http_post(io, std::move(request), [&](PostResult) { done = true; });
  // Until the receiver has the whole request: the exchange is then waiting for its answer.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (receiver.received().empty() && std::chrono::steady_clock::now() < deadline)
    io.run_for(20ms);
  REQUIRE(receiver.received().size() == 1);
  handle.cancel();
  // Nothing is left on the loop (no timer, no socket read), so it runs dry at once instead of
  // waiting for the 3 s timeout.
  const auto started = std::chrono::steady_clock::now();
  io.run_for(10s);
  CHECK(std::chrono::steady_clock::now() - started < 1s);
  CHECK_FALSE(done);
  INFO("receiver log:\n" << receiver.log());
  CHECK(slob::test::wait_until([&] {
    return receiver.log().find("the client closed the connection") != std::string::npos;
  }));
  handle.cancel();  // a second cancel, after the end, does nothing
  CHECK_FALSE(done);
}

TEST_CASE("a peer name given in the request replaces the URL in reasons", "[webhook][post]") {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = probe.local_endpoint().port();
  probe.close();
  auto request =
      request_to("http://127.0.0.1:" + std::to_string(port) + "/bot123:s3cret/sendMessage");
  request.peer = "http://127.0.0.1 chat 42";
  const auto r = post(std::move(request));
  CHECK(r.reason == "http://127.0.0.1 chat 42: cannot connect: Connection refused");
}
