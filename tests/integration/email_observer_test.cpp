// The `email` observer plugin as the host uses it: the built module libslob-email.so loaded
// through Boost.DLL, its factory given an [observer.config] table, its observer given Deliveries.
// What it sends goes to a real SMTP server (smtp_receiver.py) and is parsed back with Python's
// email module; what it must not send must not reach the server.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/dll/shared_library.hpp>
#include <nlohmann/json.hpp>

#include "email_test_support.hpp"
#include "slob/sdk/events.hpp"
#include "slob/sdk/observer.hpp"
#include "slob/sdk/plugin.hpp"
#include "temp_dir.hpp"
#include "test_host_services.hpp"

namespace sdk = slob::sdk;
using namespace std::chrono_literals;
using slob::test::TempDir;
using slob::test::TestHostServices;
using slob::test::email::Pki;
using slob::test::email::Receiver;
using Outcome = sdk::DeliveryResult::Outcome;

namespace {

const sdk::PluginDescriptor& email_plugin() {
  static const boost::dll::shared_library lib(
      EMAIL_PLUGIN_MODULE, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  return lib.get_alias<const sdk::PluginDescriptor>("slob_plugin_descriptor");
}

sdk::Time at(const char* rfc3339) { return *sdk::parse_rfc3339(rfc3339); }

// The value of key `key` on line `line` of alerts.toml.
template <typename T>
sdk::ConfigValue at_line(T v, int line) {
  return sdk::ConfigValue{std::move(v), {"alerts.toml", line, 9}, {"alerts.toml", line, 1}};
}

sdk::ConfigValue addresses(const std::vector<std::string>& list, int line) {
  sdk::ConfigArray array;
  for (const auto& a : list) array.push_back(at_line(a, line));
  return at_line(std::move(array), line);
}

// A config directory holding the password file (mode 0600) and, when asked, template overrides.
class ConfigDir {
 public:
  explicit ConfigDir(const std::string& password = "s3cret", mode_t mode = 0600) {
    write("smtp-password", password + "\n", mode);
  }
  void write(const std::string& name, const std::string& text, mode_t mode = 0600) {
    std::filesystem::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name, std::ios::binary) << text;
    REQUIRE(::chmod((dir_ / name).c_str(), mode) == 0);
  }
  std::string path() const { return dir_.path().string(); }

 private:
  TempDir dir_;
};

// [observer.config] for `receiver`, one key per line from line 11 of alerts.toml.
sdk::ConfigTable table_for(std::uint16_t port, const std::string& security = "starttls",
                           const std::string& host = "localhost") {
  sdk::ConfigTable t;
  t.section = "observer.config";
  t.position = {"alerts.toml", 10, 1};
  t.values["host"] = at_line(host, 11);
  t.values["port"] = at_line(std::int64_t{port}, 12);
  t.values["security"] = at_line(security, 13);
  t.values["username"] = at_line(std::string("alerts"), 14);
  t.values["password_file"] = at_line(std::string("smtp-password"), 15);
  t.values["from"] = at_line(std::string("alerts@bot.example"), 16);
  t.values["to"] = addresses({"ops@example.org", "trader@example.net"}, 17);
  t.values["ca_file"] = at_line(Pki::get().path("ca.pem"), 18);
  t.values["timeout"] = at_line(std::string("10s"), 19);
  return t;
}

sdk::AuditEvent safe_mode_event() {
  sdk::AuditEvent e;
  e.sequence = 42;
  e.time = at("2026-01-06T15:30:00Z");
  e.type = sdk::event_type::kSafeModeEntered;
  e.severity = sdk::Severity::kCritical;
  e.subject = "Running->SafeMode";
  e.reason = "the broker reports a position the store does not know";
  e.fields = {{"reason", "unknown position: long 2 NQ <at broker>"}, {"from_state", "Running"}};
  return e;
}

sdk::AuditEvent event(std::uint64_t sequence, const char* time, const char* type,
                      sdk::Severity severity, const char* reason) {
  sdk::AuditEvent e;
  e.sequence = sequence;
  e.time = at(time);
  e.type = type;
  e.severity = severity;
  e.subject = "NQ";
  e.reason = reason;
  e.fields = {{"symbol", "NQ"}};
  return e;
}

sdk::Delivery delivery_of(std::vector<sdk::AuditEvent> events,
                          sdk::Delivery::Shape shape = sdk::Delivery::Shape::kEvents) {
  sdk::Delivery d;
  d.shape = shape;
  d.observer = "ops-mail";
  d.idempotency_key = sdk::idempotency_key(events);
  d.events = std::move(events);
  return d;
}

// The three events of a burst: the safe mode between two lesser ones.
std::vector<sdk::AuditEvent> burst() {
  auto safe_mode = safe_mode_event();
  safe_mode.sequence = 41;
  return {event(40, "2026-01-06T15:29:58Z", sdk::event_type::kMarketDataStalled,
                sdk::Severity::kWarning, "no bar for 90s"),
          safe_mode,
          event(42, "2026-01-06T15:30:05Z", sdk::event_type::kBrokerBack, sdk::Severity::kNotice,
                "the gateway answers again")};
}

// One observer from the module, on its own TestHostServices (and io_context).
class Subject {
 public:
  explicit Subject(const sdk::ConfigTable& table, const ConfigDir& dir = ConfigDir())
      : host_(dir.path()) {
    auto made = email_plugin().create_observer(host_, table);
    INFO(made.status().message());
    REQUIRE(made.is_ok());
    REQUIRE(*made);
    observer = std::move(*made);
  }

  // One deliver(), the loop run until it reports; `done` must run exactly once.
  sdk::DeliveryResult deliver(const sdk::Delivery& d) {
    std::optional<sdk::DeliveryResult> result;
    int calls = 0;
    observer->deliver(d, [&](sdk::DeliveryResult r) {
      ++calls;
      result = std::move(r);
    });
    io().restart();
    io().run_for(30s);
    REQUIRE(calls == 1);
    return *result;
  }

  boost::asio::io_context& io() { return host_.io_context(); }

  std::unique_ptr<sdk::Observer> observer;

 private:
  TestHostServices host_;
};

// A delivered message as Python's email module reads it.
struct Mail {
  std::map<std::string, std::string> facts;  // envelope, TLS, headers, defects
  std::vector<std::pair<std::string, std::string>> parts;  // "text/plain utf-8 ...", body
};

Mail parse(const std::string& printed) {
  Mail mail;
  std::istringstream in(printed);
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(": ");
    REQUIRE(colon != std::string::npos);
    const std::string key = line.substr(0, colon);
    const std::string value = line.substr(colon + 2);
    if (key == "part") {
      mail.parts.emplace_back(value, "");
    } else if (key == "body") {
      REQUIRE(!mail.parts.empty());
      mail.parts.back().second = nlohmann::json::parse(value).get<std::string>();
    } else if (key == "part_defects") {
      CHECK(value == "0");
    } else {
      mail.facts[key] = value;
    }
  }
  return mail;
}

Mail only_mail(const Receiver& receiver) {
  const auto messages = receiver.messages();
  REQUIRE(messages.size() == 1);
  return parse(receiver.parsed(messages[0]));
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void check_nothing_sent(const Receiver& receiver) {
  CHECK(receiver.messages().empty());
  CHECK_FALSE(contains(receiver.commands(), "AUTH"));
  CHECK_FALSE(contains(receiver.commands(), "MAIL"));
}

std::string peer(const Receiver& r, const std::string& host = "localhost") {
  return "smtp " + host + ":" + std::to_string(r.port);
}

}  // namespace

TEST_CASE("email module: the .so exports the email observer plugin") {
  const auto& d = email_plugin();
  CHECK(d.abi_version == sdk::kSdkAbiVersion);
  CHECK(d.build.sdk_major == sdk::kBuildInfo.sdk_major);
  CHECK(d.build.sdk_minor == sdk::kBuildInfo.sdk_minor);
  CHECK(d.kind == sdk::PluginKind::kObserver);
  CHECK(std::strcmp(d.name, "email") == 0);
  CHECK(std::strcmp(d.version, "1.0.0") == 0);
  CHECK(d.flags == 0);
  CHECK(d.create_observer != nullptr);
  CHECK(d.create_broker == nullptr);
  CHECK(d.create_store == nullptr);
  CHECK(d.create_strategy == nullptr);
}

TEST_CASE("email module: a safe-mode event arrives over STARTTLS as text and HTML") {
  Receiver receiver("starttls", "good.pem");
  Subject subject(table_for(receiver.port));
  CHECK(subject.observer->destination() ==
        "localhost:" + std::to_string(receiver.port) + " -> ops@example.org, trader@example.net");

  const auto result = subject.deliver(delivery_of({safe_mode_event()}));
  CHECK(result.outcome == Outcome::kDelivered);
  CHECK(result.reason.empty());
  const Mail mail = only_mail(receiver);
  CHECK(mail.facts.at("mail_from") == "alerts@bot.example");
  CHECK(mail.facts.at("rcpt_tos") == "ops@example.org,trader@example.net");
  CHECK(mail.facts.at("tls") == "True");
  CHECK(mail.facts.at("auth_user") == "alerts");
  CHECK(mail.facts.at("To") == "ops@example.org, trader@example.net");
  CHECK(mail.facts.at("Subject") ==
        "[slob-host] SAFE MODE entered — the broker reports a position the store does not know");
  CHECK(mail.facts.at("Message-ID") == "<slob.slob-42@bot.example>");
  CHECK(mail.facts.at("Date") == "Tue, 06 Jan 2026 15:30:00 +0000");
  CHECK(mail.facts.at("content_type") == "multipart/alternative");
  CHECK(mail.facts.at("defects") == "0");
  REQUIRE(mail.parts.size() == 2);
  CHECK(mail.parts[0].first == "text/plain utf-8 quoted-printable");
  CHECK(mail.parts[1].first == "text/html utf-8 quoted-printable");
  const std::string& text = mail.parts[0].second;
  const std::string& html = mail.parts[1].second;
  CHECK(contains(text, "[critical] safe_mode.entered at 2026-01-06T15:30:00Z (event 42)\n"
                       "  Subject: Running->SafeMode\n"
                       "  Reason:  the broker reports a position the store does not know\n"
                       "  reason = unknown position: long 2 NQ <at broker>\n"
                       "  from_state = Running\n"));
  CHECK(contains(text, "Observer: ops-mail\nDelivery: slob-42\n"));
  CHECK(contains(html, "<h3>SAFE MODE entered — the broker reports a position the store does not "
                       "know</h3>"));
  CHECK(contains(html, "<tr><th align=\"left\">Reason</th><td>the broker reports a position the "
                       "store does not know</td></tr>"));
  CHECK(contains(html, "<tr><td>reason</td><td>unknown position: long 2 NQ &lt;at broker&gt;</td></tr>"));
  CHECK(contains(html, "<tr><td>from_state</td><td>Running</td></tr>"));
  CHECK(contains(html, "<tr><th align=\"left\">Severity</th><td>critical</td></tr>"));

  // The host sends the same delivery again after a lost `done`: the same Message-ID.
  CHECK(subject.deliver(delivery_of({safe_mode_event()})).outcome == Outcome::kDelivered);
  const auto messages = receiver.messages();
  REQUIRE(messages.size() == 2);
  CHECK(parse(receiver.parsed(messages[1])).facts.at("Message-ID") == "<slob.slob-42@bot.example>");
  // Byte for byte the same message.
  const auto data = [](const std::filesystem::path& p) {
    return nlohmann::json::parse(slob::test::read_file(p)).at("data").get<std::string>();
  };
  CHECK(data(messages[0]) == data(messages[1]));
}

TEST_CASE("email module: implicit TLS, a burst of three events in one message") {
  Receiver receiver("tls", "good.pem");
  Subject subject(table_for(receiver.port, "tls", "127.0.0.1"));
  const auto result = subject.deliver(delivery_of(burst()));
  CHECK(result.outcome == Outcome::kDelivered);
  const Mail mail = only_mail(receiver);
  CHECK(mail.facts.at("tls") == "True");
  CHECK(mail.facts.at("Subject") ==
        "[slob-host] 3 events (1 critical)");
  CHECK(mail.facts.at("Message-ID") == "<slob.slob-40-42@bot.example>");
  CHECK(mail.facts.at("Date") == "Tue, 06 Jan 2026 15:30:05 +0000");  // the latest event's
  CHECK(mail.facts.at("defects") == "0");
  REQUIRE(mail.parts.size() == 2);
  for (const auto& [type, body] : mail.parts) {
    INFO(type);
    CHECK(contains(body, "market_data.stalled"));
    CHECK(contains(body, "no bar for 90s"));
    CHECK(contains(body, "safe_mode.entered"));
    CHECK(contains(body, "broker.back"));
    CHECK(contains(body, "the gateway answers again"));
  }
  // In order of sequence.
  const std::string& text = mail.parts[0].second;
  CHECK(text.find("(event 40)") < text.find("(event 41)"));
  CHECK(text.find("(event 41)") < text.find("(event 42)"));
}

TEST_CASE("email module: a summary names its count and time span") {
  Receiver receiver("starttls", "good.pem");
  Subject subject(table_for(receiver.port));
  const auto result = subject.deliver(delivery_of(burst(), sdk::Delivery::Shape::kSummary));
  CHECK(result.outcome == Outcome::kDelivered);
  const Mail mail = only_mail(receiver);
  CHECK(mail.facts.at("Subject") ==
        "[slob-host] summary of 3 events from 2026-01-06T15:29:58Z to 2026-01-06T15:30:05Z");
  CHECK(mail.facts.at("Message-ID") == "<slob.slob-40-42@bot.example>");
  REQUIRE(mail.parts.size() == 2);
  CHECK(contains(mail.parts[0].second, "(event 40)"));
  CHECK(contains(mail.parts[0].second, "(event 42)"));
}

TEST_CASE("email module: operator templates replace the defaults") {
  Receiver receiver("starttls", "good.pem");
  ConfigDir dir;
  dir.write("mail/subject.txt", "{{severity}} on {{host}}: {{title}} ({{count}})\n");
  dir.write("mail/body.txt", "Attention ({{delivery_id}}):\n{{events}}");
  auto table = table_for(receiver.port);
  table.values["templates_dir"] = at_line(std::string("mail"), 20);
  table.values["subject_prefix"] = at_line(std::string("[NQ bot]"), 21);
  Subject subject(table, dir);
  CHECK(subject.deliver(delivery_of({safe_mode_event()})).outcome == Outcome::kDelivered);
  const Mail mail = only_mail(receiver);
  char host[256] = {};
  REQUIRE(::gethostname(host, sizeof host - 1) == 0);
  CHECK(mail.facts.at("Subject") == std::string("[NQ bot] critical on ") + host +
                                        ": SAFE MODE entered — the broker reports a position "
                                        "the store does not know (1)");
  REQUIRE(mail.parts.size() == 2);
  CHECK(mail.parts[0].second.rfind("Attention (slob-42):\n[critical] safe_mode.entered", 0) == 0);
  CHECK(contains(mail.parts[1].second, "<h2>SAFE MODE entered"));  // the default HTML stays
}

TEST_CASE("email module: a wrong password is refused, naming the server and AUTH, never the password") {
  Receiver receiver("starttls", "good.pem");
  Subject subject(table_for(receiver.port), ConfigDir("hunter2-wrong"));
  const auto result = subject.deliver(delivery_of({safe_mode_event()}));
  CHECK(result.outcome == Outcome::kRefused);
  CHECK(result.reason == peer(receiver) + ": AUTH: 535 5.7.8 Authentication credentials invalid");
  CHECK_FALSE(contains(result.reason, "hunter2"));
  CHECK(receiver.messages().empty());
}

TEST_CASE("email module: a server that is down is retried") {
  std::uint16_t port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }  // closed again: nothing listens on `port`
  Subject subject(table_for(port, "starttls", "127.0.0.1"));
  const auto result = subject.deliver(delivery_of({safe_mode_event()}));
  CHECK(result.outcome == Outcome::kRetry);
  CHECK(result.reason == "smtp 127.0.0.1:" + std::to_string(port) + ": connect: Connection refused");
}

TEST_CASE("email module: a certificate that does not verify is retried, no MAIL sent") {
  struct Case {
    const char* cert;
    bool system_store;
    const char* why;
  };
  const auto c = GENERATE(Case{"wrong.pem", false, "hostname mismatch"},
                          Case{"expired.pem", false, "certificate has expired"},
                          Case{"rogue.pem", false, "self-signed certificate"},
                          Case{"good.pem", true, "unable to get local issuer certificate"});
  INFO(c.cert);
  Receiver receiver("starttls", c.cert);
  auto table = table_for(receiver.port);
  if (c.system_store) table.values.erase("ca_file");
  Subject subject(table);
  const auto result = subject.deliver(delivery_of({safe_mode_event()}));
  CHECK(result.outcome == Outcome::kRetry);
  CHECK(result.reason == peer(receiver) + ": TLS: certificate verify failed: " + c.why);
  check_nothing_sent(receiver);
}

TEST_CASE("email module: cancel() ends a hanging session, done is never called") {
  Receiver receiver("hang");
  auto table = table_for(receiver.port, "starttls", "127.0.0.1");
  table.values["timeout"] = at_line(std::string("500ms"), 19);
  Subject subject(table);
  int calls = 0;
  subject.observer->deliver(delivery_of({safe_mode_event()}), [&](sdk::DeliveryResult) { ++calls; });
  REQUIRE(slob::test::wait_until([&] {
    subject.io().run_for(10ms);
    return receiver.commands() == "connected\n";
  }, 10s));
  subject.observer->cancel();
  subject.io().restart();
  subject.io().run_for(1500ms);  // three times the timeout: a live session would have reported
  CHECK(calls == 0);
  CHECK(slob::test::wait_until([&] { return receiver.commands() == "connected\nclosed\n"; }, 5s));
}

TEST_CASE("email module: config errors are reported all at once, each at its file:line") {
  ConfigDir dir("s3cret", 0644);  // readable by all users
  sdk::ConfigTable t = table_for(2587);
  t.values.erase("from");
  t.values["to"] = addresses({}, 17);
  t.values["password"] = at_line(std::string("s3cret"), 20);
  t.values["security"] = at_line(std::string("none"), 13);
  TestHostServices host(dir.path());
  const auto made = email_plugin().create_observer(host, t);
  REQUIRE_FALSE(made.is_ok());
  const std::string errors = made.status().message();
  INFO(errors);
  CHECK(contains(errors, "alerts.toml:13:9: [observer.config] security must be one of starttls, "
                         "tls, got \"none\"\n"));
  CHECK(contains(errors, "alerts.toml:15:9: [observer.config] set password or password_file, "
                         "not both"));
  CHECK(contains(errors, "alerts.toml:10:1: [observer.config] from (the sender's address) is required"));
  CHECK(contains(errors, "alerts.toml:17:9: [observer.config] to must list at least one address"));
  CHECK_FALSE(contains(errors, "s3cret"));

  // The password file alone, readable by all users: refused with the file's name and mode.
  const auto world_readable = email_plugin().create_observer(host, table_for(2587));
  REQUIRE_FALSE(world_readable.is_ok());
  CHECK(world_readable.status().message() ==
        "alerts.toml:15:9: [observer.config] password_file: secret file " + dir.path() +
            "/smtp-password: readable by all users (mode 0644); remove that with chmod o-r");
}

TEST_CASE("email module: a template override with a typo names the config line and the file line") {
  ConfigDir dir;
  dir.write("mail/body.html", "<p>\n{{title}}\n{{detials}}</p>\n");
  auto t = table_for(2587);
  t.values["templates_dir"] = at_line(std::string("mail"), 20);
  TestHostServices host(dir.path());
  const auto made = email_plugin().create_observer(host, t);
  REQUIRE_FALSE(made.is_ok());
  CHECK(made.status().message() == "alerts.toml:20:9: [observer.config] templates_dir: " +
                                       dir.path() + "/mail/body.html:3: unknown placeholder {{detials}}");
}

TEST_CASE("email module: a templates_dir that is not there is a config error naming it") {
  ConfigDir dir;
  auto t = table_for(2587);
  t.values["templates_dir"] = at_line(std::string("mail"), 20);
  TestHostServices host(dir.path());
  const auto made = email_plugin().create_observer(host, t);
  REQUIRE_FALSE(made.is_ok());
  CHECK(made.status().message() == "alerts.toml:20:9: [observer.config] templates_dir " +
                                       dir.path() + "/mail: cannot read: No such file or directory");
}

TEST_CASE("email module: check_only validates and returns no object") {
  ConfigDir dir;
  TestHostServices host(dir.path());
  host.check_only_ = true;
  auto made = email_plugin().create_observer(host, table_for(2587));
  REQUIRE(made.is_ok());
  CHECK(*made == nullptr);
  auto t = table_for(2587);
  t.values["port"] = at_line(std::int64_t{0}, 12);
  made = email_plugin().create_observer(host, t);
  REQUIRE_FALSE(made.is_ok());
  CHECK(made.status().message() ==
        "alerts.toml:12:9: [observer.config] port must be between 1 and 65535, got 0");
}

TEST_CASE("email module: the port follows security unless set") {
  auto t = table_for(2587);
  t.values.erase("port");
  CHECK(Subject(t).observer->destination() == "localhost:587 -> ops@example.org, trader@example.net");
  t.values["security"] = at_line(std::string("tls"), 13);
  CHECK(Subject(t).observer->destination() == "localhost:465 -> ops@example.org, trader@example.net");
}
