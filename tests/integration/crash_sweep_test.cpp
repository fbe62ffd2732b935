// kill -9 once at every crash point the daemon defines (core/src/runtime/crash_points.hpp), at several
// occurrences of each, in the main job — the sim broker replaying the bundled sample
// (tools/data/nq-sample.csv, 7 trades), the lmdb store at sync "full", the slob strategy — then
// one clean restart to the end of the data. Every export must equal the uninterrupted run's:
//
// - trades, fills and setups exactly;
// - orders without the fields that record when the daemon wrote them (created, updated, note);
// - events without their sequence numbers and without the ones a restart itself causes
//   (daemon started and stopped, lifecycle transitions, reconciliation findings): every order, risk and halt event, with its
//   market time, in the same order.
//
// The default cases take occurrences 1, 2, 4 and 7 of each point (every point is reached at
// least 7 times in this job); the "[.slow]" cases take every occurrence until a run no longer
// reaches the point (README: how to run them). The chained kills of resilience_test.cpp restart
// armed again; these restart clean, as an operator's restart after a crash does.

#include <catch2/catch.hpp>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/crash_points.hpp"
#include "process.hpp"
#include "resilience_support.hpp"

using namespace std::chrono_literals;
using namespace slob::test::resilience;

namespace {

const std::string kSample = std::string(SLOB_SOURCE_DIR) + "/tools/data/nq-sample.csv";
const std::vector<std::string> kKinds = {"trades", "orders", "fills", "setups", "events"};

std::string main_job() {
  return "[broker]\nplugin = \"sim\"\n[broker.config]\ndata = \"" + kSample +
         "\"\n[strategy]\nplugin = \"slob\"\n";
}

// An export as the comparison sees it (the file comment says what is left out, and why).
std::string comparable(const std::string& kind, const std::string& jsonl) {
  std::string out;
  for (const auto& l : lines(jsonl)) {
    auto record = nlohmann::json::parse(l);
    if (kind == "orders") {
      for (const char* field : {"created", "updated", "note"}) record.erase(field);
    } else if (kind == "events") {
      const std::string type = record.at("type");
      if (type == "lifecycle.changed" || type == "reconcile.finding" || type.rfind("daemon.", 0) == 0)
        continue;
      record.erase("sequence");
    }
    out += record.dump() + "\n";
  }
  return out;
}

std::map<std::string, std::string> comparable_exports(const Daemon& d) {
  std::map<std::string, std::string> out;
  for (const auto& kind : kKinds) out[kind] = comparable(kind, d.export_kind(kind));
  return out;
}

// The uninterrupted run, once per test process.
const std::map<std::string, std::string>& uninterrupted() {
  static const std::map<std::string, std::string> exports = [] {
    Daemon d(main_job());
    auto p = d.start();
    const auto code = p->wait_for_exit(300s);
    INFO(p->err());
    REQUIRE(code);
    REQUIRE(*code == 0);
    return comparable_exports(d);
  }();
  return exports;
}

// Kills a fresh main job at the nth arrival at `point`, restarts it clean and compares. False
// when the run ended without reaching the point that often.
bool crash_once_and_compare(const std::string& point, int n) {
  const auto& expected = uninterrupted();
  Daemon d(main_job());
  const std::string armed = point + ":" + std::to_string(n);
  auto crashed = d.start(armed);
  auto code = crashed->wait_for_exit(300s);
  INFO("SLOB_CRASH_AT=" << armed << "\n" << crashed->err());
  REQUIRE(code);
  if (*code == 0) return false;
  REQUIRE(*code == kKilled);
  REQUIRE(crashed->err().find("SLOB_CRASH_POINT: " + point + " reached (" + std::to_string(n) + ")") !=
          std::string::npos);

  auto restarted = d.start();
  code = restarted->wait_for_exit(300s);
  INFO("restart\n" << restarted->err());
  REQUIRE(code);
  REQUIRE(*code == 0);
  const auto got = comparable_exports(d);
  for (const auto& kind : kKinds) {
    INFO("export " << kind);
    CHECK(got.at(kind) == expected.at(kind));
  }
  // Nothing sent twice or refused, no disagreement with the broker, no bar thrown away.
  const std::string logs = d.logs();
  for (const char* never : {"SLOB_SIM_ORDER_REJECTED", "SLOB_ORDER_REFUSED", "SLOB_RECONCILE_MISMATCH",
                            "SLOB_SAFE_MODE_ENTERED", "SLOB_CANDLE_INPUT_DROPPED"}) {
    INFO(never);
    CHECK(count(logs, never) == 0);
  }
  return true;
}

}  // namespace

// The cases below name every point; this keeps them honest when a point is added.
TEST_CASE("the crash sweep covers every crash point the daemon defines", "[resilience][sweep]") {
  const std::vector<std::string> swept = {"before-journal",     "after-journal",    "after-send",
                                          "before-ack-record",  "after-ack",        "before-fill-record",
                                          "after-fill-record"};
  // after-alert is on the observers' path, not the order path: the observer tests
  // (observer_host_test.cpp) kill the daemon there.
  const std::vector<std::string> elsewhere = {"after-alert"};
  std::vector<std::string> defined;
  for (const auto name : slob::core::crash_point_names()) defined.emplace_back(name);
  std::vector<std::string> all = swept;
  all.insert(all.end(), elsewhere.begin(), elsewhere.end());
  CHECK(defined == all);
}

#define SLOB_CRASH_SWEEP(point)                                                                      \
  TEST_CASE("kill -9 once at " point " (occurrences 1 2 4 7 of the main job): every export equals "  \
            "the uninterrupted run's",                                                               \
            "[resilience][sim][sweep]") {                                                            \
    for (int n : {1, 2, 4, 7}) {                                                                     \
      INFO("occurrence " << n);                                                                      \
      CHECK(crash_once_and_compare(point, n));                                                       \
    }                                                                                                \
  }                                                                                                  \
  TEST_CASE("kill -9 once at " point " (every occurrence in the main job): every export equals the "      \
            "uninterrupted run's",                                                                   \
            "[.slow][resilience][sim][sweep]") {                                                     \
    int n = 1;                                                                                       \
    while (crash_once_and_compare(point, n)) ++n;                                                    \
    CHECK(n > 7);                                                                                    \
  }

SLOB_CRASH_SWEEP("before-journal")
SLOB_CRASH_SWEEP("after-journal")
SLOB_CRASH_SWEEP("after-send")
SLOB_CRASH_SWEEP("before-ack-record")
SLOB_CRASH_SWEEP("after-ack")
SLOB_CRASH_SWEEP("before-fill-record")
SLOB_CRASH_SWEEP("after-fill-record")
