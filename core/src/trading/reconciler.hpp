#pragma once

// Reconciliation (ARCHITECTURE §7) as a pure function: store state + broker reports + policy →
// findings + actions. No I/O, no clock, no randomness: the same inputs in any order, with
// duplicates, give the same result (property-tested).
//
// The host first records every execution it did not know (the fill ledger is keyed by execution
// id, so that is idempotent) and then calls reconcile() with the store state that results.

#include <optional>
#include <string>
#include <vector>

#include "slob/sdk/orders.hpp"
#include "slob/sdk/records.hpp"

namespace slob::core {

struct ReconcilePolicy {
  bool adopt_external_positions = false;  // take over a position the bot never opened
};

// How fresh a bracket the broker never received must be to be sent again (market time since it
// was journalled): the crash interrupted the send, not the market. Older: cancelled.
inline constexpr sdk::Duration kResendWindow = std::chrono::seconds(60);

struct ReconcileInput {
  std::vector<sdk::TradeRecord> open_trades;
  std::vector<sdk::JournalEntry> unresolved_orders;
  sdk::BrokerSnapshot snapshot;
  // An intent the broker never received is sent again only while it is this fresh (market time
  // since it was journalled): the crash interrupted the send, not the market. Older: cancelled.
  sdk::Time now;
  sdk::Duration resend_window = kResendWindow;
};

enum class FindingKind {
  kExternalPosition,       // a position at the broker with no trade in the store
  kClosedExternally,       // a trade open in the store, flat at the broker
  kQuantityMismatch,       // quantity or side differs
  kOrderUnresolved,        // a journal entry the broker does not know and that was sent
  kBracketChildMissing,    // position open, protective child order not working
  kOrderResolved,          // an unresolved entry found again (informational)
};

const char* finding_kind_name(FindingKind k);

struct Finding {
  FindingKind kind;
  bool safe_mode = false;  // the host must enter safe mode
  std::string symbol;
  std::string message;
};

// Whether a bracket journalled at `created` that never reached the broker may still be sent at
// `now`: only within `window` of its moment (the crash interrupted the send, not the market).
// The one rule for the reconciler and for the re-sends that waited for the order gate.
inline bool resend_still_fresh(sdk::Time created, sdk::Time now, sdk::Duration window) {
  return now - created <= window;
}

struct OrderResolution {
  std::string client_ref;
  sdk::OrderState state;
  std::int64_t broker_order_id = 0;
  std::int64_t perm_id = 0;
  std::int64_t filled = 0;
  std::string note;
  bool resend = false;  // state stays kIntent: send it now (see resend_window)
};

struct TradeClosure {
  std::string trade_id;
  std::optional<double> exit_price;  // from the broker's executions, when any
  std::optional<sdk::Time> exit_time;
  std::string reason;                // "closed_externally"
};

struct ReconcileResult {
  std::vector<Finding> findings;
  std::vector<OrderResolution> resolutions;
  std::vector<TradeClosure> closures;

  bool requires_safe_mode() const;
  // The first finding from comparing positions (not orders), or null: what a snapshot can show
  // for a moment when its position report predates a fill it also carries, or the other way
  // round.
  const Finding* position_disagreement() const;
  std::string safe_mode_reason() const;  // the first safe-mode finding's message
};

ReconcileResult reconcile(const ReconcileInput& input, const ReconcilePolicy& policy);

}  // namespace slob::core
