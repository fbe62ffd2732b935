// sdk::ConfigReader (sdk/include/slob/sdk/config.hpp) on hand-built tables: the getters the host's
// own sections need (positive durations, choices, checked string arrays, sub-tables), where each
// error points, and how numbers are worded.

#include <catch2/catch.hpp>

#include "slob/sdk/config.hpp"

namespace sdk = slob::sdk;

namespace {

// A value written at line `line`: its key at column 1, the value at column 10.
sdk::ConfigValue at(int line, decltype(sdk::ConfigValue::value) v) {
  return {std::move(v), {"F", line, 10}, {"F", line, 1}};
}

std::string errors(sdk::ConfigReader& r) {
  auto s = r.finish();
  return s ? std::string() : s.message();
}

}  // namespace

TEST_CASE("a positive duration refuses zero and bad units in the host's wording", "[sdk][config]") {
  sdk::ConfigTable t{"host", {"F", 1, 1},
                     {{"a", at(2, std::string("0s"))}, {"b", at(3, std::string("5 min"))},
                      {"c", at(4, std::string("250ms"))}}};
  sdk::ConfigReader r(t);
  CHECK(r.get_positive_duration("a", std::chrono::seconds(7)) == std::chrono::seconds(7));
  CHECK(r.get_positive_duration("b", std::chrono::seconds(7)) == std::chrono::seconds(7));
  CHECK(r.get_positive_duration("c", std::chrono::seconds(7)) == std::chrono::milliseconds(250));
  CHECK(r.get_positive_duration("absent", std::chrono::seconds(7)) == std::chrono::seconds(7));
  CHECK(errors(r) == "F:2:10: [host] a must be greater than zero\n"
                     "F:3:10: [host] b: bad duration \"5 min\" (use units h, m, s, ms, e.g. \"30s\")");
}

TEST_CASE("a choice is one of the allowed strings", "[sdk][config]") {
  sdk::ConfigTable t{"host", {"F", 1, 1},
                     {{"good", at(2, std::string("flatten"))}, {"bad", at(3, std::string("close"))},
                      {"typed", at(4, std::int64_t{1})}}};
  sdk::ConfigReader r(t);
  const std::vector<std::string> allowed = {"leave", "flatten"};
  CHECK(r.get_choice("good", "leave", allowed) == "flatten");
  CHECK(r.get_choice("bad", "leave", allowed) == "leave");
  CHECK(r.get_choice("typed", "leave", allowed) == "leave");
  CHECK(errors(r) == "F:3:10: [host] bad must be one of leave, flatten, got \"close\"\n"
                     "F:4:10: [host] typed must be a string");
}

TEST_CASE("a string array: each element checked and refused at its own position", "[sdk][config]") {
  auto element = [](int column, const char* s) {
    return sdk::ConfigValue{std::string(s), {"F", 2, column}, {}};
  };
  sdk::ConfigTable t{"maintenance", {"F", 1, 1},
                     {{"windows", at(2, sdk::ConfigArray{element(12, "ok"), element(18, "bad")})},
                      {"dirs", at(3, sdk::ConfigArray{{std::string(""), {"F", 3, 9}, {}}})},
                      {"empty", at(4, sdk::ConfigArray{})}}};
  sdk::ConfigReader r(t);
  auto check = [](const std::string& s) {
    return s == "ok" ? sdk::Status::ok() : sdk::Status::invalid_argument("not ok: " + s);
  };
  CHECK_FALSE(r.find_strings("windows", check).has_value());
  CHECK_FALSE(r.find_strings("dirs", {}, /*non_empty=*/true).has_value());
  CHECK(r.find_strings("empty") == std::vector<std::string>{});
  CHECK_FALSE(r.find_strings("absent").has_value());
  CHECK(r.get_strings("absent", {"x"}) == std::vector<std::string>{"x"});
  CHECK(errors(r) == "F:2:18: [maintenance] windows: not ok: bad\n"
                     "F:3:9: [maintenance] dirs must be an array of non-empty strings");
}

TEST_CASE("sub-tables, unsupported values and where an unknown key is reported", "[sdk][config]") {
  auto sub = std::make_shared<sdk::ConfigTable>();
  sub->section = "broker.config";
  sdk::ConfigValue no_key_position{std::int64_t{1}, {"F", 6, 8}, {}};
  sdk::ConfigTable t{"broker", {"F", 1, 1},
                     {{"config", at(2, sdk::ConfigTablePtr(sub))},
                      {"plugin", at(3, std::string("ib"))},
                      {"when", at(4, sdk::ConfigUnsupported{})},
                      {"typo", at(5, true)},
                      {"other", no_key_position}}};
  sdk::ConfigReader r(t);
  CHECK(r.get_table("config") == sub.get());
  CHECK(r.get_table("plugin") == nullptr);
  CHECK(r.get_string("when", "x") == "x");
  CHECK(r.has("typo"));
  CHECK_FALSE(r.has("absent"));
  CHECK(errors(r) == "F:3:10: [broker] plugin must be a table\n"
                     "F:4:10: [broker] when must be a string\n"
                     "F:6:8: [broker] unknown key \"other\"\n"
                     "F:5:1: [broker] unknown key \"typo\"");
}

TEST_CASE("numbers in range messages read as written, however small or large", "[sdk][config]") {
  sdk::ConfigTable t{"risk", {"F", 1, 1},
                     {{"tiny", at(2, 1e-7)}, {"half", at(3, 1.5)}, {"huge", at(4, 2e12)}}};
  sdk::ConfigReader r(t);
  r.get_double("tiny", 20.0, 0.0001, 1e6);
  r.get_double("half", 0.01, 0.0, 1.0);
  r.get_double("huge", 1.0, 0.0, 1e12);
  CHECK(errors(r) == "F:2:10: [risk] tiny must be between 0.0001 and 1e+06, got 1e-07\n"
                     "F:3:10: [risk] half must be between 0 and 1, got 1.5\n"
                     "F:4:10: [risk] huge must be between 0 and 1e+12, got 2e+12");
}
