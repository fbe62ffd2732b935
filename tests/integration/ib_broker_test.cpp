// The ib plugin in-process on a real io_context against the gateway simulator running as a
// child process on an ephemeral loopback port. Waits are on conditions with bounded deadlines.
#include <catch2/catch.hpp>

#include <set>

#include "ib_broker.hpp"
#include "ib_config.hpp"
#include "ib_test_support.hpp"

using namespace slob;
using namespace slob::test::ib;
using sdk::Channel;
using sdk::Health;

namespace {

struct Rig {
  explicit Rig(std::vector<std::string> sim_args = {}, std::map<std::string, sdk::ConfigValue> overrides = {},
               std::optional<sdk::HostSettings> settings = std::nullopt)
      : sim(std::move(sim_args)) {
    REQUIRE(sim.started());
    if (settings) host.settings_ = *settings;
    auto cfg = plugins::ib::parse_ib_config(ib_config(sim.api_port(), std::move(overrides)), host.settings());
    REQUIRE(cfg.is_ok());
    broker = std::make_unique<plugins::ib::IbBroker>(host, *cfg);
    broker->set_listener(listener);
  }
  ~Rig() {
    bool stopped = false;
    broker->stop([&] { stopped = true; });
    host.run_until([&] { return stopped; }, std::chrono::seconds(5));
    broker.reset();
  }

  void connect_ready() {
    REQUIRE(broker->connect().is_ok());
    REQUIRE(host.run_until([&] { return listener.is(Channel::kMarketData, Health::kUp); }));
    REQUIRE(listener.is(Channel::kOrders, Health::kUp));
  }

  sdk::BracketOrder bracket(const std::string& setup, std::int64_t first_id, double entry) {
    sdk::BracketOrder b;
    b.setup_id = setup;
    b.symbol = "NQ";
    b.direction = sdk::Direction::kLong;
    b.quantity = 1;
    b.entry = {sdk::make_client_ref(setup, sdk::Leg::kEntry), sdk::Leg::kEntry, sdk::Side::kBuy, sdk::OrderType::kLimit, entry, first_id};
    b.take_profit = {sdk::make_client_ref(setup, sdk::Leg::kTakeProfit), sdk::Leg::kTakeProfit, sdk::Side::kSell,
                     sdk::OrderType::kLimit, entry + 300, first_id + 1};
    b.stop_loss = {sdk::make_client_ref(setup, sdk::Leg::kStopLoss), sdk::Leg::kStopLoss, sdk::Side::kSell,
                   sdk::OrderType::kStop, entry - 700, first_id + 2};
    return b;
  }

  SimProcess sim;
  LiveHostServices host;
  RecordingListener listener;
  std::unique_ptr<plugins::ib::IbBroker> broker;
};

std::size_t count_health(const RecordingListener& l, Channel c, Health h) {
  std::size_t n = 0;
  for (const auto& e : l.health) n += e.channel == c && e.health == h;
  return n;
}

}  // namespace

TEST_CASE("connects: ready after nextValidId and managedAccounts, front month via CONTFUT", "[ib][integration]") {
  Rig rig;
  rig.connect_ready();
  const auto* up = rig.listener.last(Channel::kOrders);
  CHECK(up->next_valid_order_id == 100);
  CHECK_FALSE(rig.listener.last(Channel::kMarketData)->resubscribe);
  const auto start = rig.sim.inbound("71");
  REQUIRE(start.size() == 1);
  CHECK(start[0] == std::vector<std::string>{"71", "2", "7", ""});
  const auto cd = rig.sim.inbound("9");
  REQUIRE(cd.size() == 1);
  CHECK(cd[0].size() == 19);
  CHECK(cd[0][4] == "NQ");
  CHECK(cd[0][5] == "CONTFUT");
  CHECK(cd[0][10] == "CME");
  CHECK(rig.host.log().contains_id("SLOB_IB_CONTRACT_RESOLVED"));
}

TEST_CASE("backfill then 5-second bars, no bar twice", "[ib][integration]") {
  Rig rig;
  rig.connect_ready();
  const auto now = rig.host.clock().now();
  REQUIRE(rig.broker->subscribe({"NQ", now - std::chrono::minutes(10)}).is_ok());
  REQUIRE(rig.host.run_until([&] {
    std::size_t live = 0;
    for (const auto& b : rig.listener.bars) live += !b.backfill;
    return live >= 5;
  }));
  std::size_t backfill = 0;
  std::set<std::int64_t> starts;
  sdk::Time prev_end{};
  for (const auto& b : rig.listener.bars) {
    if (b.backfill) {
      ++backfill;
      CHECK(b.span == std::chrono::minutes(1));
      CHECK(b.start >= now - std::chrono::minutes(10));
    } else {
      CHECK(b.span == std::chrono::seconds(5));
    }
    CHECK(b.start >= prev_end);  // in order, never overlapping what came before
    prev_end = b.start + b.span;
    CHECK(starts.insert(b.start.time_since_epoch().count()).second);
    CHECK(b.high >= b.low);
  }
  CHECK(backfill >= 9);
  CHECK(backfill <= 11);
  const auto hist = rig.sim.inbound("20");
  REQUIRE(hist.size() == 1);
  CHECK(hist[0].size() == 23);
  CHECK(hist[0][16] == "1 min");
  CHECK(hist[0][20] == "2");
  const auto rt = rig.sim.inbound("50");
  REQUIRE(rt.size() == 1);
  CHECK(rt[0].size() == 19);
  CHECK(rt[0][4] == "NQ");
  CHECK(rt[0][5] == "FUT");
}

TEST_CASE("bracket: three legs with orderRefs, OCA children, last leg transmits, fills arrive", "[ib][integration]") {
  Rig rig;
  rig.connect_ready();
  REQUIRE(rig.broker->subscribe({"NQ", std::nullopt}).is_ok());
  REQUIRE(rig.broker->place_bracket(rig.bracket("s1", 100, 21200)).is_ok());
  REQUIRE(rig.host.run_until([&] { return !rig.listener.executions.empty(); }));
  const auto placed = rig.sim.inbound("3");
  REQUIRE(placed.size() == 3);
  for (const auto& f : placed) CHECK(f.size() == 115);
  CHECK(placed[0][1] == "100");
  CHECK(placed[0][26] == "slob:s1:entry");
  CHECK(placed[0][27] == "0");
  CHECK(placed[0][28] == "0");
  CHECK(placed[0][18] == "LMT");
  CHECK(placed[1][26] == "slob:s1:tp");
  CHECK(placed[1][27] == "0");
  CHECK(placed[1][28] == "100");
  CHECK(placed[2][26] == "slob:s1:sl");
  CHECK(placed[2][18] == "STP");
  CHECK(placed[2][20] == "20500");
  CHECK(placed[2][27] == "1");
  CHECK(placed[2][28] == "100");
  CHECK(placed[1][22] == placed[2][22]);
  CHECK_FALSE(placed[1][22].empty());
  CHECK(placed[1][47] == "1");
  CHECK(placed[0][33] == "1");  // outsideRth on every leg
  CHECK(placed[2][33] == "1");

  const auto& e = rig.listener.executions.front();
  CHECK(e.client_ref == "slob:s1:entry");
  CHECK(e.broker_order_id == 100);
  CHECK(e.side == sdk::Side::kBuy);
  CHECK(e.quantity == 1);
  CHECK(e.price == 21200);
  CHECK(e.commission == Approx(2.25));
  CHECK(rig.listener.order("slob:s1:entry", sdk::OrderState::kFilled) != nullptr);

  // Take-profit trades; the OCA stop is cancelled.
  CHECK(rig.sim.control("price 21600") == "ok");
  REQUIRE(rig.host.run_until([&] { return rig.listener.order("slob:s1:sl", sdk::OrderState::kCancelled) != nullptr; }));
  CHECK(rig.listener.order("slob:s1:tp", sdk::OrderState::kFilled) != nullptr);
  REQUIRE(rig.host.run_until([&] { return rig.listener.executions.size() == 2; }));
  CHECK(rig.listener.executions[1].client_ref == "slob:s1:tp");
}

TEST_CASE("snapshot: positions, open orders, completed orders, executions, equity", "[ib][integration]") {
  Rig rig;
  rig.connect_ready();
  REQUIRE(rig.broker->subscribe({"NQ", std::nullopt}).is_ok());
  REQUIRE(rig.broker->place_bracket(rig.bracket("s2", 100, 21200)).is_ok());
  REQUIRE(rig.host.run_until([&] { return !rig.listener.executions.empty(); }));
  REQUIRE(rig.broker->request_snapshot(rig.host.clock().now() - std::chrono::hours(1)).is_ok());
  CHECK(rig.broker->request_snapshot(rig.host.clock().now()).code() == sdk::StatusCode::kFailedPrecondition);
  REQUIRE(rig.host.run_until([&] { return !rig.listener.snapshots.empty(); }));
  const auto& s = rig.listener.snapshots.front();
  REQUIRE(s.is_ok());
  REQUIRE(s->positions.size() == 1);
  CHECK(s->positions[0].symbol == "NQ");
  CHECK(s->positions[0].quantity == 1);
  CHECK(s->positions[0].average_cost == Approx(21200));
  CHECK(s->open_orders.size() == 2);
  std::set<std::string> refs;
  for (const auto& o : s->open_orders) refs.insert(o.client_ref);
  CHECK(refs == std::set<std::string>{"slob:s2:tp", "slob:s2:sl"});
  REQUIRE(s->completed_orders.size() == 1);
  CHECK(s->completed_orders[0].client_ref == "slob:s2:entry");
  CHECK(s->completed_orders[0].state == sdk::OrderState::kFilled);
  CHECK(s->completed_orders[0].broker_order_id == 100);
  REQUIRE(s->executions.size() == 1);
  CHECK(s->executions[0].client_ref == "slob:s2:entry");
  CHECK(s->executions[0].commission == Approx(2.25));
  REQUIRE(s->equity.has_value());
  CHECK(*s->equity == Approx(100000));
  CHECK(s->next_valid_order_id == 103);
  const auto ex = rig.sim.inbound("7");
  REQUIRE(ex.size() == 1);
  CHECK(ex[0].size() == 10);
}

TEST_CASE("a dropped connection reports down, connect() again resubscribes with a gap backfill", "[ib][integration]") {
  Rig rig;
  rig.connect_ready();
  REQUIRE(rig.broker->subscribe({"NQ", std::nullopt}).is_ok());
  REQUIRE(rig.host.run_until([&] { return rig.listener.bars.size() >= 3; }));
  CHECK(rig.sim.control("drop") == "ok");
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kOrders, Health::kDown); }));
  CHECK_FALSE(rig.listener.last(Channel::kOrders)->fatal);
  CHECK(rig.listener.is(Channel::kMarketData, Health::kDown));
  const std::size_t before = rig.listener.bars.size();
  REQUIRE(rig.broker->connect().is_ok());
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kMarketData, Health::kUp); }));
  CHECK(rig.listener.last(Channel::kMarketData)->resubscribe);
  REQUIRE(rig.host.run_until([&] { return rig.listener.bars.size() >= before + 3; }));
  CHECK(rig.sim.inbound("50").size() == 2);  // real-time bars re-requested on the new socket
  CHECK(rig.sim.inbound("9").size() == 2);   // front month re-resolved
  std::set<std::int64_t> starts;
  for (const auto& b : rig.listener.bars) CHECK(starts.insert(b.start.time_since_epoch().count()).second);
}

TEST_CASE("a silent gateway is detected within the heartbeat timeout", "[ib][integration]") {
  Rig rig;
  rig.connect_ready();
  CHECK(rig.sim.control("silent on") == "ok");
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kOrders, Health::kDown); }, std::chrono::seconds(3)));
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  // interval 200 ms + timeout 300 ms, plus scheduling slack.
  CHECK(elapsed < std::chrono::milliseconds(1500));
  CHECK_THAT(rig.listener.last(Channel::kOrders)->reason, Catch::Contains("heartbeat"));
  CHECK(rig.host.log().contains_id("SLOB_IB_HEARTBEAT_TIMEOUT"));
  CHECK(rig.sim.inbound("49").size() >= 1);
}

TEST_CASE("each answered heartbeat is reported to the listener with its round trip", "[ib][integration]") {
  Rig rig;
  rig.connect_ready();
  // Heartbeats every 200 ms (LiveHostServices).
  REQUIRE(rig.host.run_until([&] { return rig.listener.heartbeats.size() >= 3; }, std::chrono::seconds(5)));
  CHECK(rig.listener.heartbeats.size() <= rig.sim.inbound("49").size());  // one per reqCurrentTime
  for (const auto rtt : rig.listener.heartbeats) {
    CHECK(rtt > sdk::Duration::zero());
    CHECK(rtt < std::chrono::milliseconds(300));  // the timeout: a later answer drops the socket
  }
  // A stalled gateway answers nothing: no round trip is made up for the heartbeat it swallowed.
  CHECK(rig.sim.control("silent on") == "ok");
  const std::size_t answered = rig.listener.heartbeats.size();
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kOrders, Health::kDown); }, std::chrono::seconds(3)));
  CHECK(rig.listener.heartbeats.size() <= answered + 1);  // one answer may have been on its way
}

TEST_CASE("1101 re-issues every subscription, 1100 blocks orders with the socket kept, 1102 restores",
          "[ib][integration]") {
  Rig rig;
  rig.connect_ready();
  REQUIRE(rig.broker->subscribe({"NQ", std::nullopt}).is_ok());
  REQUIRE(rig.host.run_until([&] { return rig.listener.bars.size() >= 2; }));

  CHECK(rig.sim.control("error 1100 -1 Connectivity between IB and Trader Workstation has been lost.") == "ok");
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kOrders, Health::kDegraded); }));
  CHECK(rig.broker->place_bracket(rig.bracket("s3", 100, 21200)).code() == sdk::StatusCode::kUnavailable);

  CHECK(rig.sim.control("error 1101 -1 Connectivity between IB and TWS has been restored- data lost.") == "ok");
  REQUIRE(rig.host.run_until([&] {
    const auto* md = rig.listener.last(Channel::kMarketData);
    return md && md->health == Health::kUp && md->resubscribe;
  }));
  CHECK(rig.listener.is(Channel::kOrders, Health::kUp));
  REQUIRE(rig.host.run_until([&] { return rig.sim.inbound("50").size() == 2 && rig.sim.inbound("51").size() == 1; }));
  CHECK(rig.sim.inbound("51")[0][2] == rig.sim.inbound("50")[0][2]);  // the old request is cancelled
  const std::size_t bars = rig.listener.bars.size();
  REQUIRE(rig.host.run_until([&] { return rig.listener.bars.size() >= bars + 2; }));

  CHECK(rig.sim.control("error 1100 -1 lost") == "ok");
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kOrders, Health::kDegraded); }));
  CHECK(rig.sim.control("error 1102 -1 Connectivity between IB and TWS has been restored- data maintained.") == "ok");
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kOrders, Health::kUp); }));
  CHECK(rig.broker->place_bracket(rig.bracket("s3", 100, 21200)).is_ok());
  // The socket was never dropped.
  CHECK(rig.sim.inbound("71").size() == 1);
  CHECK(count_health(rig.listener, Channel::kOrders, Health::kDown) == 0);
}

TEST_CASE("farm notices affect market-data health only", "[ib][integration]") {
  Rig rig;
  rig.connect_ready();
  const std::size_t orders_events = count_health(rig.listener, Channel::kOrders, Health::kUp);
  CHECK(rig.sim.control("error 2103 -1 Market data farm connection is broken:usfarm") == "ok");
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kMarketData, Health::kDegraded); }));
  CHECK(rig.sim.control("error 2104 -1 Market data farm connection is OK:usfarm") == "ok");
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kMarketData, Health::kUp); }));
  CHECK(count_health(rig.listener, Channel::kOrders, Health::kUp) == orders_events);
  CHECK(rig.listener.is(Channel::kOrders, Health::kUp));
}

TEST_CASE("clientId in use: 326 is reported fatal", "[ib][integration]") {
  Rig rig;
  CHECK(rig.sim.control("clientid-in-use 7") == "ok");
  REQUIRE(rig.broker->connect().is_ok());
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kOrders, Health::kDown); }));
  const auto* down = rig.listener.last(Channel::kOrders);
  CHECK(down->fatal);
  CHECK_THAT(down->reason, Catch::Contains("already in use"));
  CHECK(rig.host.log().contains_id("SLOB_IB_CLIENT_ID_IN_USE"));
}

TEST_CASE("EOF before nextValidId is its own fatal failure", "[ib][integration]") {
  // A gateway that refuses right after the handshake: the simulator with a clientId clash but
  // whose 326 text we do not rely on is the same as TWS closing without 326.
  Rig rig({}, {{"client_id", sdk::ConfigValue{std::int64_t{8}, {"test.toml", 3, 1}}}});
  CHECK(rig.sim.control("clientid-in-use 8") == "ok");
  REQUIRE(rig.broker->connect().is_ok());
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kOrders, Health::kDown); }));
  CHECK(rig.listener.last(Channel::kOrders)->fatal);
}

TEST_CASE("a server below version 176 is refused with a clear error", "[ib][integration]") {
  Rig rig({"--server-version", "170"});
  REQUIRE(rig.broker->connect().is_ok());
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kOrders, Health::kDown); }));
  const auto* down = rig.listener.last(Channel::kOrders);
  CHECK(down->fatal);
  CHECK_THAT(down->reason, Catch::Contains("170") && Catch::Contains("176"));
}

TEST_CASE("after a gateway restart rolls nextValidId back, no order id is reused", "[ib][integration]") {
  Rig rig;
  rig.connect_ready();
  REQUIRE(rig.broker->place_bracket(rig.bracket("s4", 100, 20000)).is_ok());  // entry far below: stays working
  REQUIRE(rig.host.run_until([&] { return rig.sim.inbound("3").size() == 3; }));
  CHECK(rig.sim.control("restart 100") == "ok next_valid_id=100");
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kOrders, Health::kDown); }));
  REQUIRE(rig.broker->connect().is_ok());
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kOrders, Health::kUp); }));
  CHECK(rig.listener.last(Channel::kOrders)->next_valid_order_id == 100);  // rolled back
  // The plugin refuses ids it already used, whatever nextValidId says.
  CHECK(rig.broker->place_bracket(rig.bracket("s5", 100, 20000)).code() == sdk::StatusCode::kInvalidArgument);
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kMarketData, Health::kUp); }));
  REQUIRE(rig.broker->place_bracket(rig.bracket("s5", 103, 20000)).is_ok());
  REQUIRE(rig.host.run_until([&] { return rig.sim.inbound("3").size() == 6; }));
  std::set<std::string> ids;
  for (const auto& f : rig.sim.inbound("3")) CHECK(ids.insert(f[1]).second);
}

TEST_CASE("a bracket the pacer still held when the connection dropped is sent again under its ids",
          "[ib][integration]") {
  // Three messages a second: one bracket fills the window and the next one waits about a second
  // (heartbeats rare, so they neither crowd the window nor time out behind it).
  Rig rig({}, {{"max_messages_per_second", sdk::ConfigValue{std::int64_t{3}, {"test.toml", 3, 1}}}},
          sdk::HostSettings{"NQ", "Europe/Stockholm", std::chrono::seconds(30), std::chrono::seconds(10)});
  rig.connect_ready();
  REQUIRE(rig.broker->place_bracket(rig.bracket("s7", 100, 20000)).is_ok());
  REQUIRE(rig.host.run_until([&] { return rig.sim.inbound("3").size() == 3; }));
  REQUIRE(rig.broker->place_bracket(rig.bracket("s8", 103, 20000)).is_ok());  // queued by the pacer
  CHECK(rig.sim.control("drop") == "ok");
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kOrders, Health::kDown); }));
  CHECK(rig.sim.inbound("3").size() == 3);  // s8 never reached the gateway
  REQUIRE(rig.broker->connect().is_ok());
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kMarketData, Health::kUp); }));
  // The host re-sends what the gateway does not know, under the journalled ids.
  REQUIRE(rig.broker->place_bracket(rig.bracket("s8", 103, 20000)).is_ok());
  REQUIRE(rig.host.run_until([&] { return rig.sim.inbound("3").size() == 6; }));
  // Ids written once stay used: s7's may not be taken again.
  CHECK(rig.broker->place_bracket(rig.bracket("s9", 102, 20000)).code() == sdk::StatusCode::kInvalidArgument);
  std::set<std::string> ids;
  for (const auto& f : rig.sim.inbound("3")) CHECK(ids.insert(f[1]).second);
  CHECK(ids == std::set<std::string>{"100", "101", "102", "103", "104", "105"});
}

TEST_CASE("flatten cancels working legs and closes the position at market", "[ib][integration]") {
  Rig rig;
  rig.connect_ready();
  REQUIRE(rig.broker->place_bracket(rig.bracket("s6", 100, 21200)).is_ok());
  REQUIRE(rig.host.run_until([&] { return !rig.listener.executions.empty(); }));
  REQUIRE(rig.broker->flatten("NQ", "slob:s6:flatten", 103).is_ok());
  REQUIRE(rig.host.run_until([&] { return rig.listener.executions.size() == 2; }));
  CHECK(rig.listener.executions[1].client_ref == "slob:s6:flatten");
  CHECK(rig.listener.executions[1].side == sdk::Side::kSell);
  CHECK(rig.sim.inbound("4").size() == 2);  // tp and sl cancelled first
  REQUIRE(rig.broker->request_snapshot(rig.host.clock().now() - std::chrono::hours(1)).is_ok());
  REQUIRE(rig.host.run_until([&] { return !rig.listener.snapshots.empty(); }));
  REQUIRE(rig.listener.snapshots[0].is_ok());
  CHECK(rig.listener.snapshots[0]->positions.empty());
  CHECK(rig.listener.snapshots[0]->open_orders.empty());
}

TEST_CASE("stalled bars during trading hours are re-requested by the watchdog", "[ib][integration]") {
  Rig rig;
  rig.connect_ready();
  REQUIRE(rig.broker->subscribe({"NQ", std::nullopt}).is_ok());
  REQUIRE(rig.host.run_until([&] { return rig.listener.bars.size() >= 2; }));
  CHECK(rig.sim.control("bars off") == "ok");
  REQUIRE(rig.host.run_until([&] { return rig.sim.inbound("50").size() >= 2; }));
  CHECK(rig.host.log().contains_id("SLOB_IB_BARS_STALLED"));
  CHECK(rig.listener.is(Channel::kMarketData, Health::kDegraded));
  CHECK(rig.listener.is(Channel::kOrders, Health::kUp));  // a data problem never downs orders
  CHECK(rig.sim.control("bars on") == "ok");
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kMarketData, Health::kUp); }));
}

TEST_CASE("connect timeout when the gateway never answers the handshake", "[ib][integration]") {
  Rig rig({}, {{"connect_timeout", sdk::ConfigValue{std::string("400ms"), {"test.toml", 3, 1}}}});
  CHECK(rig.sim.control("silent on") == "ok");
  REQUIRE(rig.broker->connect().is_ok());
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kOrders, Health::kDown); }, std::chrono::seconds(3)));
  CHECK_THAT(rig.listener.last(Channel::kOrders)->reason, Catch::Contains("connect timeout"));
  CHECK_FALSE(rig.listener.last(Channel::kOrders)->fatal);
}

TEST_CASE("a refusing gateway fails the attempt without fatal, and works once it listens again", "[ib][integration]") {
  Rig rig;
  CHECK(rig.sim.control("refuse 1") == "ok");
  REQUIRE(rig.broker->connect().is_ok());
  REQUIRE(rig.host.run_until([&] { return rig.listener.is(Channel::kOrders, Health::kDown); }));
  CHECK_FALSE(rig.listener.last(Channel::kOrders)->fatal);
  CHECK_THAT(rig.listener.last(Channel::kOrders)->reason, Catch::Contains("connect failed"));
  // The core's backoff would retry; here: retry until the listener is back (bounded).
  REQUIRE(rig.host.run_until(
      [&] {
        if (rig.listener.is(Channel::kOrders, Health::kDown)) CHECK(rig.broker->connect().is_ok());
        return rig.listener.is(Channel::kOrders, Health::kUp);
      },
      std::chrono::seconds(5)));
}

TEST_CASE("positions opened and closed outside the API show in snapshots", "[ib][integration]") {
  Rig rig;
  rig.connect_ready();
  CHECK(rig.sim.control("add-position NQ -2 21010") == "ok");
  REQUIRE(rig.broker->request_snapshot(rig.host.clock().now() - std::chrono::hours(1)).is_ok());
  REQUIRE(rig.host.run_until([&] { return rig.listener.snapshots.size() == 1; }));
  REQUIRE(rig.listener.snapshots[0].is_ok());
  REQUIRE(rig.listener.snapshots[0]->positions.size() == 1);
  CHECK(rig.listener.snapshots[0]->positions[0].quantity == -2);
  CHECK(rig.listener.snapshots[0]->positions[0].average_cost == Approx(21010));
  CHECK(rig.sim.control("close-position NQ") == "ok");
  REQUIRE(rig.broker->request_snapshot(rig.host.clock().now() - std::chrono::hours(1)).is_ok());
  REQUIRE(rig.host.run_until([&] { return rig.listener.snapshots.size() == 2; }));
  REQUIRE(rig.listener.snapshots[1].is_ok());
  CHECK(rig.listener.snapshots[1]->positions.empty());
  REQUIRE(rig.listener.snapshots[1]->executions.size() == 1);
  CHECK(rig.listener.snapshots[1]->executions[0].client_ref.empty());
  CHECK(rig.listener.snapshots[1]->executions[0].side == sdk::Side::kBuy);
}

TEST_CASE("delayed market data mode sends reqMarketDataType 3", "[ib][integration]") {
  Rig rig({}, {{"market_data_type", sdk::ConfigValue{std::string("delayed"), {"test.toml", 3, 1}}}});
  rig.connect_ready();
  REQUIRE(rig.host.run_until([&] { return !rig.sim.inbound("59").empty(); }));
  CHECK(rig.sim.inbound("59")[0] == std::vector<std::string>{"59", "1", "3"});
}

TEST_CASE("a front-month roll is picked up and bars re-requested on the new contract", "[ib][integration]") {
  Rig rig({}, {{"contract_refresh", sdk::ConfigValue{std::string("300ms"), {"test.toml", 3, 1}}}});
  rig.connect_ready();
  REQUIRE(rig.broker->subscribe({"NQ", std::nullopt}).is_ok());
  REQUIRE(rig.host.run_until([&] { return rig.sim.inbound("50").size() == 1; }));
  const std::string old_con_id = rig.sim.inbound("50")[0][3];
  CHECK(rig.sim.control("roll").rfind("ok NQ", 0) == 0);
  REQUIRE(rig.host.run_until([&] { return rig.sim.inbound("50").size() == 2; }));
  CHECK(rig.sim.inbound("50")[1][3] != old_con_id);
  CHECK(rig.sim.inbound("51").size() == 1);
  CHECK(rig.host.log().contains_id("SLOB_IB_CONTRACT_ROLLED"));
}
