// The slob plugin's JsonWriter (plugins/slob/json_writer.hpp): numbers must be exactly
// std::to_chars's shortest text, whichever path writes them, so that setup reports and the
// exported state read back as the same doubles and do not change with the writer.

#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "json_writer.hpp"

using slob::plugins::slob::JsonWriter;

namespace {

std::string written(double v) {
  JsonWriter w;
  w.num("v", v);
  const std::string text = w.finish();
  return text.substr(5, text.size() - 6);  // {"v":...}
}

std::string shortest(double v) {
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

}  // namespace

TEST_CASE("slob json writer: every quarter below 100,000 is written as to_chars writes it", "[slob][json]") {
  int mismatches = 0;
  for (std::int64_t q = -400'004; q <= 400'004; ++q) {
    const double v = static_cast<double>(q) / 4;
    if (written(v) != shortest(v) && ++mismatches < 5) FAIL_CHECK(shortest(v) << " written as " << written(v));
  }
  CHECK(mismatches == 0);
}

TEST_CASE("slob json writer: other numbers go through to_chars, non-finite ones are null", "[slob][json]") {
  for (double v : {0.0, -0.0, 0.1, 1e5, 1e6, -1e5, 100000.25, 5.228070175438597, 1e-7, 123456789.5,
                   std::numeric_limits<double>::max(), std::numeric_limits<double>::denorm_min()})
    CHECK(written(v) == shortest(v));
  CHECK(written(std::numeric_limits<double>::infinity()) == "null");
  CHECK(written(std::nan("")) == "null");
  CHECK(written(25601.0) == "25601");
  CHECK(written(-0.75) == "-0.75");
}

TEST_CASE("slob json writer: times read as format_rfc3339 writes them, across days in one writer", "[slob][json]") {
  const char* times[] = {"2026-01-06T15:25:00Z", "2026-01-06T23:59:59Z", "2026-01-07T00:00:00Z",
                         "2026-01-06T00:00:01Z", "1970-01-01T00:00:00Z", "2026-01-06T15:25:00.5Z"};
  JsonWriter w;
  std::string expected = "{";
  for (const char* t : times) {
    w.time("t", *slob::sdk::parse_rfc3339(t));
    if (expected.size() > 1) expected += ',';
    expected += "\"t\":\"" + slob::sdk::format_rfc3339(*slob::sdk::parse_rfc3339(t)) + "\"";
  }
  CHECK(w.finish() == expected + "}");
}
