// The words of an alert (plugins/alert_text): what a person reads in a chat message, a webhook's
// Slack text or an e-mail, for each delivery shape, and the JSON a generic receiver parses.
#include <catch2/catch.hpp>

#include <string>

#include "alert_json.hpp"
#include "alert_text.hpp"
#include "slob/sdk/events.hpp"
#include "slob/sdk/time.hpp"

using namespace slob;
using namespace slob::plugins::alert_text;

namespace {

sdk::Time at(const char* rfc3339) { return *sdk::parse_rfc3339(rfc3339); }

sdk::AuditEvent safe_mode(std::uint64_t sequence = 812) {
  return {sequence,
          at("2025-03-14T14:31:00.250Z"),
          sdk::event_type::kSafeModeEntered,
          sdk::Severity::kCritical,
          "Running->SafeMode",
          "broker position differs from the journal",
          {{"setup_id", "2025-03-14-1"}, {"price", "21000.25"}}};
}

sdk::AuditEvent order_sent(std::uint64_t sequence, const char* time) {
  return {sequence, at(time), sdk::event_type::kOrderSent, sdk::Severity::kNotice,
          "2025-03-14-1", "bracket sent", {{"qty", "1"}}};
}

sdk::Delivery delivery_of(std::vector<sdk::AuditEvent> events,
                          sdk::Delivery::Shape shape = sdk::Delivery::Shape::kEvents) {
  sdk::Delivery d;
  d.shape = shape;
  d.observer = "ops";
  d.idempotency_key = sdk::idempotency_key(events);
  d.events = std::move(events);
  return d;
}

// Whether every '&' in `html` starts one of the entities html_escape() writes.
bool whole_entities(const std::string& html) {
  for (auto at = html.find('&'); at != std::string::npos; at = html.find('&', at + 1)) {
    bool known = false;
    for (const std::string entity : {"&amp;", "&lt;", "&gt;", "&quot;"})
      known = known || html.compare(at, entity.size(), entity) == 0;
    if (!known) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("one event: the title says what happened and why, the line has every part",
          "[alert_text]") {
  const auto d = delivery_of({safe_mode()});
  CHECK(title(d) == "slob-host: SAFE MODE entered — broker position differs from the journal");
  CHECK(event_line(d.events[0], false) ==
        "14:31:00Z critical safe_mode.entered Running->SafeMode: broker position differs from "
        "the journal (setup_id=2025-03-14-1, price=21000.25)");
  CHECK(event_line(d.events[0], true) ==
        "2025-03-14 14:31:00Z critical safe_mode.entered Running->SafeMode: broker position "
        "differs from the journal (setup_id=2025-03-14-1, price=21000.25)");
  CHECK(message(d, Markup::kPlain, 4096) == title(d) + "\n\n" + event_line(d.events[0], false));
}

TEST_CASE("a burst: the title counts the events and the most severe ones", "[alert_text]") {
  auto second = safe_mode(815);
  second.type = sdk::event_type::kBrokerUnreachable;
  const auto d = delivery_of({order_sent(812, "2025-03-14T14:30:00Z"), safe_mode(813),
                              order_sent(814, "2025-03-14T14:31:30Z"), second});
  CHECK(title(d) == "slob-host: 4 events (2 critical)");
  CHECK(message(d, Markup::kPlain, 4096) ==
        "slob-host: 4 events (2 critical)\n\n"
        "14:30:00Z notice order.sent 2025-03-14-1: bracket sent (qty=1)\n" +
            event_line(d.events[1], false) + "\n" +
            "14:31:30Z notice order.sent 2025-03-14-1: bracket sent (qty=1)\n" +
            event_line(d.events[3], false));
  SECTION("only notices: no count of a severity") {
    const auto quiet = delivery_of(
        {order_sent(1, "2025-03-14T14:30:00Z"), order_sent(2, "2025-03-14T14:30:01Z")});
    CHECK(title(quiet) == "slob-host: 2 events");
  }
}

TEST_CASE("a summary: the title gives the count and the span, lines carry dates across days",
          "[alert_text]") {
  const auto d = delivery_of({order_sent(1, "2025-03-14T23:59:59.900Z"), safe_mode(2),
                              order_sent(3, "2025-03-15T00:00:05Z")},
                             sdk::Delivery::Shape::kSummary);
  CHECK(title(d) ==
        "slob-host: summary of 3 events from 2025-03-14T23:59:59Z to 2025-03-15T00:00:05Z");
  const std::string text = message(d, Markup::kPlain, 4096);
  CHECK_THAT(text, Catch::Contains("\n2025-03-14 23:59:59Z notice order.sent"));
  CHECK_THAT(text, Catch::EndsWith("\n2025-03-15 00:00:05Z notice order.sent 2025-03-14-1: "
                                   "bracket sent (qty=1)"));
}

TEST_CASE("an event without subject, reason or fields has none of their punctuation",
          "[alert_text]") {
  const sdk::AuditEvent bare{7, at("2025-03-14T08:00:00Z"), sdk::event_type::kDaemonStarted,
                             sdk::Severity::kNotice, "", "", {}};
  const auto d = delivery_of({bare});
  CHECK(title(d) == "slob-host: started");
  CHECK(event_line(bare, false) == "08:00:00Z notice daemon.started");
  SECTION("a type this build does not know is named as it is") {
    auto future = bare;
    future.type = "broker.margin_call";
    CHECK(title(delivery_of({future})) == "slob-host: broker.margin_call");
  }
}

TEST_CASE("a headline is the title without the sender, an event's headline is never cut",
          "[alert_text]") {
  const auto one = delivery_of({safe_mode()});
  CHECK(headline(one) == "SAFE MODE entered — broker position differs from the journal");
  CHECK(event_headline(one.events[0]) == headline(one));
  const auto burst = delivery_of({order_sent(812, "2025-03-14T14:30:00Z"), safe_mode(813)});
  CHECK(headline(burst) == "2 events (1 critical)");
  auto summary = burst;
  summary.shape = sdk::Delivery::Shape::kSummary;
  for (const auto& d : {one, burst, summary}) CHECK(title(d) == "slob-host: " + headline(d));

  auto e = safe_mode();
  e.reason = std::string(300, 'x');
  const auto long_one = delivery_of({e});
  CHECK(event_headline(e) == "SAFE MODE entered — " + e.reason);
  CHECK(title(long_one).size() <= kMaxTitleBytes);
  CHECK(title(long_one) == "slob-host: " + headline(long_one));
}

TEST_CASE("line breaks in event text become spaces: one event, one line", "[alert_text]") {
  auto e = safe_mode();
  e.reason = "first\nsecond\r\nthird";
  e.fields = {{"note", "a\tb"}};
  CHECK(title(delivery_of({e})) == "slob-host: SAFE MODE entered — first second  third");
  CHECK(event_line(e, false) ==
        "14:31:00Z critical safe_mode.entered Running->SafeMode: first second  third (note=a b)");
}

TEST_CASE("HTML: the title in bold, every text escaped, nothing else marked up",
          "[alert_text]") {
  auto e = safe_mode();
  e.reason = R"(<b>fake</b> & "quoted")";
  const auto d = delivery_of({e});
  CHECK(html_escape(R"(a<b>&"c")") == "a&lt;b&gt;&amp;&quot;c&quot;");
  CHECK(message(d, Markup::kHtml, 4096) ==
        "<b>slob-host: SAFE MODE entered — &lt;b&gt;fake&lt;/b&gt; &amp; &quot;quoted&quot;</b>"
        "\n\n14:31:00Z critical safe_mode.entered Running-&gt;SafeMode: &lt;b&gt;fake&lt;/b&gt; "
        "&amp; &quot;quoted&quot; (setup_id=2025-03-14-1, price=21000.25)");
}

TEST_CASE("a long burst is cut to the limit with a last line '… and N more'", "[alert_text]") {
  std::vector<sdk::AuditEvent> events;
  for (std::uint64_t i = 1; i <= 200; ++i) events.push_back(order_sent(i, "2025-03-14T14:30:00Z"));
  const auto d = delivery_of(events);
  const std::string line = event_line(d.events[0], false);  // every line has the same length
  for (const Markup markup : {Markup::kPlain, Markup::kHtml}) {
    const std::string text = message(d, markup, 4096);
    INFO(text);
    CHECK(text.size() <= 4096);
    const std::string head = markup == Markup::kHtml ? "<b>" + title(d) + "</b>" : title(d);
    // As many whole lines as leave room for the last one.
    const std::size_t tail = std::string("\n… and 100 more").size();
    const std::size_t shown = (4096 - head.size() - 2 - tail + 1) / (line.size() + 1);
    CHECK_THAT(text, Catch::EndsWith(line + "\n… and " + std::to_string(200 - shown) + " more"));
    CHECK_THAT(text, Catch::StartsWith(head + "\n\n" + line + "\n"));
  }
  CHECK(body_lines(d, Markup::kPlain, 100) == line + "\n… and 199 more");
  // Every limit: never a byte over, and the events left out are always counted.
  for (std::size_t limit = 64; limit <= 1200; ++limit) {
    for (const Markup markup : {Markup::kPlain, Markup::kHtml}) {
      const std::string text = message(d, markup, limit);
      INFO("limit " << limit << "\n" << text);
      REQUIRE(text.size() <= limit);
      REQUIRE_THAT(text, Catch::Contains("\n… and ") && Catch::EndsWith(" more"));
    }
  }
  CHECK(body_lines(delivery_of({events[0]}), Markup::kPlain, 4096) == line);
}

TEST_CASE("a single event too long for the limit is cut, never mid-character or mid-entity",
          "[alert_text]") {
  auto e = safe_mode();
  e.reason = std::string(3000, 'r') + std::string(300, '&') + "é€";
  const auto d = delivery_of({e});
  CHECK(title(d).size() <= kMaxTitleBytes);
  CHECK(title(d).size() >= kMaxTitleBytes - 3);
  CHECK_THAT(title(d), Catch::StartsWith("slob-host: SAFE MODE entered — rrr") &&
                           Catch::EndsWith("rrr…"));
  for (const std::size_t limit : {200u, 3100u, 3390u}) {
    for (const Markup markup : {Markup::kPlain, Markup::kHtml}) {
      const std::string text = message(d, markup, limit);
      INFO(limit << " " << text);
      CHECK(text.size() <= limit);
      CHECK(text.size() >= limit - 8);  // the cut uses the room there is
      CHECK_THAT(text, Catch::EndsWith("…"));
      CHECK_THAT(text, Catch::Contains("\n\n14:31:00Z critical safe_mode.entered"));
      // The title is cut too, but both stay whole entities and characters.
      if (markup == Markup::kHtml) {
        CHECK_THAT(text, Catch::Contains("…</b>\n\n"));
        CHECK(whole_entities(text));
      }
      CHECK(nlohmann::json(text).dump().size() > 0);  // valid UTF-8, or dump() would throw
    }
  }
}

TEST_CASE("JSON: one event with every member, and the generic body", "[alert_text]") {
  const auto d = delivery_of({safe_mode(812), order_sent(813, "2025-03-14T14:32:00Z")});
  CHECK(dump_json(event_json(d.events[0])) ==
        R"({"fields":{"price":"21000.25","setup_id":"2025-03-14-1"},"reason":"broker position )"
        R"(differs from the journal","sequence":812,"severity":"critical","subject":)"
        R"("Running->SafeMode","time":"2025-03-14T14:31:00.250000Z","type":"safe_mode.entered"})");
  const auto body = generic_body(d);
  CHECK(body["schema"] == 1);
  CHECK(body["observer"] == "ops");
  CHECK(body["idempotency_key"] == "slob-812-813");
  CHECK(body["shape"] == "events");
  CHECK(body["events"].size() == 2);
  CHECK(body["events"][1] == event_json(d.events[1]));
  CHECK(generic_body(delivery_of({safe_mode()}, sdk::Delivery::Shape::kSummary))["shape"] ==
        "summary");
  SECTION("bytes that are not UTF-8 do not throw") {
    auto e = safe_mode();
    e.reason = "bad \xff byte";
    CHECK_THAT(dump_json(event_json(e)), Catch::Contains("bad \xEF\xBF\xBD byte"));
  }
}
