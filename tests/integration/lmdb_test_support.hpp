#pragma once

// Helpers shared by the lmdb unit and integration tests: file checksums (a refused store must stay byte-for-byte identical), config
// tables, and a sample batch with every record kind.

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "slob/sdk/config.hpp"
#include "slob/sdk/store.hpp"
#include "slob/sdk/time.hpp"
#include "../support/temp_dir.hpp"

namespace slob::test::lmdb {

using slob::test::TempDir;

// The whole file ("" when it cannot be read).
inline std::string file_bytes(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// FNV-1a over the whole file plus its size: enough to see any change to a test file.
inline std::string file_fingerprint(const std::string& file) {
  const std::string bytes = file_bytes(file);
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return std::to_string(bytes.size()) + ":" + std::to_string(h);
}

inline sdk::ConfigTable store_table(const std::string& path, const std::string& sync = "full") {
  sdk::ConfigTable t;
  t.section = "store.config";
  t.position = {"test.toml", 10, 1};
  t.values["path"] = sdk::ConfigValue{path, {"test.toml", 11, 8}};
  t.values["sync"] = sdk::ConfigValue{sync, {"test.toml", 12, 8}};
  return t;
}

inline sdk::ConfigValue string_value(const std::string& s, int line) {
  return sdk::ConfigValue{s, {"test.toml", line, 8}};
}

inline sdk::Time at(const char* rfc3339) { return *sdk::parse_rfc3339(rfc3339); }

// One record of every kind, with non-default values in every field.
inline sdk::WriteBatch sample_batch() {
  sdk::WriteBatch b;
  b.setups.push_back({"s-1", sdk::Direction::kLong, "WAITING_ENTRY", true,
                      R"({"liq1":21000.25,"note":"x"})", at("2026-01-06T15:25:00Z")});
  b.setups.push_back({"s-0", sdk::Direction::kShort, "SETUP_COMPLETE", false, R"({})",
                      at("2026-01-05T15:25:00.5Z")});
  sdk::JournalEntry j;
  j.client_ref = "slob:s-1:entry";
  j.setup_id = "s-1";
  j.leg = sdk::Leg::kEntry;
  j.symbol = "NQ";
  j.side = sdk::Side::kSell;
  j.type = sdk::OrderType::kLimit;
  j.quantity = 2;
  j.price = 21000.25;
  j.broker_order_id = 1001;
  j.perm_id = 987654321;
  j.state = sdk::OrderState::kWorking;
  j.filled = 1;
  j.created = at("2026-01-06T15:26:00Z");
  j.updated = at("2026-01-06T15:27:00.000001Z");
  j.note = "acknowledged by broker";
  b.journal.push_back(j);
  sdk::JournalEntry sl = j;
  sl.client_ref = "slob:s-1:sl";
  sl.leg = sdk::Leg::kStopLoss;
  sl.type = sdk::OrderType::kStop;
  sl.side = sdk::Side::kBuy;
  sl.state = sdk::OrderState::kCancelled;
  b.journal.push_back(sl);
  b.fills.push_back({"0001f4e8.6543.01.01", "slob:s-1:entry", 1001, "NQ", sdk::Side::kSell, 1,
                     21000.25, at("2026-01-06T15:28:00Z"), 2.25});
  sdk::TradeRecord open;
  open.id = "s-1";
  open.symbol = "NQ";
  open.direction = sdk::Direction::kShort;
  open.quantity = 1;
  open.entry_price = 21000.25;
  open.entry_time = at("2026-01-06T15:28:00Z");
  open.commission = 2.25;
  b.trades.push_back(open);
  sdk::TradeRecord closed = open;
  closed.id = "s-0";
  closed.exit_price = 20950.5;
  closed.exit_time = at("2026-01-05T16:00:00Z");
  closed.pnl = 990.5;
  closed.exit_reason = "take_profit";
  b.trades.push_back(closed);
  b.audit.push_back({0, at("2026-01-06T15:00:00Z"), "lifecycle.changed", sdk::Severity::kInfo,
                     "Starting->Recovering", "boot", {{"from", "Starting"}, {"to", "Recovering"}}});
  b.audit.push_back({0, at("2026-01-06T15:00:01Z"), "operator.command", sdk::Severity::kNotice,
                     "halt", "operator: lunch", {}});
  b.observer_cursors.push_back({"ops-webhook", 1, at("2026-01-06T15:00:02Z")});
  b.candles.push_back({at("2026-01-06T15:25:00Z"), 21010, 21012.5, 20999.75, 21001, 1234});
  b.candles.push_back({at("2026-01-06T15:24:00Z"), 21000, 21011, 20998, 21010, 999});
  sdk::HostState h;
  h.safe_mode = true;
  h.safe_mode_reason = "reconcile: position mismatch";
  h.safe_mode_since = at("2026-01-06T15:30:00Z");
  h.halted = true;
  h.halt_reason = "max_daily_loss";
  h.halted_until = at("2026-01-07T00:00:00Z");
  h.order_id_high_water = 1003;
  b.host_state = h;
  b.checkpoint = sdk::StrategyCheckpoint{"slob", at("2026-01-06T15:25:00Z"), R"({"setups":[]})"};
  return b;
}

}  // namespace slob::test::lmdb
