// Schema 2's candle hour records (plugins/lmdb/candle_hours.hpp): the byte layout, what decoding
// refuses, and the merge that gives a re-written candle the semantics of a put.

#include <catch2/catch.hpp>

#include "candle_hours.hpp"
#include "lmdb_test_support.hpp"

namespace lmdb = slob::plugins::lmdb;
namespace sdk = slob::sdk;
using slob::test::lmdb::at;

namespace {

sdk::Candle candle(sdk::Time start, double close) { return {start, close - 1, close + 2, close - 3, close, 7}; }

}  // namespace

TEST_CASE("lmdb candle hours: hour_of floors to the UTC hour, also before 1970", "[lmdb][codec]") {
  CHECK(lmdb::hour_of(at("2026-01-06T15:59:59Z")) == at("2026-01-06T15:00:00Z"));
  CHECK(lmdb::hour_of(at("2026-01-06T15:00:00Z")) == at("2026-01-06T15:00:00Z"));
  CHECK(lmdb::hour_of(at("1969-12-31T23:30:00Z")) == at("1969-12-31T23:00:00Z"));
}

TEST_CASE("lmdb candle hours: round trip and the layout", "[lmdb][codec]") {
  const sdk::Time hour = at("2026-01-06T15:00:00Z");
  const std::vector<sdk::Candle> in = {candle(hour, 100.25), candle(hour + std::chrono::minutes(59), 101.5)};
  const std::string value = lmdb::encode_candle_hour(in);
  REQUIRE(value.size() == 2 + 2 * 48);
  CHECK(value[0] == 'M');
  CHECK(value[1] == 1);
  std::vector<sdk::Candle> out;
  REQUIRE(lmdb::decode_candle_hour(value, hour, out).is_ok());
  CHECK(out == in);
  // Decoding appends: a scan reuses one vector.
  REQUIRE(lmdb::decode_candle_hour(value, hour, out).is_ok());
  CHECK(out.size() == 4);
}

TEST_CASE("lmdb candle hours: damaged values are corruption", "[lmdb][codec]") {
  const sdk::Time hour = at("2026-01-06T15:00:00Z");
  const std::vector<sdk::Candle> two = {candle(hour, 1), candle(hour + std::chrono::minutes(1), 2)};
  const std::string good = lmdb::encode_candle_hour(two);
  auto refused = [&](const std::string& value, sdk::Time h, const std::string& problem) {
    std::vector<sdk::Candle> out;
    const sdk::Status s = lmdb::decode_candle_hour(value, h, out);
    INFO(s.message());
    CHECK(s.code() == sdk::StatusCode::kCorruption);
    CHECK_THAT(s.message(), Catch::Contains(problem));
  };
  refused(good.substr(0, 1), hour, "shorter than its header");
  refused("C" + good.substr(1), hour, "record tag 67, expected 77");
  refused(good.substr(0, 1) + '\x02' + good.substr(2), hour, "unknown encoding version 2");
  refused(good.substr(0, good.size() - 1), hour, "not whole 48-byte entries");
  refused(good, hour + std::chrono::hours(1), "outside its hour");
  const std::vector<sdk::Candle> reversed = {two[1], two[0]};
  refused(lmdb::encode_candle_hour(reversed), hour, "out of order");
  const std::vector<sdk::Candle> twice = {two[0], two[0]};
  refused(lmdb::encode_candle_hour(twice), hour, "out of order");
}

TEST_CASE("lmdb candle hours: a merged candle replaces one with its start, others stay sorted", "[lmdb][codec]") {
  const sdk::Time hour = at("2026-01-06T15:00:00Z");
  auto m = [&](int minute, double close) { return candle(hour + std::chrono::minutes(minute), close); };
  std::vector<sdk::Candle> stored = {m(10, 1), m(20, 2)};
  const std::vector<sdk::Candle> added = {m(30, 3), m(5, 4), m(20, 5), m(15, 6), m(30, 7)};
  lmdb::merge_candles(stored, added);
  const std::vector<sdk::Candle> expected = {m(5, 4), m(10, 1), m(15, 6), m(20, 5), m(30, 7)};
  CHECK(stored == expected);
}
