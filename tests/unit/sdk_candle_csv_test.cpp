// sdk::CandleCsvReader (sdk/include/slob/sdk/candle_csv.hpp): the values it reads, the rows it
// refuses and how it words them. Rows of the common form take a one-pass path, any other form
// the general one; both must read the same rows to the same values, so every value here is
// checked against an independent reading (parse_rfc3339 and std::from_chars per field).

#include <catch2/catch.hpp>
#include <charconv>
#include <cstdio>
#include <random>
#include <sstream>
#include <vector>

#include "slob/sdk/candle_csv.hpp"

namespace sdk = slob::sdk;

namespace {

// The reference reading of a well-formed row: split at commas, the library parsers per field.
sdk::Candle reference(const std::string& row) {
  std::vector<std::string> f;
  std::stringstream in(row);
  for (std::string field; std::getline(in, field, ',');) f.push_back(field);
  REQUIRE(f.size() == 6);
  double v[5];
  for (int i = 0; i < 5; ++i) {
    const auto r = std::from_chars(f[i + 1].data(), f[i + 1].data() + f[i + 1].size(), v[i]);
    REQUIRE(r.ec == std::errc());
  }
  return {*sdk::parse_rfc3339(f[0]), v[0], v[1], v[2], v[3], v[4]};
}

sdk::Candle parse_ok(const std::string& row) {
  sdk::Candle c;
  std::string why;
  const sdk::Status s = sdk::CandleCsvReader::parse_fields(row, c, why);
  INFO(row << ": " << why);
  REQUIRE(s.is_ok());
  return c;
}

std::string refused(const std::string& row) {
  sdk::Candle c;
  std::string why;
  const sdk::Status s = sdk::CandleCsvReader::parse_fields(row, c, why);
  INFO(row);
  REQUIRE_FALSE(s.is_ok());
  return why;
}

}  // namespace

TEST_CASE("sdk csv: rows of every accepted form read as the library parsers read them", "[sdk][csv]") {
  const char* rows[] = {
      "2026-01-06T15:25:00Z,25450.25,25452.00,25449.50,25451.75,312",  // the common form
      "2026-01-06T15:25:00Z,25450.25,25452,25449.5,25451.75,0",
      "1999-12-31T23:59:00Z,0.1,0.3,0.1,0.2,123456789012345",
      "2026-01-06t15:25:00z,1,2,1,1,1",                // lowercase separators
      "2026-01-06T15:25:00.000000Z,1,2,1,1,1",         // a zero fraction is a whole minute
      "2026-01-06T15:25:00Z,2.5e4,2.6e4,2.4e4,2.5e4,1",  // exponents
      "2026-01-06T15:25:00Z,1234567890.1234567,1234567890.1234568,1234567890.1234567,1234567890.1234567,1",
  };
  for (const char* row : rows) CHECK(parse_ok(row) == reference(row));
}

TEST_CASE("sdk csv: random rows of the common form read exactly", "[sdk][csv]") {
  std::mt19937_64 rng(20100104);
  std::uniform_int_distribution<long> ticks(0, 400'000);  // 0 .. 100,000 points in 0.25 steps
  std::uniform_int_distribution<long> minute(0, 60L * 24 * 365 * 30);
  std::uniform_int_distribution<int> decimals(0, 6);
  for (int i = 0; i < 20'000; ++i) {
    const long low = ticks(rng), span = ticks(rng) % 400;
    const sdk::Time t = sdk::Time{} + std::chrono::minutes(minute(rng));
    // Prices written with 0 to 6 decimals (not only ticks): every rounding of the quotient counts.
    auto price = [&](long q) {
      char buf[40];
      const int dec = decimals(rng);
      std::snprintf(buf, sizeof buf, "%.*f", dec, static_cast<double>(q) / 4 + (dec > 2 ? 0.001 * (q % 7) : 0));
      return std::string(buf);
    };
    const std::string row = sdk::format_rfc3339(t) + "," + price(low + span / 2) + "," + price(low + span) + "," +
                            price(low) + "," + price(low + span / 3) + "," + std::to_string(ticks(rng));
    const sdk::Candle expected = reference(row);
    sdk::Candle c;
    std::string why;
    const sdk::Status s = sdk::CandleCsvReader::parse_fields(row, c, why);
    if (!s.is_ok()) {  // the rounding of the added thousandths may break low <= open <= high
      CHECK(why == "inconsistent bar: need low <= open, close <= high and volume >= 0");
      continue;
    }
    if (!(c == expected)) FAIL_CHECK(row);
  }
}

TEST_CASE("sdk csv: malformed rows are refused with the reason", "[sdk][csv]") {
  CHECK(refused("2026-01-06T15:25:00Z,1,2,1,1") == "expected 6 fields, got 5");
  CHECK(refused("2026-01-06T15:25:00Z,1,2,1,1,1,1") == "too many fields (expected 6)");
  CHECK(refused("2026-01-06T15:25:30Z,1,2,1,1,1") == "time is not at a whole minute: \"2026-01-06T15:25:30Z\"");
  CHECK(refused("2026-13-06T15:25:00Z,1,2,1,1,1") == "time is not RFC 3339 UTC: \"2026-13-06T15:25:00Z\"");
  CHECK(refused("2026-01-06 15:25:00Z,1,2,1,1,1") == "time is not RFC 3339 UTC: \"2026-01-06 15:25:00Z\"");
  CHECK(refused("2026-01-06T15:25:00Z,1,2,1,25x,1") == "close is not a number: \"25x\"");
  CHECK(refused("2026-01-06T15:25:00Z,,2,1,1,1") == "open is not a number: \"\"");
  CHECK(refused("2026-01-06T15:25:00Z,1,2,1,1,inf") == "volume is not a number: \"inf\"");
  CHECK(refused("2026-01-06T15:25:00Z,1,2,1,3,1") == "inconsistent bar: need low <= open, close <= high and volume >= 0");
  CHECK(refused("2026-01-06T15:25:00Z,1,2,1,1,-1") == "inconsistent bar: need low <= open, close <= high and volume >= 0");
  // A hostile 2 MB field is shown cut, so the error stays one short line.
  CHECK(refused("2026-01-06T15:25:00Z," + std::string(2 << 20, '7') + "x,2,1,1,1") ==
        "open is not a number: \"" + std::string(40, '7') + "...\" (2097153 bytes)");
  CHECK(refused(std::string(100, 'T') + ",1,2,1,1,1") ==
        "time is not RFC 3339 UTC: \"" + std::string(40, 'T') + "...\" (100 bytes)");
}

TEST_CASE("sdk csv: the reader checks the header, the order of rows and names the line", "[sdk][csv]") {
  auto read_all = [](const std::string& text, std::vector<sdk::Candle>& out) {
    std::istringstream in(text);
    sdk::CandleCsvReader reader(in, "bars.csv");
    sdk::Candle c;
    for (;;) {
      auto more = reader.next(c);
      if (!more.is_ok()) return more.status().message();
      if (!more.value()) return std::string("end");
      out.push_back(c);
    }
  };
  std::vector<sdk::Candle> got;
  CHECK(read_all("time,open,high,low,close,volume\r\n2026-01-06T15:25:00Z,1,2,1,1,1\r\n\n"
                 "2026-01-06T15:26:00Z,1,2,1,1,1",
                 got) == "end");
  CHECK(got.size() == 2);
  got.clear();
  CHECK(read_all("", got) == "bars.csv:0: empty file, expected header");
  CHECK(read_all("time,open\n", got) == "bars.csv:1: expected header \"time,open,high,low,close,volume\"");
  CHECK(read_all("time,open,high,low,close,volume\n2026-01-06T15:26:00Z,1,2,1,1,1\n2026-01-06T15:25:00Z,1,2,1,1,1\n", got) ==
        "bars.csv:3: time 2026-01-06T15:25:00Z is not after the previous row's 2026-01-06T15:26:00Z");
}
