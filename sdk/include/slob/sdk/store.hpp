#pragma once

// The store: durable typed records with atomic multi-record commits and cheap scans of only the
// live records (ARCHITECTURE §6).
//
// Contract:
// - commit() applies a whole WriteBatch or nothing. With sync = "full" a commit that returned ok
//   survives kill -9 and power loss.
// - scan_live_* cost grows with live state only, never with history.
// - All calls happen on the loop thread; a store may block for its own disk I/O (fsync).
// - Failures come back as Status; kResourceExhausted means the store is full and could not grow,
//   which the host answers with safe mode.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "slob/sdk/plugin.hpp"
#include "slob/sdk/records.hpp"
#include "slob/sdk/status.hpp"

namespace slob::sdk {

struct WriteBatch {
  std::vector<SetupRecord> setups;
  std::vector<JournalEntry> journal;
  std::vector<FillRecord> fills;
  std::vector<TradeRecord> trades;
  std::vector<AuditEvent> audit;  // sequence is assigned by the store
  std::vector<ObserverCursor> observer_cursors;  // replace the stored cursor of each name
  std::vector<Candle> candles;
  std::optional<HostState> host_state;
  std::optional<StrategyCheckpoint> checkpoint;

  bool empty() const {
    return setups.empty() && journal.empty() && fills.empty() && trades.empty() &&
           audit.empty() && candles.empty() && observer_cursors.empty() && !host_state &&
           !checkpoint;
  }
};

enum class RecordKind { kSetups, kOrders, kFills, kTrades, kEvents, kCandles };

template <typename T>
using Visitor = std::function<bool(const T&)>;  // return false to stop the scan

class Store : public Plugin {
 public:
  virtual Status commit(const WriteBatch& batch) = 0;

  // Host state; a fresh store returns a default HostState.
  virtual Result<HostState> host_state() = 0;
  virtual Result<std::optional<StrategyCheckpoint>> checkpoint() = 0;
  // Every observer's cursor, by name; and the sequence of the newest event (0 when none).
  virtual Result<std::vector<ObserverCursor>> observer_cursors() = 0;
  virtual Result<std::uint64_t> last_event_sequence() = 0;

  // Live records only (their own index).
  virtual Status scan_live_setups(const Visitor<SetupRecord>& visit) = 0;
  virtual Status scan_open_trades(const Visitor<TradeRecord>& visit) = 0;
  virtual Status scan_unresolved_orders(const Visitor<JournalEntry>& visit) = 0;

  // Point lookups.
  virtual Result<std::optional<JournalEntry>> find_order(const std::string& client_ref) = 0;
  virtual Result<std::optional<SetupRecord>> find_setup(const std::string& id) = 0;
  virtual Result<std::optional<TradeRecord>> find_trade(const std::string& id) = 0;
  virtual Result<bool> has_fill(const std::string& exec_id) = 0;

  // Full history, in key order (setups/orders/trades by id, fills by exec id, events by
  // sequence, candles by time), for export and tests.
  virtual Status scan_setups(const Visitor<SetupRecord>& visit) = 0;
  virtual Status scan_orders(const Visitor<JournalEntry>& visit) = 0;
  virtual Status scan_fills(const Visitor<FillRecord>& visit) = 0;
  virtual Status scan_trades(const Visitor<TradeRecord>& visit) = 0;
  // Events with a sequence above `after` (0: all), in sequence order; cost grows with what is
  // visited, not with the history before `after`.
  virtual Status scan_events(std::uint64_t after, const Visitor<AuditEvent>& visit) = 0;
  // Candles with start >= from, in time order.
  virtual Status scan_candles(Time from, const Visitor<Candle>& visit) = 0;
};

}  // namespace slob::sdk
