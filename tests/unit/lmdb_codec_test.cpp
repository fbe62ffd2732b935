// The lmdb plugin's record encodings: every record round-trips, and damaged values are
// reported as corruption instead of decoding into garbage.

#include <catch2/catch.hpp>

#include "lmdb_test_support.hpp"
#include "record_codec.hpp"
#include "control/record_json.hpp"

namespace lmdb = slob::plugins::lmdb;
namespace sdk = slob::sdk;
using slob::test::lmdb::at;
using slob::test::lmdb::sample_batch;

namespace {

// Compares through the JSON view, which is written independently of the codec, so a field the
// codec forgets shows up as a difference.
template <typename T>
void check_round_trip(const T& record) {
  T decoded;
  const auto status = lmdb::decode(lmdb::encode(record), decoded);
  INFO(status.message());
  REQUIRE(status.is_ok());
  CHECK(slob::core::to_json(decoded) == slob::core::to_json(record));
}

}  // namespace

TEST_CASE("lmdb codec: every record kind round-trips", "[lmdb][codec]") {
  const sdk::WriteBatch b = sample_batch();
  for (const auto& r : b.setups) check_round_trip(r);
  for (const auto& r : b.journal) check_round_trip(r);
  for (const auto& r : b.fills) check_round_trip(r);
  for (const auto& r : b.trades) check_round_trip(r);
  for (const auto& r : b.audit) check_round_trip(r);
  for (const auto& r : b.candles) check_round_trip(r);
  check_round_trip(*b.host_state);
  check_round_trip(*b.checkpoint);
  check_round_trip(sdk::HostState{});
  check_round_trip(sdk::StrategyCheckpoint{});
  sdk::HostState daily;  // host state v2: the daily risk counters
  daily.risk_day = "2026-01-06";
  daily.trades_today = 2;
  daily.realised_pnl_today = -412.5;
  check_round_trip(daily);
}

TEST_CASE("lmdb codec: the setup v1 layout is fixed", "[lmdb][codec]") {
  // A golden value: changing the layout must mean a new version, not a silent change.
  const sdk::SetupRecord s{"a", sdk::Direction::kLong, "W", true, "{}", sdk::Time{sdk::Duration{1}}};
  const std::string expected = std::string("S\x01", 2) + std::string("\x01\0\0\0a", 5) +
                               std::string("\0", 1) + std::string("\x01\0\0\0W", 5) +
                               std::string("\x01", 1) + std::string("\x02\0\0\0{}", 6) +
                               std::string("\x01\0\0\0\0\0\0\0", 8);
  CHECK(lmdb::encode(s) == expected);
}

TEST_CASE("lmdb codec: the audit event v2 layout is fixed, observer cursors round-trip", "[lmdb][codec]") {
  const sdk::AuditEvent e{7, sdk::Time{sdk::Duration{1}}, "a.b", sdk::Severity::kWarning, "s", "r",
                          {{"k", "v"}, {"x", ""}}};
  const std::string expected = std::string("E\x02", 2) + std::string("\x07\0\0\0\0\0\0\0", 8) +
                               std::string("\x01\0\0\0\0\0\0\0", 8) + std::string("\x03\0\0\0a.b", 7) +
                               std::string("\x02", 1) + std::string("\x01\0\0\0s", 5) +
                               std::string("\x01\0\0\0r", 5) + std::string("\x02\0\0\0", 4) +
                               std::string("\x01\0\0\0k\x01\0\0\0v", 10) +
                               std::string("\x01\0\0\0x\0\0\0\0", 9);
  CHECK(lmdb::encode(e) == expected);
  check_round_trip(e);

  const sdk::ObserverCursor c{"ops-webhook", 41, at("2026-01-06T15:00:02.5Z")};
  sdk::ObserverCursor decoded;
  REQUIRE(lmdb::decode(lmdb::encode(c), decoded).is_ok());
  CHECK(decoded.observer == c.observer);
  CHECK(decoded.delivered_through == 41);
  CHECK(decoded.updated == c.updated);
  CHECK(lmdb::encode(c).substr(0, 2) == std::string("O\x01", 2));
}

TEST_CASE("lmdb codec: damaged values are corruption", "[lmdb][codec]") {
  const sdk::WriteBatch b = sample_batch();
  const std::string good = lmdb::encode(b.journal.front());
  sdk::JournalEntry out;

  SECTION("every truncation") {
    for (std::size_t n = 0; n < good.size(); ++n) {
      const auto status = lmdb::decode(std::string_view(good).substr(0, n), out);
      INFO("length " << n);
      CHECK(status.code() == sdk::StatusCode::kCorruption);
    }
  }
  SECTION("trailing bytes") {
    const auto status = lmdb::decode(good + "x", out);
    CHECK(status.code() == sdk::StatusCode::kCorruption);
    CHECK_THAT(status.message(), Catch::Contains("trailing"));
  }
  SECTION("a value of another kind") {
    const auto status = lmdb::decode(lmdb::encode(b.fills.front()), out);
    CHECK(status.code() == sdk::StatusCode::kCorruption);
    CHECK_THAT(status.message(), Catch::Contains("record tag"));
  }
  SECTION("an unknown encoding version") {
    std::string v = good;
    v[1] = 2;
    const auto status = lmdb::decode(v, out);
    CHECK(status.code() == sdk::StatusCode::kCorruption);
    CHECK_THAT(status.message(), Catch::Contains("version 2"));
  }
  SECTION("an enum out of range") {
    sdk::SetupRecord s = b.setups.front();
    std::string v = lmdb::encode(s);
    const std::size_t direction_at = 2 + 4 + s.id.size();
    v[direction_at] = 7;
    sdk::SetupRecord decoded;
    CHECK(lmdb::decode(v, decoded).code() == sdk::StatusCode::kCorruption);
  }
  SECTION("an audit event: every truncation, a severity out of range, a huge field count") {
    const std::string event = lmdb::encode(b.audit.front());
    sdk::AuditEvent decoded;
    for (std::size_t n = 0; n < event.size(); ++n) {
      INFO("length " << n);
      CHECK(lmdb::decode(std::string_view(event).substr(0, n), decoded).code() == sdk::StatusCode::kCorruption);
    }
    const std::size_t severity_at = 2 + 8 + 8 + 4 + b.audit.front().type.size();
    std::string v = event;
    v[severity_at] = 4;
    CHECK(lmdb::decode(v, decoded).code() == sdk::StatusCode::kCorruption);
    sdk::AuditEvent no_fields = b.audit.front();
    no_fields.fields.clear();
    v = lmdb::encode(no_fields);
    v.replace(v.size() - 4, 4, std::string("\xff\xff\xff\xff", 4));
    CHECK(lmdb::decode(v, decoded).code() == sdk::StatusCode::kCorruption);
    v = event;
    v[1] = 3;
    CHECK_THAT(lmdb::decode(v, decoded).message(), Catch::Contains("version 3"));
  }
}

TEST_CASE("lmdb codec: key encodings sort numerically", "[lmdb][codec]") {
  CHECK(lmdb::sequence_key(1) < lmdb::sequence_key(2));
  CHECK(lmdb::sequence_key(255) < lmdb::sequence_key(256));
  CHECK(lmdb::time_key(at("1969-12-31T23:59:59Z")) < lmdb::time_key(at("1970-01-01T00:00:00Z")));
  CHECK(lmdb::time_key(at("2026-01-06T15:24:00Z")) < lmdb::time_key(at("2026-01-06T15:25:00Z")));
  CHECK(lmdb::time_key(sdk::Time::min()) < lmdb::time_key(sdk::Time{}));
  std::uint64_t seq = 0;
  REQUIRE(lmdb::decode_sequence_key(lmdb::sequence_key(0x0102030405060708ull), seq));
  CHECK(seq == 0x0102030405060708ull);
  CHECK_FALSE(lmdb::decode_sequence_key("short", seq));
}
