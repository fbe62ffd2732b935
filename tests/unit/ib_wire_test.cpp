// Framing and field encoding of the TWS API (ib-api.md §2).
#include <catch2/catch.hpp>

#include <limits>
#include <string>

#include "wire.hpp"

using namespace slob::plugins::ib;

namespace {
std::string be32(std::uint32_t n) {
  std::string s(4, '\0');
  s[0] = static_cast<char>(n >> 24);
  s[1] = static_cast<char>(n >> 16);
  s[2] = static_cast<char>(n >> 8);
  s[3] = static_cast<char>(n);
  return s;
}
}  // namespace

TEST_CASE("handshake prefix is API NUL plus the framed version range without NUL", "[ib][wire]") {
  const std::string expected = std::string("API\0", 4) + be32(9) + "v100..176";
  CHECK(encode_handshake_prefix() == expected);
}

TEST_CASE("frame prefixes the payload length big-endian", "[ib][wire]") {
  const std::string payload("71\0" "2\0" "7\0" "\0", 8);
  CHECK(frame(payload) == be32(8) + payload);
}

TEST_CASE("field writer terminates every field and writes unset as empty", "[ib][wire]") {
  FieldWriter w;
  w.add(49).add(std::int64_t{-1}).add_double(21000.25).add_double(std::optional<double>{}).add_bool(true).add("x");
  CHECK(w.payload() == std::string("49\0-1\0" "21000.25\0\0" "1\0x\0", 20));
  CHECK(w.field_count() == 6);
  CHECK(w.ascii_ok());
  FieldWriter bad;
  bad.add("caf\xc3\xa9");
  CHECK_FALSE(bad.ascii_ok());
}

TEST_CASE("format_double gives shortest round-trip text", "[ib][wire]") {
  CHECK(format_double(0.0) == "0");
  CHECK(format_double(21000.25) == "21000.25");
  CHECK(format_double(0.1) == "0.1");
  CHECK(format_double(std::numeric_limits<double>::infinity()) == "Infinity");
}

TEST_CASE("frame reader reassembles frames split at any byte", "[ib][wire]") {
  const std::string stream = frame(std::string("9\0" "1\0" "42\0", 8)) + frame(std::string("49\0" "1\0" "5\0", 7));
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    FrameReader r;
    r.append(std::string_view(stream).substr(0, cut));
    std::vector<std::string> got;
    for (;;) {
      auto n = r.next();
      REQUIRE(n.is_ok());
      if (!*n) break;
      got.push_back(**n);
    }
    r.append(std::string_view(stream).substr(cut));
    for (;;) {
      auto n = r.next();
      REQUIRE(n.is_ok());
      if (!*n) break;
      got.push_back(**n);
    }
    REQUIRE(got.size() == 2);
    CHECK(got[0] == std::string("9\0" "1\0" "42\0", 8));
    CHECK(got[1] == std::string("49\0" "1\0" "5\0", 7));
    CHECK(r.buffered() == 0);
  }
}

TEST_CASE("frame reader refuses a frame over the protocol limit", "[ib][wire]") {
  FrameReader r;
  r.append(be32(static_cast<std::uint32_t>(kMaxFrameLength + 1)));
  auto n = r.next();
  REQUIRE_FALSE(n.is_ok());
  CHECK(n.status().code() == slob::sdk::StatusCode::kCorruption);
  CHECK_THAT(n.status().message(), Catch::Contains("exceeds"));

  FrameReader ok;
  ok.append(be32(static_cast<std::uint32_t>(kMaxFrameLength)));
  auto m = ok.next();
  REQUIRE(m.is_ok());
  CHECK_FALSE(m->has_value());  // at the limit: waits for the bytes
}

TEST_CASE("split_fields needs a NUL-terminated payload", "[ib][wire]") {
  const std::string payload("1\0\0" "abc\0", 7);  // views point into it
  auto f = split_fields(payload);
  REQUIRE(f.is_ok());
  REQUIRE(f->size() == 3);
  CHECK((*f)[1].empty());
  CHECK((*f)[2] == "abc");
  CHECK_FALSE(split_fields(std::string("1\0abc", 5)).is_ok());
  CHECK_FALSE(split_fields("").is_ok());
}

TEST_CASE("numeric fields decode unset sentinels in every spelling", "[ib][wire]") {
  bool valid = false;
  CHECK_FALSE(parse_int_field("", valid).has_value());
  CHECK(valid);
  CHECK_FALSE(parse_int_field("2147483647", valid).has_value());
  CHECK(valid);
  CHECK_FALSE(parse_int_field("9223372036854775807", valid).has_value());
  CHECK(valid);
  CHECK(parse_int_field("-1", valid) == -1);
  CHECK_FALSE(parse_int_field("12a", valid).has_value());
  CHECK_FALSE(valid);
  CHECK_FALSE(parse_int_field("99999999999999999999", valid).has_value());
  CHECK_FALSE(valid);

  CHECK_FALSE(parse_double_field("1.7976931348623157E308", valid).has_value());
  CHECK(valid);
  CHECK_FALSE(parse_double_field("1.7976931348623157e+308", valid).has_value());
  CHECK(valid);
  CHECK_FALSE(parse_double_field("", valid).has_value());
  CHECK(parse_double_field("Infinity", valid) == std::numeric_limits<double>::infinity());
  CHECK(parse_double_field("21000.25", valid) == 21000.25);
  CHECK(parse_double_field("0.0", valid) == 0.0);
  CHECK_FALSE(parse_double_field("1,5", valid).has_value());
  CHECK_FALSE(valid);
  CHECK_FALSE(parse_double_field("nan", valid).has_value());
  CHECK_FALSE(valid);
}

TEST_CASE("field reader errors name the message, the field and the text", "[ib][wire]") {
  FieldReader r("orderStatus", {"3", "x7", "Filled"}, 1);
  CHECK_FALSE(r.opt_int().has_value());
  CHECK_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::Contains("orderStatus") && Catch::Contains("field 1") &&
                                       Catch::Contains("x7"));
  // Sticky: later reads do not overwrite the first error.
  r.str();
  r.str();
  CHECK_THAT(r.status().message(), Catch::Contains("field 1"));

  FieldReader t("nextValidId", {"9", "1"}, 1);
  t.skip(1);
  t.opt_int();
  CHECK_THAT(t.status().message(), Catch::Contains("truncated"));

  FieldReader c("historicalData", {"17", "5", "3"}, 1);
  c.skip(1);
  CHECK(c.count(8) == 0);
  CHECK_THAT(c.status().message(), Catch::Contains("count 3"));
}

TEST_CASE("booleans accept empty as false and reject garbage", "[ib][wire]") {
  FieldReader r("x", {"", "0", "1", "yes"});
  CHECK_FALSE(r.boolean());
  CHECK_FALSE(r.boolean());
  CHECK(r.boolean());
  CHECK(r.ok());
  r.boolean();
  CHECK_FALSE(r.ok());
}
