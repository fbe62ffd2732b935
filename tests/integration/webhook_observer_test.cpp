// The `webhook` observer plugin as the host runs it: libslob-webhook.so loaded through the core's
// PluginLibrary, its factory given an [observer.config] table, and a safe-mode event delivered
// to a real receiver process (tests/support/https_receiver.py) over HTTPS with a test CA.
// Asserts what a receiver gets (body, headers) and what the operator sees (the outcome and its
// one-line reason in `slob-ctl observers`, config errors at file:line).
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <string>

#include <openssl/evp.h>

#include "https_receiver.hpp"
#include "observer_harness.hpp"
#include "temp_dir.hpp"

using namespace std::chrono_literals;
using namespace slob;
using slob::test::Certs;
using slob::test::config_line;
using slob::test::config_strings;
using slob::test::delivery_of;
using slob::test::ObserverModule;
using slob::test::observer_config;
using slob::test::outcome_name;
using slob::test::Receiver;
using slob::test::run_delivery;
using slob::test::safe_mode_event;
using slob::test::TempDir;
using slob::test::TestHostServices;
using Outcome = sdk::DeliveryResult::Outcome;

namespace {

const std::string kToken = "wh-7f3a9c-s3cret";

// A secret file as an operator writes one: mode 0600 unless told otherwise.
std::string secret_file(const TempDir& dir, const std::string& name, const std::string& text,
                        mode_t mode = 0600) {
  std::ofstream(dir / name) << text << "\n";
  REQUIRE(::chmod(dir.sub(name).c_str(), mode) == 0);
  return name;
}

const std::string kSafeModeJson =
    R"({"events":[{"fields":{"price":"21000.25","setup_id":"2025-03-14-1"},)"
    R"("reason":"broker position differs from the journal","sequence":812,)"
    R"("severity":"critical","subject":"Running->SafeMode","time":"2025-03-14T14:31:00Z",)"
    R"("type":"safe_mode.entered"}],"idempotency_key":"slob-812","observer":"ops",)"
    R"("schema":1,"shape":"events"})";

std::string base64_decode(const std::string& text) {
  std::string out(text.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  REQUIRE(n >= 0);
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '\0') out.pop_back();  // the padding's zero bytes
  return out;
}

// The factory's error for `entries`, which must be refused.
std::string config_error(const std::vector<slob::test::ConfigEntry>& entries,
                         const std::string& config_dir = ".") {
  ObserverModule module("webhook");
  TestHostServices host(config_dir);
  auto observer = module.create(host, observer_config(entries));
  REQUIRE_FALSE(observer.is_ok());
  return observer.status().message();
}

}  // namespace

TEST_CASE("the module loads as the host loads it: an observer plugin named webhook",
          "[webhook][observer]") {
  ObserverModule module("webhook");
  const auto& d = module.descriptor();
  CHECK(d.kind == sdk::PluginKind::kObserver);
  CHECK(std::string(d.name) == "webhook");
  CHECK(std::string(d.version) == "1.0.0");
  CHECK(d.create_observer != nullptr);
  CHECK(d.create_broker == nullptr);
  TestHostServices host;
  auto observer = module.make(
      host, observer_config({{"url", std::string("https://hooks.example.com/alert?key=abc")}}));
  CHECK(observer->destination() == "https://hooks.example.com/alert");
}

TEST_CASE("generic: a safe-mode event reaches the receiver over HTTPS as the documented JSON",
          "[webhook][observer]") {
  Certs certs;
  Receiver receiver(certs.dir, certs.serve("good"));
  ObserverModule module("webhook");
  TestHostServices host(certs.dir.path().string());
  auto observer = module.make(
      host, observer_config({{"url", receiver.url("https")},
                             {"bearer_token_file", secret_file(certs.dir, "token", kToken)},
                             {"ca_file", std::string("ca.pem")},
                             {"headers", config_strings({"X-Team:  ops desk "})}}));
  CHECK(observer->destination() == receiver.peer("https"));
  const auto result = run_delivery(host, *observer, delivery_of({safe_mode_event()}));
  REQUIRE(result.has_value());
  INFO(result->reason << "\nreceiver log:\n" << receiver.log());
  CHECK(outcome_name(result->outcome) == std::string("delivered"));
  CHECK(result->reason.empty());
  const auto got = receiver.received();
  REQUIRE(got.size() == 1);
  CHECK(got[0]["path"] == "/hook?source=slob");
  CHECK(got[0]["body"] == kSafeModeJson);
  CHECK(got[0]["headers"]["Content-Type"] == "application/json");
  CHECK(got[0]["headers"]["Idempotency-Key"] == "slob-812");
  CHECK(got[0]["headers"]["Authorization"] == "Bearer " + kToken);
  CHECK(got[0]["headers"]["X-Team"] == "ops desk");
}

TEST_CASE("slack and ntfy: the text a person reads", "[webhook][observer]") {
  TempDir dir;
  Receiver receiver(dir, {});
  ObserverModule module("webhook");
  TestHostServices host(dir.path().string());
  const std::string title =
      "slob-host: SAFE MODE entered — broker position differs from the journal";
  const std::string line =
      "14:31:00Z critical safe_mode.entered Running->SafeMode: broker position differs from the "
      "journal (setup_id=2025-03-14-1, price=21000.25)";
  SECTION("slack: one JSON member, text") {
    auto observer = module.make(host, observer_config({{"url", receiver.url("http")},
                                                       {"preset", std::string("slack")}}));
    const auto result = run_delivery(host, *observer, delivery_of({safe_mode_event()}));
    REQUIRE(result.has_value());
    CHECK(outcome_name(result->outcome) == std::string("delivered"));
    const auto got = receiver.received();
    REQUIRE(got.size() == 1);
    CHECK(nlohmann::json::parse(got[0]["body"].get<std::string>()) ==
          nlohmann::json{{"text", title + "\n\n" + line}});
    CHECK(got[0]["headers"]["Content-Type"] == "application/json");
    CHECK(got[0]["headers"].count("Authorization") == 0);
  }
  SECTION("ntfy: the lines as the body, title, priority and tags as headers") {
    auto observer = module.make(host, observer_config({{"url", receiver.url("http")},
                                                       {"preset", std::string("ntfy")}}));
    const auto result = run_delivery(host, *observer, delivery_of({safe_mode_event()}));
    REQUIRE(result.has_value());
    CHECK(outcome_name(result->outcome) == std::string("delivered"));
    const auto got = receiver.received();
    REQUIRE(got.size() == 1);
    CHECK(got[0]["body"] == line);
    CHECK(got[0]["headers"]["Content-Type"] == "text/plain; charset=utf-8");
    // The em dash is not ASCII: the title travels as one RFC 2047 encoded word.
    const std::string encoded = got[0]["headers"]["Title"];
    REQUIRE_THAT(encoded, Catch::StartsWith("=?UTF-8?B?") && Catch::EndsWith("?="));
    CHECK(base64_decode(encoded.substr(10, encoded.size() - 12)) == title);
    CHECK(got[0]["headers"]["Priority"] == "5");
    CHECK(got[0]["headers"]["Tags"] == "rotating_light,slob-host");
    CHECK(got[0]["headers"]["Idempotency-Key"] == "slob-812");
  }
}

TEST_CASE("a certificate that does not check out is a retry, and the receiver gets nothing",
          "[webhook][observer]") {
  Certs certs;
  ObserverModule module("webhook");
  TestHostServices host(certs.dir.path().string());
  const std::pair<std::string, std::string> rows[] = {
      {"wrong-name", "certificate verify failed (IP address mismatch)"},
      {"expired", "certificate verify failed (certificate has expired)"},
      {"self-signed", "certificate verify failed (self-signed certificate)"},
  };
  for (const auto& [cert, why] : rows) {
    INFO(cert);
    Receiver receiver(certs.dir, certs.serve(cert));
    auto observer = module.make(host, observer_config({{"url", receiver.url("https")},
                                                       {"bearer_token", kToken},
                                                       {"ca_file", certs.ca}}));
    const auto result = run_delivery(host, *observer, delivery_of({safe_mode_event()}));
    REQUIRE(result.has_value());
    CHECK(outcome_name(result->outcome) == std::string("retry"));
    CHECK(result->reason == receiver.peer("https") + ": " + why);
    CHECK(receiver.received().empty());
  }
}

TEST_CASE("the receiver's status: 5xx, 408 and 429 are retried, 401 is refused, never naming the token",
          "[webhook][observer]") {
  Certs certs;
  ObserverModule module("webhook");
  TestHostServices host(certs.dir.path().string());
  const std::pair<int, const char*> rows[] = {
      {500, "retry"}, {503, "retry"}, {429, "retry"}, {408, "retry"},
      {401, "refused"}, {404, "refused"}, {204, "delivered"}};
  for (const auto& [status, outcome] : rows) {
    INFO("status " << status);
    Receiver receiver(certs.dir, certs.serve("good", {"--status", std::to_string(status)}));
    auto observer = module.make(host, observer_config({{"url", receiver.url("https")},
                                                       {"bearer_token", kToken},
                                                       {"ca_file", certs.ca}}));
    const auto result = run_delivery(host, *observer, delivery_of({safe_mode_event()}));
    REQUIRE(result.has_value());
    CHECK(outcome_name(result->outcome) == std::string(outcome));
    if (result->outcome != Outcome::kDelivered)
      CHECK(result->reason == receiver.peer("https") + ": HTTP " + std::to_string(status));
    CHECK(result->reason.find(kToken) == std::string::npos);
    CHECK(receiver.received().size() == 1);
  }
}

TEST_CASE("cancel() while the receiver hangs: no result afterwards, and the socket is closed",
          "[webhook][observer]") {
  Certs certs;
  Receiver receiver(certs.dir, certs.serve("good", {"--hang"}));
  ObserverModule module("webhook");
  TestHostServices host(certs.dir.path().string());
  auto observer = module.make(host, observer_config({{"url", receiver.url("https")},
                                                     {"ca_file", certs.ca},
                                                     {"timeout", std::string("3s")}}));
  bool done = false;
  observer->deliver(delivery_of({safe_mode_event()}), [&](sdk::DeliveryResult) { done = true; });
  auto& io = host.io_context();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (receiver.received().empty() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(20ms);
  }
  REQUIRE(receiver.received().size() == 1);
  observer->cancel();
  // Nothing of the POST is left on the loop: it runs dry at once, not at the 3 s timeout.
  const auto started = std::chrono::steady_clock::now();
  io.restart();
  io.run_for(10s);
  CHECK(std::chrono::steady_clock::now() - started < 1s);
  CHECK_FALSE(done);
  INFO("receiver log:\n" << receiver.log());
  CHECK(slob::test::wait_until([&] {
    return receiver.log().find("the client closed the connection") != std::string::npos;
  }));
}

TEST_CASE("config errors name the file and line", "[webhook][observer][config]") {
  TempDir dir;
  SECTION("no url: at the table") {
    CHECK(config_error({{"preset", std::string("slack")}}) ==
          "observers.toml:4:1: [observer.config] url is required (the http:// or https:// "
          "address to POST to)");
  }
  SECTION("a url that is not http(s)") {
    CHECK(config_error({{"url", std::string("ftp://example.com/x")}}) ==
          config_line(0) + "7: [observer.config] url: URL \"ftp://example.com/x\": must start "
                           "with http:// or https://");
  }
  SECTION("both bearer_token and bearer_token_file, and the token is not shown") {
    const auto error = config_error(
        {{"url", std::string("https://example.com/")},
         {"bearer_token", kToken},
         {"bearer_token_file", secret_file(dir, "token", kToken)}},
        dir.path().string());
    CHECK(error == config_line(2) +
                       "21: [observer.config] set bearer_token or bearer_token_file, not both");
  }
  SECTION("a token file readable by everyone") {
    const auto error = config_error({{"url", std::string("https://example.com/")},
                                     {"bearer_token_file", secret_file(dir, "token", kToken, 0644)}},
                                    dir.path().string());
    CHECK(error == config_line(1) + "21: [observer.config] bearer_token_file: secret file " +
                       dir.sub("token") +
                       ": readable by all users (mode 0644); remove that with chmod o-r");
  }
  SECTION("an unknown preset") {
    CHECK(config_error({{"url", std::string("https://example.com/")},
                        {"preset", std::string("teams")}}) ==
          config_line(1) + "10: [observer.config] preset must be one of generic, slack, ntfy, "
                           "got \"teams\"");
  }
  SECTION("a header with a line break, or one the plugin writes") {
    CHECK(config_error({{"url", std::string("https://example.com/")},
                        {"headers", config_strings({"X-Note: a\r\nX-Injected: yes"})}}) ==
          config_line(1) + "12: [observer.config] headers: header \"X-Note\" has a control "
          "character in its value");
    CHECK(config_error({{"url", std::string("https://example.com/")},
                        {"headers", config_strings({"Content-Length: 0"})}}) ==
          config_line(1) + "12: [observer.config] headers: header \"Content-Length\" is set by "
          "the plugin itself");
  }
  SECTION("every problem at once, and a missing ca_file") {
    const auto error = config_error({{"preset", std::string("teams")},
                                     {"ca_file", std::string("missing-ca.pem")},
                                     {"timeout", std::string("0s")},
                                     {"colour", std::string("red")}},
                                    dir.path().string());
    CHECK(error == "observers.toml:4:1: [observer.config] url is required (the http:// or "
                   "https:// address to POST to)\n" +
                       config_line(0) +
                       "10: [observer.config] preset must be one of generic, slack, ntfy, got "
                       "\"teams\"\n" +
                       config_line(1) + "11: [observer.config] ca_file " + dir.sub("missing-ca.pem") +
                       " is not a readable file\n" + config_line(2) +
                       "11: [observer.config] timeout must be whole milliseconds above zero and "
                       "at most 5m, got 0s\n" +
                       config_line(3) + "10: [observer.config] unknown key \"colour\"");
  }
}
