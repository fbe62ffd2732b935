#pragma once

// JSON views of the store's records for `slob-host export` and tools. Field names are a stable
// contract (docs/export-format.md): add fields, never rename or remove them.
//
// Times are RFC 3339 UTC strings, unset optionals are null, enums use the names of
// sdk/orders.hpp. A setup's `report` is the strategy's JSON object and is embedded as an
// object; a report that is not valid JSON is exported as `report: null` plus `report_raw`.

#include <iosfwd>

#include <nlohmann/json.hpp>

#include "slob/sdk/market.hpp"
#include "slob/sdk/records.hpp"
#include "slob/sdk/status.hpp"
#include "slob/sdk/store.hpp"

namespace slob::core {

nlohmann::json to_json(const sdk::SetupRecord& r);
nlohmann::json to_json(const sdk::JournalEntry& r);
nlohmann::json to_json(const sdk::FillRecord& r);
nlohmann::json to_json(const sdk::TradeRecord& r);
nlohmann::json to_json(const sdk::AuditEvent& r);
nlohmann::json to_json(const sdk::Candle& r);
nlohmann::json to_json(const sdk::HostState& r);
nlohmann::json to_json(const sdk::StrategyCheckpoint& r);

// Writes every record of `kind` in the store's key order, one JSON object per line. Stops at
// the first store error or write failure and returns it (kIoError when `out` fails), and at a
// record with a string that is not UTF-8 (kCorruption naming the kind, the record's position
// and key): never an exception, and never a line that was guessed.
sdk::Status export_records(sdk::Store& store, sdk::RecordKind kind, std::ostream& out);

}  // namespace slob::core
