// The scan command's engine (core/src/strategy_scan) over the slob strategy.

#include <sstream>

#include "slob_test_helpers.hpp"
#include "trading/strategy_scan.hpp"

using namespace slob::test;
using slob::plugins::slob::SlobStrategy;

namespace {

std::string scan(const std::string& csv_text, slob::sdk::Status* status = nullptr) {
  RecordingLogger logger;
  SlobStrategy s(config(), logger);
  std::istringstream in(csv_text);
  std::ostringstream out;
  const auto st = slob::core::run_strategy_scan(s, in, "day.csv", out);
  if (status) *status = st;
  else REQUIRE(st.is_ok());
  return out.str();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string to_csv(const std::vector<Candle>& candles) {
  std::string out = "time,open,high,low,close,volume\n";
  char buf[160];
  for (const Candle& c : candles) {
    std::snprintf(buf, sizeof buf, "%s,%.2f,%.2f,%.2f,%.2f,%.0f\n",
                  slob::sdk::format_rfc3339(c.start).c_str(), c.open, c.high, c.low, c.close,
                  c.volume);
    out += buf;
  }
  return out;
}

std::vector<Json> lines(const std::string& text) {
  std::vector<Json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(Json::parse(line));
  return out;
}

}  // namespace

TEST_CASE("scan: the worked example prints each finished setup as one JSON line") {
  const auto out = lines(scan(read_file(kWorkedExample)));
  REQUIRE(out.size() == 3);
  const Json& s = out[0];
  CHECK(s["direction"] == "SHORT");
  CHECK(s["state"] == "SETUP_COMPLETE");
  CHECK(s["reason"].is_null());
  CHECK(s["liq1_time"] == "2026-01-06T14:30:00Z");
  CHECK(s["liq2_time"] == "2026-01-06T15:26:00Z");
  CHECK(s["nowick_time"] == "2026-01-06T15:25:00Z");
  CHECK(s["entry_time"] == "2026-01-06T15:31:00Z");
  CHECK(s["entry"] == 25572.0);
  CHECK(s["stop"] == 25593.0);
  CHECK(s["target"] == 25379.0);
  CHECK(s["rr"].get<double>() == Approx(193.0 / 21.0));
  CHECK(out[1]["reason"] == "consolidation_range_invalid");
  CHECK(out[2]["reason"] == "consolidation_timeout");
}

TEST_CASE("scan: the same input twice gives byte-identical output") {
  const std::string a = scan(read_file(kWorkedExample));
  const std::string b = scan(read_file(kWorkedExample));
  CHECK(!a.empty());
  CHECK(a == b);
  // And the scan's lines are exactly the reports a direct run finishes with.
  const Run direct = run_day(worked_example());
  std::string expected;
  for (const auto& u : direct.updates)
    if (u.finished()) expected += u.record.report + "\n";
  CHECK(a == expected);
}

TEST_CASE("scan: missing rows become holes like on the live path") {
  // Three missing minutes: the live path reports the third hole, and the gap is certain then.
  auto day = worked_example();
  for (const char* m : {"16:20", "16:21", "16:22"}) erase(day, jan6(m));
  const auto out = lines(scan(to_csv(day)));
  REQUIRE(!out.empty());
  CHECK(out[0]["reason"] == "gap_detected");
  CHECK(out[0]["end_time"] == slob::sdk::format_rfc3339(jan6("16:22")));
}

TEST_CASE("scan: a bad row fails with the file and line") {
  slob::sdk::Status st;
  const std::string out =
      scan("time,open,high,low,close,volume\n2026-01-06T14:30:00Z,1,2,0.5,1.5,3\n"
           "2026-01-06T14:31:00Z,1,2x,0.5,1.5,3\n",
           &st);
  CHECK(st.code() == slob::sdk::StatusCode::kInvalidArgument);
  CHECK(st.message() == "day.csv:3: high is not a number: \"2x\"");
  CHECK(out.empty());
  scan("time,open\n", &st);
  CHECK_THAT(st.message(), Catch::StartsWith("day.csv:1: expected header"));
}
