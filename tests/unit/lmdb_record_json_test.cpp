// core/src/record_json: stable field names for every record and JSON-lines export from a real
// lmdb store.

#include <catch2/catch.hpp>
#include <sstream>

#include "lmdb_store.hpp"
#include "lmdb_test_support.hpp"
#include "control/record_json.hpp"
#include "test_host_services.hpp"

namespace lmdb = slob::plugins::lmdb;
namespace sdk = slob::sdk;
using nlohmann::json;
using slob::core::export_records;
using slob::core::to_json;
using slob::test::TestHostServices;
using slob::test::lmdb::sample_batch;
using slob::test::lmdb::store_table;
using slob::test::lmdb::TempDir;

namespace {

std::vector<std::string> keys(const json& j) {
  std::vector<std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) out.push_back(it.key());
  return out;
}

using Keys = std::vector<std::string>;

}  // namespace

TEST_CASE("record_json: field names and values of every record", "[lmdb][json]") {
  const sdk::WriteBatch b = sample_batch();

  const json setup = to_json(b.setups[0]);
  CHECK(keys(setup) == Keys{"direction", "id", "live", "report", "state", "updated"});
  CHECK(setup["direction"] == "LONG");
  CHECK(setup["report"]["liq1"] == 21000.25);  // an object, not a string
  CHECK(setup["updated"] == "2026-01-06T15:25:00Z");
  CHECK(to_json(b.setups[1])["updated"] == "2026-01-05T15:25:00.500000Z");

  const json order = to_json(b.journal[0]);
  CHECK(keys(order) == Keys{"broker_order_id", "client_ref", "created", "filled", "leg", "note",
                            "perm_id", "price", "quantity", "setup_id", "side", "state", "symbol",
                            "type", "updated"});
  CHECK(order["leg"] == "entry");
  CHECK(order["side"] == "SELL");
  CHECK(order["type"] == "LMT");
  CHECK(order["state"] == "working");
  CHECK(order["perm_id"] == 987654321);
  CHECK(to_json(b.journal[1])["leg"] == "sl");
  CHECK(to_json(b.journal[1])["type"] == "STP");

  const json fill = to_json(b.fills[0]);
  CHECK(keys(fill) == Keys{"broker_order_id", "client_ref", "commission", "exec_id", "price",
                           "quantity", "side", "symbol", "time"});
  CHECK(fill["commission"] == 2.25);

  const json open = to_json(b.trades[0]);
  CHECK(keys(open) == Keys{"commission", "direction", "entry_price", "entry_time", "exit_price",
                           "exit_reason", "exit_time", "id", "open", "pnl", "quantity", "symbol"});
  CHECK(open["exit_price"].is_null());
  CHECK(open["exit_time"].is_null());
  CHECK(open["open"] == true);
  const json closed = to_json(b.trades[1]);
  CHECK(closed["exit_price"] == 20950.5);
  CHECK(closed["exit_time"] == "2026-01-05T16:00:00Z");
  CHECK(closed["open"] == false);

  const json event = to_json(b.audit[0]);
  CHECK(keys(event) == Keys{"fields", "reason", "sequence", "severity", "subject", "time", "type"});
  CHECK(event["type"] == "lifecycle.changed");
  CHECK(event["severity"] == "info");
  CHECK(event["fields"] == json{{"from", "Starting"}, {"to", "Recovering"}});
  CHECK(to_json(b.audit[1])["severity"] == "notice");
  CHECK(to_json(b.audit[1])["fields"] == json::object());  // none: {}, never null
  CHECK(keys(to_json(b.candles[0])) == Keys{"close", "high", "low", "open", "start", "volume"});
  const json host = to_json(*b.host_state);
  CHECK(keys(host) == Keys{"halt_reason", "halted", "halted_until", "order_id_high_water",
                           "realised_pnl_today", "risk_day", "safe_mode", "safe_mode_reason",
                           "safe_mode_since", "trades_today"});
  CHECK(to_json(sdk::HostState{})["safe_mode_since"].is_null());
  CHECK(keys(to_json(*b.checkpoint)) == Keys{"last_candle", "plugin", "state"});
}

TEST_CASE("record_json: a report that is not JSON is kept raw", "[lmdb][json]") {
  sdk::SetupRecord s = sample_batch().setups[0];
  s.report = "{not json";
  const json j = to_json(s);
  CHECK(j["report"].is_null());
  CHECK(j["report_raw"] == "{not json");
}

TEST_CASE("record_json: export_records writes JSON lines from a real store", "[lmdb][json]") {
  TempDir dir;
  TestHostServices host;
  auto store = lmdb::create_store(host, store_table(dir.sub("state")));
  REQUIRE(store.is_ok());
  REQUIRE((*store)->commit(sample_batch()).is_ok());

  auto lines_of = [&](sdk::RecordKind kind) {
    std::ostringstream out;
    const auto status = export_records(**store, kind, out);
    INFO(status.message());
    REQUIRE(status.is_ok());
    std::vector<json> lines;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
    return lines;
  };
  const auto setups = lines_of(sdk::RecordKind::kSetups);
  REQUIRE(setups.size() == 2);
  CHECK(setups[0]["id"] == "s-0");
  CHECK(lines_of(sdk::RecordKind::kOrders).size() == 2);
  CHECK(lines_of(sdk::RecordKind::kFills).size() == 1);
  CHECK(lines_of(sdk::RecordKind::kTrades).size() == 2);
  const auto events = lines_of(sdk::RecordKind::kEvents);
  REQUIRE(events.size() == 2);
  CHECK(events[1]["sequence"] == 2);
  const auto candles = lines_of(sdk::RecordKind::kCandles);
  REQUIRE(candles.size() == 2);
  CHECK(candles[0]["start"] == "2026-01-06T15:24:00Z");

  std::ostringstream broken;
  broken.setstate(std::ios::badbit);
  CHECK(export_records(**store, sdk::RecordKind::kSetups, broken).code() == sdk::StatusCode::kIoError);
}

TEST_CASE("record_json: a string that is not UTF-8 stops export_records with kCorruption naming the record",
          "[lmdb][json]") {
  TempDir dir;
  TestHostServices host;
  auto store = lmdb::create_store(host, store_table(dir.sub("state")));
  REQUIRE(store.is_ok());
  sdk::WriteBatch batch = sample_batch();
  batch.setups[0].state = "WAITING\xff";  // s-1, the second in key order
  batch.trades[0].exit_reason = "\xc3";   // a lead byte without its continuation
  REQUIRE((*store)->commit(batch).is_ok());

  std::ostringstream out;
  const auto setups = export_records(**store, sdk::RecordKind::kSetups, out);
  CHECK(setups.code() == sdk::StatusCode::kCorruption);
  CHECK_THAT(setups.message(), Catch::StartsWith("export setups: record 2 (id \"s-1\") holds a string "
                                                 "that is not UTF-8"));
  CHECK(out.str() == to_json(batch.setups[1]).dump() + "\n");  // s-0 before it, whole
  std::ostringstream trades;
  const auto status = export_records(**store, sdk::RecordKind::kTrades, trades);
  CHECK(status.code() == sdk::StatusCode::kCorruption);
  CHECK(status.message().find("export trades: record ") == 0);
}
