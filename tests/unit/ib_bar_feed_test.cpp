// BarFeed on simulated time: backfill then live, dedupe across re-requests, the watchdog.
#include <catch2/catch.hpp>

#include "bar_feed.hpp"
#include "test_host_services.hpp"
#include "wire.hpp"

using namespace slob;
using namespace slob::plugins::ib;

namespace {

struct Out final : BarFeedOutput {
  void send_request(const Payload& p) override {
    REQUIRE(p.is_ok());
    auto f = split_fields(*p);
    REQUIRE(f.is_ok());
    sent.emplace_back(f->begin(), f->end());
  }
  std::int64_t next_request_id() override { return next++; }
  void feed_health(bool healthy, const std::string& reason) override { health.emplace_back(healthy, reason); }
  std::vector<std::vector<std::string>> of(const std::string& id) const {
    std::vector<std::vector<std::string>> r;
    for (const auto& s : sent)
      if (s[0] == id) r.push_back(s);
    return r;
  }
  std::vector<std::vector<std::string>> sent;
  std::vector<std::pair<bool, std::string>> health;
  std::int64_t next = 1;
};

struct Bars final : sdk::BrokerListener {
  void on_health(const sdk::HealthEvent&) override {}
  void on_bar(const sdk::Bar& b) override { bars.push_back(b); }
  void on_order(const sdk::OrderReport&) override {}
  void on_execution(const sdk::Execution&) override {}
  void on_snapshot(const sdk::Result<sdk::BrokerSnapshot>&) override {}
  void on_end_of_data() override {}
  void on_position(const sdk::Position&) override {}
  std::vector<sdk::Bar> bars;
};

std::int64_t epoch(sdk::Time t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

RealtimeBarMsg rt(std::int64_t req, sdk::Time start, double px) {
  RealtimeBarMsg m;
  m.req_id = req;
  m.time = epoch(start);
  m.open = m.high = m.low = m.close = px;
  m.volume = 1;
  return m;
}

HistoricalBar hb(sdk::Time start, double px) {
  HistoricalBar b;
  b.date = std::to_string(epoch(start));
  b.open = b.high = b.low = b.close = px;
  b.volume = 10;
  return b;
}

struct Fixture {
  Fixture() : feed(host, out, config, nullptr) {
    host.manual_clock().advance_to(*sdk::parse_rfc3339("2026-01-06T10:00:30Z"));
    feed.set_listener(&bars);
    front.con_id = 1;
    front.symbol = "NQ";
    front.sec_type = "FUT";
  }
  sdk::Time at(const char* t) { return *sdk::parse_rfc3339(t); }

  test::TestHostServices host;
  IbConfig config;
  Out out;
  Bars bars;
  Contract front;
  BarFeed feed;
};

}  // namespace

TEST_CASE("only the configured symbol can be subscribed", "[ib][bar_feed]") {
  Fixture f;
  CHECK(f.feed.subscribe({"ES", std::nullopt}).code() == sdk::StatusCode::kInvalidArgument);
}

TEST_CASE("backfill first, live bars during it are held, the partial minute is skipped", "[ib][bar_feed]") {
  Fixture f;
  REQUIRE(f.feed.subscribe({"NQ", f.at("2026-01-06T09:57:00Z")}).is_ok());
  CHECK(f.out.sent.empty());  // not running yet
  f.feed.start(f.front, TradingHours::always_open());
  REQUIRE(f.out.of("50").size() == 1);
  const auto hist = f.out.of("20");
  REQUIRE(hist.size() == 1);
  CHECK(hist[0][17] == "270 S");  // 3.5 minutes + 1 minute of slack
  const std::int64_t rt_id = std::stoll(f.out.of("50")[0][2]);
  const std::int64_t hist_id = std::stoll(hist[0][1]);

  CHECK(f.feed.on_realtime_bar(rt(rt_id, f.at("2026-01-06T10:00:25Z"), 5)));
  CHECK(f.bars.bars.empty());  // held until the backfill is in

  HistoricalDataMsg h;
  h.req_id = hist_id;
  h.end = "20260106-10:00:30";
  h.bars = {hb(f.at("2026-01-06T09:56:00Z"), 0), hb(f.at("2026-01-06T09:57:00Z"), 1), hb(f.at("2026-01-06T09:58:00Z"), 2),
            hb(f.at("2026-01-06T09:59:00Z"), 3), hb(f.at("2026-01-06T10:00:00Z"), 4)};
  CHECK(f.feed.on_historical(h));
  REQUIRE(f.bars.bars.size() == 4);
  CHECK(f.bars.bars[0].start == f.at("2026-01-06T09:57:00Z"));  // before backfill_from: dropped
  CHECK(f.bars.bars[0].backfill);
  CHECK(f.bars.bars[0].span == std::chrono::minutes(1));
  CHECK(f.bars.bars[2].start == f.at("2026-01-06T09:59:00Z"));  // 10:00 is in progress: dropped
  CHECK(f.bars.bars[3].start == f.at("2026-01-06T10:00:25Z"));  // the held live bar
  CHECK_FALSE(f.bars.bars[3].backfill);
  CHECK(f.bars.bars[3].span == std::chrono::seconds(5));
}

TEST_CASE("a repeated bar and a re-request never deliver a bar twice", "[ib][bar_feed]") {
  Fixture f;
  REQUIRE(f.feed.subscribe({"NQ", std::nullopt}).is_ok());
  f.feed.start(f.front, TradingHours::always_open());
  CHECK(f.out.of("20").empty());  // nothing to backfill
  std::int64_t rt_id = std::stoll(f.out.of("50")[0][2]);
  f.feed.on_realtime_bar(rt(rt_id, f.at("2026-01-06T10:00:30Z"), 1));
  f.feed.on_realtime_bar(rt(rt_id, f.at("2026-01-06T10:00:30Z"), 1));
  f.feed.on_realtime_bar(rt(rt_id, f.at("2026-01-06T10:00:35Z"), 2));
  CHECK(f.bars.bars.size() == 2);

  // Connection lost and back 3 minutes later: the re-issue backfills the gap from what was delivered.
  f.feed.stop();
  f.host.manual_clock().advance(std::chrono::minutes(3));
  f.feed.start(f.front, TradingHours::always_open());
  const auto hist = f.out.of("20");
  REQUIRE(hist.size() == 1);
  REQUIRE(f.out.of("50").size() == 2);
  rt_id = std::stoll(f.out.of("50")[1][2]);
  // Old request ids are dead: their bars are not ours any more.
  CHECK_FALSE(f.feed.on_realtime_bar(rt(std::stoll(f.out.of("50")[0][2]), f.at("2026-01-06T10:03:30Z"), 9)));
  HistoricalDataMsg h;
  h.req_id = std::stoll(hist[0][1]);
  h.end = "20260106-10:03:30";
  h.bars = {hb(f.at("2026-01-06T10:00:00Z"), 0), hb(f.at("2026-01-06T10:01:00Z"), 1), hb(f.at("2026-01-06T10:02:00Z"), 2),
            hb(f.at("2026-01-06T10:03:00Z"), 3)};
  f.feed.on_historical(h);
  f.feed.on_realtime_bar(rt(rt_id, f.at("2026-01-06T10:03:30Z"), 4));
  std::vector<sdk::Time> starts;
  for (const auto& b : f.bars.bars) starts.push_back(b.start);
  CHECK(starts == std::vector<sdk::Time>{f.at("2026-01-06T10:00:30Z"), f.at("2026-01-06T10:00:35Z"),
                                         f.at("2026-01-06T10:01:00Z"), f.at("2026-01-06T10:02:00Z"),
                                         f.at("2026-01-06T10:03:30Z")});
}

TEST_CASE("watchdog: two silent periods in trading hours re-request, with backoff", "[ib][bar_feed]") {
  Fixture f;
  REQUIRE(f.feed.subscribe({"NQ", std::nullopt}).is_ok());
  f.feed.start(f.front, TradingHours::always_open());
  f.host.manual_clock().advance(std::chrono::seconds(9));
  CHECK(f.out.of("50").size() == 1);
  f.host.manual_clock().advance(std::chrono::seconds(1));
  CHECK(f.out.of("50").size() == 2);
  CHECK(f.out.of("51").size() == 1);
  REQUIRE(f.out.health.size() == 1);
  CHECK_FALSE(f.out.health[0].first);
  CHECK(f.host.recording_logger().contains_id("SLOB_IB_BARS_STALLED"));
  f.host.manual_clock().advance(std::chrono::seconds(19));
  CHECK(f.out.of("50").size() == 2);  // backed off to 20 s
  f.host.manual_clock().advance(std::chrono::seconds(1));
  CHECK(f.out.of("50").size() == 3);
  const std::int64_t rt_id = std::stoll(f.out.of("50")[2][2]);
  f.feed.on_realtime_bar(rt(rt_id, f.host.clock().now(), 1));
  REQUIRE(f.out.health.size() == 3);
  CHECK(f.out.health[2].first);  // recovered
}

TEST_CASE("watchdog stays quiet outside trading hours", "[ib][bar_feed]") {
  Fixture f;
  // Open only tomorrow.
  auto hours = TradingHours::parse("20260106:CLOSED;20260107:0000-20260108:0000", "UTC");
  REQUIRE(hours.is_ok());
  REQUIRE(f.feed.subscribe({"NQ", std::nullopt}).is_ok());
  f.feed.start(f.front, *hours);
  f.host.manual_clock().advance(std::chrono::minutes(5));
  CHECK(f.out.of("50").size() == 1);
  CHECK(f.out.health.empty());
}

TEST_CASE("a failed backfill goes live without the history", "[ib][bar_feed]") {
  Fixture f;
  REQUIRE(f.feed.subscribe({"NQ", f.at("2026-01-06T09:00:00Z")}).is_ok());
  f.feed.start(f.front, TradingHours::always_open());
  const std::int64_t rt_id = std::stoll(f.out.of("50")[0][2]);
  f.feed.on_realtime_bar(rt(rt_id, f.at("2026-01-06T10:00:30Z"), 1));
  CHECK(f.feed.on_error(std::stoll(f.out.of("20")[0][1]), 162, "pacing violation"));
  CHECK(f.bars.bars.size() == 1);
  CHECK(f.host.recording_logger().contains_id("SLOB_IB_BACKFILL_FAILED"));
}

TEST_CASE("subscribing again while the subscription is active sends nothing", "[ib][bar_feed]") {
  // The host subscribes again after every reconnect and 1101, when the feed has already re-issued
  // its requests; repeating them would be an identical historical request (an IB pacing
  // violation) and a gap in the live bars.
  Fixture f;
  REQUIRE(f.feed.subscribe({"NQ", f.at("2026-01-06T09:57:00Z")}).is_ok());
  f.feed.start(f.front, TradingHours::always_open());
  REQUIRE(f.out.sent.size() == 2);  // reqRealTimeBars + reqHistoricalData
  REQUIRE(f.feed.subscribe({"NQ", f.at("2026-01-06T09:58:00Z")}).is_ok());  // covered by the backfill
  CHECK(f.out.sent.size() == 2);

  HistoricalDataMsg h;
  h.req_id = std::stoll(f.out.of("20")[0][1]);
  h.end = "20260106-10:00:30";
  h.bars = {hb(f.at("2026-01-06T09:57:00Z"), 1), hb(f.at("2026-01-06T09:58:00Z"), 2), hb(f.at("2026-01-06T09:59:00Z"), 3)};
  REQUIRE(f.feed.on_historical(h));
  REQUIRE(f.bars.bars.size() == 2);  // from 09:58, as the second subscribe asked
  const std::int64_t rt_id = std::stoll(f.out.of("50")[0][2]);
  f.feed.on_realtime_bar(rt(rt_id, f.at("2026-01-06T10:00:25Z"), 5));
  // Live, and a subscription from the last handled minute: nothing new to ask for.
  REQUIRE(f.feed.subscribe({"NQ", f.at("2026-01-06T10:00:00Z")}).is_ok());
  CHECK(f.out.sent.size() == 2);
  f.feed.on_realtime_bar(rt(rt_id, f.at("2026-01-06T10:00:30Z"), 6));
  CHECK(f.bars.bars.size() == 4);

  // Earlier history than what is covered: cancelled and asked again.
  REQUIRE(f.feed.subscribe({"NQ", std::nullopt}).is_ok());
  CHECK(f.out.sent.size() == 2);
  Fixture g;
  REQUIRE(g.feed.subscribe({"NQ", std::nullopt}).is_ok());
  g.feed.start(g.front, TradingHours::always_open());
  REQUIRE(g.out.sent.size() == 1);  // live only
  REQUIRE(g.feed.subscribe({"NQ", g.at("2026-01-06T09:00:00Z")}).is_ok());
  CHECK(g.out.of("51").size() == 1);
  CHECK(g.out.of("50").size() == 2);
  CHECK(g.out.of("20").size() == 1);
}
