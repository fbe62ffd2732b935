// The `telegram` observer plugin as the host runs it: libslob-telegram.so loaded through the
// core's PluginLibrary, and a safe-mode event sent to tests/support/https_receiver.py answering
// as the Bot API does (--telegram), over HTTPS with a test CA. Asserts the request Telegram
// would get, the result and reason the operator sees, and that the bot token — which is in the
// request's path — shows up in no reason, destination, config error or log line.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <string>

#include "https_receiver.hpp"
#include "observer_harness.hpp"
#include "temp_dir.hpp"

using namespace std::chrono_literals;
using namespace slob;
using slob::test::Certs;
using slob::test::config_line;
using slob::test::delivery_of;
using slob::test::ObserverModule;
using slob::test::observer_config;
using slob::test::outcome_name;
using slob::test::Receiver;
using slob::test::run_delivery;
using slob::test::safe_mode_event;
using slob::test::TempDir;
using slob::test::TestHostServices;

namespace {

const std::string kToken = "123456789:AAHtest-Token_x9";
const std::int64_t kChat = -1001234567890;

std::string token_file(const TempDir& dir, mode_t mode = 0600) {
  std::ofstream(dir / "bot-token") << kToken << "\n";
  REQUIRE(::chmod(dir.sub("bot-token").c_str(), mode) == 0);
  return "bot-token";
}

std::string base_url(const Receiver& receiver) {
  return "https://127.0.0.1:" + std::to_string(receiver.port());
}

std::string destination(const Receiver& receiver) {
  return base_url(receiver) + " chat " + std::to_string(kChat);
}

// Nothing the operator or a log can see holds the token.
void check_no_token(TestHostServices& host, const std::string& text) {
  CHECK(text.find(kToken) == std::string::npos);
  CHECK(text.find("AAHtest") == std::string::npos);
  for (const auto& line : host.recording_logger().lines)
    CHECK(line.text.find("AAHtest") == std::string::npos);
}

struct Telegram {
  Certs certs;
  ObserverModule module{"telegram"};
  TestHostServices host{certs.dir.path().string()};

  std::unique_ptr<sdk::Observer> observer(const Receiver& receiver,
                                          std::vector<slob::test::ConfigEntry> more = {}) {
    std::vector<slob::test::ConfigEntry> entries = {{"bot_token_file", token_file(certs.dir)},
                                                    {"chat_id", kChat},
                                                    {"base_url", base_url(receiver)},
                                                    {"ca_file", std::string("ca.pem")}};
    entries.insert(entries.end(), more.begin(), more.end());
    return module.make(host, observer_config(entries));
  }
};

std::string config_error(const std::vector<slob::test::ConfigEntry>& entries,
                         const std::string& config_dir = ".") {
  ObserverModule module("telegram");
  TestHostServices host(config_dir);
  auto observer = module.create(host, observer_config(entries));
  REQUIRE_FALSE(observer.is_ok());
  return observer.status().message();
}

}  // namespace

TEST_CASE("the module loads as the host loads it: an observer plugin named telegram",
          "[telegram]") {
  ObserverModule module("telegram");
  const auto& d = module.descriptor();
  CHECK(d.kind == sdk::PluginKind::kObserver);
  CHECK(std::string(d.name) == "telegram");
  CHECK(std::string(d.version) == "1.0.0");
  CHECK(d.create_observer != nullptr);
  TestHostServices host;
  auto observer = module.make(
      host, observer_config({{"bot_token", kToken}, {"chat_id", std::string("@ops_alerts")}}));
  CHECK(observer->destination() == "https://api.telegram.org chat @ops_alerts");
}

TEST_CASE("a safe-mode event becomes one sendMessage with the HTML text", "[telegram]") {
  Telegram t;
  Receiver receiver(t.certs.dir, t.certs.serve("good", {"--telegram"}));
  auto observer = t.observer(receiver);
  CHECK(observer->destination() == destination(receiver));
  const auto result = run_delivery(t.host, *observer, delivery_of({safe_mode_event()}));
  REQUIRE(result.has_value());
  INFO(result->reason << "\nreceiver log:\n" << receiver.log());
  CHECK(outcome_name(result->outcome) == std::string("delivered"));
  CHECK(result->reason.empty());
  const auto got = receiver.received();
  REQUIRE(got.size() == 1);
  CHECK(got[0]["path"] == "/bot" + kToken + "/sendMessage");
  CHECK(got[0]["headers"]["Content-Type"] == "application/json");
  const auto body = nlohmann::json::parse(got[0]["body"].get<std::string>());
  CHECK(body == nlohmann::json{
                    {"chat_id", kChat},
                    {"text",
                     "<b>slob-host: SAFE MODE entered — broker position differs from the "
                     "journal</b>\n\n14:31:00Z critical safe_mode.entered Running-&gt;SafeMode: "
                     "broker position differs from the journal (setup_id=2025-03-14-1, "
                     "price=21000.25)"},
                    {"parse_mode", "HTML"},
                    {"disable_web_page_preview", true}});
  check_no_token(t.host, observer->destination());
}

TEST_CASE("a channel's @username is sent as a string, a long burst is cut to 4096 bytes",
          "[telegram]") {
  Telegram t;
  Receiver receiver(t.certs.dir, t.certs.serve("good", {"--telegram"}));
  auto observer = t.module.make(
      t.host, observer_config({{"bot_token", kToken},
                               {"chat_id", std::string("@ops_alerts")},
                               {"base_url", base_url(receiver) + "/"},
                               {"ca_file", t.certs.ca}}));
  CHECK(observer->destination() == base_url(receiver) + " chat @ops_alerts");
  std::vector<sdk::AuditEvent> burst;
  for (std::uint64_t i = 0; i < 300; ++i) {
    auto e = safe_mode_event();
    e.sequence = 1000 + i;
    burst.push_back(e);
  }
  const auto result = run_delivery(t.host, *observer, delivery_of(burst));
  REQUIRE(result.has_value());
  CHECK(outcome_name(result->outcome) == std::string("delivered"));
  const auto got = receiver.received();
  REQUIRE(got.size() == 1);
  CHECK(got[0]["path"] == "/bot" + kToken + "/sendMessage");
  const auto body = nlohmann::json::parse(got[0]["body"].get<std::string>());
  CHECK(body["chat_id"] == "@ops_alerts");
  const std::string text = body["text"];
  CHECK(text.size() <= 4096);
  CHECK(text.size() > 3800);
  CHECK_THAT(text, Catch::StartsWith("<b>slob-host: 300 events (300 critical)</b>\n\n"));
  const auto tail = text.rfind("\n… and ");
  REQUIRE(tail != std::string::npos);
  const std::size_t more = std::stoul(text.substr(tail + std::string("\n… and ").size()));
  CHECK(text.substr(tail) == "\n… and " + std::to_string(more) + " more");
}

TEST_CASE("Telegram's answer decides: flood control and 5xx retry, a wrong token or chat is refused",
          "[telegram]") {
  Telegram t;
  struct Row {
    std::vector<std::string> args;
    const char* outcome;
    std::string reason;  // after "<destination>: "
  };
  const Row rows[] = {
      {{"--status", "429", "--description", "Too Many Requests: retry after 7", "--retry-after",
        "7"},
       "retry",
       "HTTP 429: Too Many Requests: retry after 7 (retry_after 7s)"},
      {{"--status", "400", "--description", "Bad Request: chat not found"},
       "refused",
       "HTTP 400: Bad Request: chat not found"},
      {{"--status", "401", "--description", "Unauthorized"}, "refused", "HTTP 401: Unauthorized"},
      {{"--status", "403", "--description", "Forbidden: bot was kicked from the group chat"},
       "refused",
       "HTTP 403: Forbidden: bot was kicked from the group chat"},
      {{"--status", "404", "--description", "Not Found"}, "refused", "HTTP 404: Not Found"},
      {{"--status", "500", "--description", "Internal Server Error"},
       "retry",
       "HTTP 500: Internal Server Error"},
      {{"--status", "502", "--description", "Bad Gateway"}, "retry", "HTTP 502: Bad Gateway"},
  };
  for (const auto& row : rows) {
    auto args = row.args;
    args.push_back("--telegram");
    INFO(row.reason);
    Receiver receiver(t.certs.dir, t.certs.serve("good", args));
    auto observer = t.observer(receiver);
    const auto result = run_delivery(t.host, *observer, delivery_of({safe_mode_event()}));
    REQUIRE(result.has_value());
    CHECK(outcome_name(result->outcome) == std::string(row.outcome));
    CHECK(result->reason == destination(receiver) + ": " + row.reason);
    check_no_token(t.host, result->reason);
    CHECK(receiver.received().size() == 1);
  }
  SECTION("a 200 that is not Telegram's {\"ok\": true} is not taken for a delivery") {
    Receiver receiver(t.certs.dir, t.certs.serve("good", {"--reply-bytes", "12"}));
    auto observer = t.observer(receiver);
    const auto result = run_delivery(t.host, *observer, delivery_of({safe_mode_event()}));
    REQUIRE(result.has_value());
    CHECK(outcome_name(result->outcome) == std::string("retry"));
    CHECK(result->reason ==
          destination(receiver) + ": HTTP 200: the reply is not {\"ok\": true}");
  }
}

TEST_CASE("a certificate that does not check out is a retry, nothing is sent, no token shown",
          "[telegram]") {
  Telegram t;
  const std::pair<std::string, std::string> rows[] = {
      {"wrong-name", "certificate verify failed (IP address mismatch)"},
      {"expired", "certificate verify failed (certificate has expired)"},
      {"self-signed", "certificate verify failed (self-signed certificate)"},
  };
  for (const auto& [cert, why] : rows) {
    INFO(cert);
    Receiver receiver(t.certs.dir, t.certs.serve(cert, {"--telegram"}));
    auto observer = t.observer(receiver);
    const auto result = run_delivery(t.host, *observer, delivery_of({safe_mode_event()}));
    REQUIRE(result.has_value());
    CHECK(outcome_name(result->outcome) == std::string("retry"));
    CHECK(result->reason == destination(receiver) + ": " + why);
    check_no_token(t.host, result->reason);
    CHECK(receiver.received().empty());
  }
  SECTION("a timeout names the peer without the token too") {
    Receiver receiver(t.certs.dir, t.certs.serve("good", {"--hang"}));
    auto observer = t.observer(receiver, {{"timeout", std::string("300ms")}});
    const auto result = run_delivery(t.host, *observer, delivery_of({safe_mode_event()}));
    REQUIRE(result.has_value());
    CHECK(result->reason == destination(receiver) + ": timed out after 300ms");
  }
}

TEST_CASE("cancel() while Telegram hangs: no result afterwards, and the socket is closed",
          "[telegram]") {
  Telegram t;
  Receiver receiver(t.certs.dir, t.certs.serve("good", {"--hang"}));
  auto observer = t.observer(receiver, {{"timeout", std::string("3s")}});
  bool done = false;
  observer->deliver(delivery_of({safe_mode_event()}), [&](sdk::DeliveryResult) { done = true; });
  auto& io = t.host.io_context();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (receiver.received().empty() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(20ms);
  }
  REQUIRE(receiver.received().size() == 1);
  observer->cancel();
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

TEST_CASE("config errors name the file and line and never show the token", "[telegram][config]") {
  TempDir dir;
  SECTION("neither bot_token nor bot_token_file, nor chat_id: at the table") {
    CHECK(config_error({}) ==
          "observers.toml:4:1: [observer.config] bot_token or bot_token_file is required\n"
          "observers.toml:4:1: [observer.config] chat_id is required: chat_id must be a chat's "
          "numeric id (e.g. -1001234567890) or a public channel's \"@username\"");
  }
  SECTION("both bot_token and bot_token_file") {
    const auto error = config_error(
        {{"bot_token", kToken}, {"bot_token_file", token_file(dir)}, {"chat_id", kChat}},
        dir.path().string());
    CHECK(error == config_line(1) +
                       "18: [observer.config] set bot_token or bot_token_file, not both");
  }
  SECTION("a token file readable by everyone") {
    const auto error = config_error({{"bot_token_file", token_file(dir, 0644)}, {"chat_id", kChat}},
                                    dir.path().string());
    CHECK(error == config_line(0) + "18: [observer.config] bot_token_file: secret file " +
                       dir.sub("bot-token") +
                       ": readable by all users (mode 0644); remove that with chmod o-r");
  }
  SECTION("a token that would change the request's path") {
    const std::string bad = "123:abc/../../x";
    const auto error = config_error({{"bot_token", bad}, {"chat_id", kChat}});
    CHECK(error == config_line(0) +
                       "13: [observer.config] the bot token has a character a Bot API token "
                       "does not have (expected digits, a colon, letters, digits, '_' and '-')");
    CHECK(error.find(bad) == std::string::npos);
  }
  SECTION("a chat_id that is neither a number nor an @username, a base_url with a query") {
    const auto error = config_error({{"bot_token", kToken},
                                     {"chat_id", std::string("ops alerts")},
                                     {"base_url", std::string("https://tg.example.com/?x=1")}});
    CHECK(error == config_line(1) +
                       "11: [observer.config] chat_id must be a chat's numeric id (e.g. "
                       "-1001234567890) or a public channel's \"@username\"\n" +
                       config_line(2) + "12: [observer.config] base_url must not have a query");
    CHECK(error.find(kToken) == std::string::npos);
  }
}
