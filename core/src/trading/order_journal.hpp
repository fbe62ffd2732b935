#pragma once

// The bot's orders while they are unresolved: every journal entry not yet final (intent, sent,
// working, partially filled, unknown), by client reference, plus the brackets a reconciliation
// found never reached the broker and that wait to be sent again. It owns the rules about them:
//
// - Order ids: a bracket takes three consecutive ids starting above both the broker's next valid
//   id and the durable high-water mark (HostState::order_id_high_water), which it raises — so no
//   id is used twice, across restarts and broker sessions (IB refuses an id below one it has seen).
// - Reports never move an entry backwards: a final entry stays final, a report equal to what is
//   known changes nothing, a report for a reference not here is late or foreign.
// - Fills add up; an entry whose fills reach its quantity is filled (and leaves the journal).
// - Re-sends: a bracket the broker never received goes out again, whole and with its ids, only
//   while it is fresh (resend_still_fresh, the reconciler's rule); older, it is cancelled in the
//   journal. Re-sends leave in the order of their broker ids, as first journalled.
//
// The journal only computes: each function returns the entries that changed, and the caller
// commits them before acting (ARCHITECTURE §6). Threading: loop thread only.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "slob/sdk/broker.hpp"
#include "slob/sdk/orders.hpp"
#include "slob/sdk/records.hpp"
#include "trading/reconciler.hpp"

namespace slob::core {

class OrderJournal {
 public:
  // Recovery: an unresolved entry from the store.
  void restore(const sdk::JournalEntry& entry) { live_[entry.client_ref] = entry; }

  // The broker's next valid id (IB's nextValidId); only ever raised.
  void raise_next_valid_id(std::int64_t id) { next_valid_id_ = std::max(next_valid_id_, id); }
  // Reserves `count` consecutive order ids and raises `state`'s high-water mark to the last of
  // them; returns the first.
  std::int64_t reserve_ids(sdk::HostState& state, std::int64_t count) const;

  // The three legs of `order` as intent entries, now tracked here; the caller commits them
  // before the first byte goes to the broker.
  std::vector<sdk::JournalEntry> record_intent(const sdk::BracketOrder& order, sdk::Time now,
                                               const std::string& note);
  // The commit of these entries failed: they never existed.
  void forget(const std::vector<sdk::JournalEntry>& entries);
  // The broker plugin refused `order` before anything left: each leg still here is final
  // (rejected) with the reason.
  std::vector<sdk::JournalEntry> reject(const sdk::BracketOrder& order, const std::string& why,
                                        sdk::Time now);

  // A report about one of our orders. The changed entry, or nullopt when nothing changed (not
  // ours any more, already final, or nothing new).
  std::optional<sdk::JournalEntry> apply_report(const sdk::OrderReport& report, sdk::Time now);
  // A fill of `fill.client_ref`, not yet in the ledger. The changed entry, or nullopt when the
  // reference is not here (a leg already final, or not ours).
  std::optional<sdk::JournalEntry> apply_fill(const sdk::Execution& fill, sdk::Time now);

  // A reconciliation's verdicts. Returns the changed entries; a bracket whose three legs the
  // broker never received is kept for take_due_resends() (a partial one is left to the next
  // reconciliation's findings).
  std::vector<sdk::JournalEntry> apply_resolutions(const std::vector<OrderResolution>& resolutions,
                                                   sdk::Time now);
  bool has_resends() const { return !resends_.empty(); }

  struct DueResends {
    std::vector<sdk::BracketOrder> send;   // in broker-id order
    std::vector<sdk::JournalEntry> stale;  // cancelled in the journal: too old to send
  };
  // The kept brackets that are due at `now` (the caller asked the gate first). One journalled
  // after `now` — a replay restarted behind the candle that made it — waits, with every later
  // one, until the market reaches that moment again.
  DueResends take_due_resends(sdk::Time now, sdk::Duration window);

  // Whether any entry's fate at the broker is unknown (intent, sent or unknown).
  bool has_unknown() const;
  // The client references still working: every entry, or only entries nothing of which has filled.
  std::vector<std::string> working(bool entries_only) const;
  // What a shutdown cancels: entries (only unfilled ones with `entries_only`) and, without it,
  // the exit legs of the open trades (`trade_is_open`); exit legs of an unfilled entry go with
  // their parent's cancel, as at IB.
  template <typename IsOpen>
  std::vector<std::string> cancel_targets(bool entries_only, IsOpen trade_is_open) const {
    std::vector<std::string> refs;
    for (const auto& [ref, e] : live_) {
      if (e.leg == sdk::Leg::kEntry) {
        if (!entries_only || e.filled == 0) refs.push_back(ref);
      } else if (!entries_only && trade_is_open(e.setup_id)) {
        refs.push_back(ref);
      }
    }
    return refs;
  }

  const sdk::JournalEntry* find(const std::string& client_ref) const;
  std::vector<sdk::JournalEntry> unresolved() const;
  std::size_t size() const { return live_.size(); }

 private:
  // The bracket rebuilt from its three entries in the journal.
  sdk::BracketOrder bracket_of(const std::string& setup_id) const;

  std::map<std::string, sdk::JournalEntry> live_;     // by client_ref
  std::map<std::string, sdk::BracketOrder> resends_;  // never received, by setup id
  std::int64_t next_valid_id_ = 0;
};

}  // namespace slob::core
