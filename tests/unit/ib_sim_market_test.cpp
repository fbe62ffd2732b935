// The gateway simulator's market feed: scripted bars with pauses, and history that matches what
// was streamed (tools/ib-gateway-sim/src/market.*).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "market.hpp"

using slob::tools::ib_gateway_sim::MarketFeed;

namespace {

std::string write_script(const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("slob-sim-script-" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

TEST_CASE("a scripted pause stops the stream exactly there, once", "[ib][sim]") {
  MarketFeed feed(100, 0, 1);
  const std::string path = write_script(
      "time,open,high,low,close,volume\n"
      "pause\n"
      "2099-01-05T08:00:00Z,100,101,99,100.5,3\n"
      "2099-01-05T08:00:05Z,100.5,102,100,101,4\n"
      "pause\n"
      "2099-01-05T08:00:10Z,101,101,98,99,5\n");
  REQUIRE(feed.load_script(path).is_ok());
  std::filesystem::remove(path);
  CHECK(feed.take_pause());  // before the first bar
  CHECK_FALSE(feed.take_pause());
  CHECK(feed.next_bar().close == 100.5);
  CHECK_FALSE(feed.take_pause());
  CHECK(feed.next_bar().close == 101);
  CHECK(feed.take_pause());
  CHECK_FALSE(feed.take_pause());
  CHECK(feed.next_bar().close == 99);
  CHECK_FALSE(feed.take_pause());
}

TEST_CASE("history of a streamed minute is the aggregate of its bars", "[ib][sim]") {
  MarketFeed feed(100, 0, 1);
  std::string csv = "time,open,high,low,close,volume\n";
  // One full minute (08:00) and two bars of the next.
  for (int i = 0; i < 14; ++i) {
    const std::int64_t t = 4102473600LL + 8 * 3600 + i * 5;  // a minute-aligned time, + 5 s steps
    csv += std::to_string(t) + "," + std::to_string(200 + i) + "," + std::to_string(201 + i) + "," +
           std::to_string(199 + i) + "," + std::to_string(200 + i) + ",1\n";
  }
  const std::string path = write_script(csv);
  REQUIRE(feed.load_script(path).is_ok());
  std::filesystem::remove(path);
  for (int i = 0; i < 14; ++i) feed.next_bar();
  const std::int64_t minute = 4102473600LL + 8 * 3600;
  const auto bars = feed.minute_bars(minute - 60, minute + 120);
  REQUIRE(bars.size() == 3);
  CHECK(bars[0].time == minute - 60);  // before the stream: generated
  CHECK(bars[1].time == minute);
  CHECK(bars[1].open == 200);
  CHECK(bars[1].high == 212);
  CHECK(bars[1].low == 199);
  CHECK(bars[1].close == 211);
  CHECK(bars[1].volume == 12);
  CHECK(bars[2].time == minute + 60);  // in progress: partial
  CHECK(bars[2].open == 212);
  CHECK(bars[2].close == 213);
  CHECK(bars[2].volume == 2);
}
