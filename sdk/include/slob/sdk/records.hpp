#pragma once

// The typed records the store keeps. The store plugin owns their on-disk encoding (documented and
// versioned in its README); these structs are the contract between core, store and exporters.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "slob/sdk/market.hpp"
#include "slob/sdk/orders.hpp"
#include "slob/sdk/time.hpp"

namespace slob::sdk {

// A setup as the strategy last reported it. `live` is true while it can still change; the store
// indexes live setups separately so recovery never scans finished ones.
struct SetupRecord {
  std::string id;
  Direction direction = Direction::kShort;
  std::string state;   // the strategy's state name, e.g. "WAITING_ENTRY", "SETUP_COMPLETE"
  bool live = true;
  std::string report;  // the setup's report as one JSON object (strategy-defined fields)
  Time updated;
};

// One leg in the order journal, keyed by client_ref. Durable before the first byte is sent.
struct JournalEntry {
  std::string client_ref;
  std::string setup_id;
  Leg leg = Leg::kEntry;
  std::string symbol;
  Side side = Side::kBuy;
  OrderType type = OrderType::kLimit;
  std::int64_t quantity = 0;
  double price = 0;
  std::int64_t broker_order_id = 0;  // 0 until assigned
  std::int64_t perm_id = 0;          // 0 until the broker reports it
  OrderState state = OrderState::kIntent;
  std::int64_t filled = 0;
  Time created;
  Time updated;
  std::string note;  // why the state last changed
};

inline bool journal_entry_is_resolved(const JournalEntry& e) { return order_state_is_final(e.state); }

// The fill ledger, keyed by the broker's execution id.
struct FillRecord {
  std::string exec_id;
  std::string client_ref;
  std::int64_t broker_order_id = 0;
  std::string symbol;
  Side side = Side::kBuy;
  std::int64_t quantity = 0;
  double price = 0;
  Time time;
  double commission = 0;
};

// A trade from entry fill to exit. Open while exit_time is unset.
struct TradeRecord {
  std::string id;  // the setup id
  std::string symbol;
  Direction direction = Direction::kShort;
  std::int64_t quantity = 0;
  double entry_price = 0;
  Time entry_time;
  std::optional<double> exit_price;
  std::optional<Time> exit_time;
  double pnl = 0;          // account currency, after commission; 0 while open
  double commission = 0;
  std::string exit_reason;  // "take_profit", "stop_loss", "closed_externally", "flatten", ...

  bool open() const { return !exit_time.has_value(); }
};

// Host-wide state: one record.
struct HostState {
  bool safe_mode = false;
  std::string safe_mode_reason;
  std::optional<Time> safe_mode_since;
  bool halted = false;               // new entries halted (risk limit or operator)
  std::string halt_reason;
  std::optional<Time> halted_until;  // unset: until an operator resumes
  std::int64_t order_id_high_water = 0;
  // Daily risk counters of `risk_day` (the trading day they count, "2026-01-06"), so
  // max_trades_per_day and max_daily_loss survive a restart.
  std::string risk_day;
  std::int64_t trades_today = 0;
  double realised_pnl_today = 0;
};

// How much an event matters to the trader, in increasing order (an observer's filter keeps
// events at or above a minimum).
enum class Severity : std::uint8_t { kInfo = 0, kNotice = 1, kWarning = 2, kCritical = 3 };

// One structured field of an event: a stable key (snake_case) and its value as text.
struct EventField {
  std::string key;
  std::string value;
};

// The event stream (events.hpp, docs/events.md): append-only; the store assigns `sequence`,
// gap-free and increasing, and keeps every event with the state change it reports.
struct AuditEvent {
  std::uint64_t sequence = 0;
  Time time;
  std::string type;     // events.hpp's catalogue, e.g. "safe_mode.entered"
  Severity severity = Severity::kInfo;
  std::string subject;  // what it is about: a setup id, "Running->SafeMode", a command
  std::string reason;   // one human sentence
  std::vector<EventField> fields;  // in a stable order, keys unique
};

// How far one observer has delivered the stream: every event with a sequence up to
// `delivered_through` was confirmed by it (or filtered out).
struct ObserverCursor {
  std::string observer;  // the [[observer]] name
  std::uint64_t delivered_through = 0;
  Time updated;
};

// The strategy's whole exported state after the last candle it handled, so a restart continues
// exactly where it stopped.
struct StrategyCheckpoint {
  std::string plugin;        // strategy plugin name that wrote it
  std::optional<Time> last_candle;
  std::string state;         // the strategy's export_state() blob
};

}  // namespace slob::sdk
