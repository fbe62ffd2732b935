#pragma once

// The store's layout: named databases, the schema version and the meta keys. README.md
// documents each database; bump kSchemaVersion (and add a migration) for any layout change.

#include <array>
#include <cstdint>

namespace slob::plugins::lmdb {

// 4: the observers database (each event observer's cursor, written in the same commit as the
//    events); audit events encoded at version 2 (type, severity, fields). A build without it
//    would not know how far each observer was told.
// 3: the intent log beside data.mdb (intent_log.hpp) and meta kKeyIntentLogApplied; a build
//    that ignored the log would lose the orders staged in it.
// 2: candles grouped by UTC hour (candle_hours.hpp); 1 kept one record per candle.
inline constexpr std::uint32_t kSchemaVersion = 4;

// Full history, one record per key.
inline constexpr const char kDbSetups[] = "setups";        // setup id -> SetupRecord
inline constexpr const char kDbOrders[] = "orders";        // client ref -> JournalEntry
inline constexpr const char kDbFills[] = "fills";          // exec id -> FillRecord
inline constexpr const char kDbTrades[] = "trades";        // trade id -> TradeRecord
inline constexpr const char kDbEvents[] = "events";        // sequence (u64 BE) -> AuditEvent
inline constexpr const char kDbCandles[] = "candles";      // hour start (biased i64 BE) -> candle hour
// Live indexes: a copy of the record while it is live, so recovery is one cursor pass over
// live state and never touches history.
inline constexpr const char kDbSetupsLive[] = "setups.live";
inline constexpr const char kDbOrdersUnresolved[] = "orders.unresolved";
inline constexpr const char kDbTradesOpen[] = "trades.open";
// Singletons.
inline constexpr const char kDbHost[] = "host";  // kKeyHostState, kKeyCheckpoint
inline constexpr const char kDbMeta[] = "meta";  // kKeySchemaVersion
// Observer name -> ObserverCursor (schema 4).
inline constexpr const char kDbObservers[] = "observers";

inline constexpr const char kKeyHostState[] = "host_state";
inline constexpr const char kKeyCheckpoint[] = "checkpoint";
inline constexpr const char kKeySchemaVersion[] = "schema_version";  // u32 little-endian
// The last intent-log record folded into the databases, u64 little-endian (schema 3).
inline constexpr const char kKeyIntentLogApplied[] = "intent_log_applied";

// Every database with the schema that added it: a store at an older schema (opened read-only,
// so not migrated) has none of the later ones.
struct DatabaseName {
  const char* name;
  std::uint32_t since;
};
inline constexpr std::array<DatabaseName, 12> kDatabases = {{
    {kDbMeta, 1},       {kDbHost, 1},      {kDbSetups, 1},     {kDbSetupsLive, 1},
    {kDbOrders, 1},     {kDbOrdersUnresolved, 1},              {kDbFills, 1},
    {kDbTrades, 1},     {kDbTradesOpen, 1}, {kDbEvents, 1},    {kDbCandles, 1},
    {kDbObservers, 4},
}};

// Room for the databases above and a few more for future schemas.
inline constexpr unsigned kMaxDatabases = 32;

inline constexpr const char kDataFile[] = "data.mdb";

}  // namespace slob::plugins::lmdb
