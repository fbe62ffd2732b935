#pragma once

// The operator events the core records (sdk/include/slob/sdk/events.hpp, docs/events.md): one
// function per kind of fact, so each type's fields are spelled in one place. Each returns the
// event for the caller to put in the WriteBatch of the state change it reports; the store
// numbers it. Pure: no clock reads (the caller passes the time), no I/O.

#include <optional>
#include <string>
#include <vector>

#include "slob/sdk/events.hpp"
#include "slob/sdk/orders.hpp"
#include "slob/sdk/records.hpp"
#include "slob/sdk/strategy.hpp"

namespace slob::core::events {

// An event of `type` with the catalogue's severity (a type not in the catalogue is a bug: the
// severity is then kCritical so it is never filtered away unseen).
sdk::AuditEvent make(sdk::Time time, const char* type, std::string subject, std::string reason,
                     std::vector<sdk::EventField> fields = {});

// Prices, money and quantities as the events carry them ("21456.25", "-1250.00", "3").
std::string price(double value);
std::string money(double value);

sdk::AuditEvent setup_complete(sdk::Time time, const sdk::SetupRecord& setup);
sdk::AuditEvent order_sent(sdk::Time time, const sdk::BracketIntent& intent, const std::string& symbol,
                           std::int64_t quantity);
sdk::AuditEvent order_skipped(sdk::Time time, const std::string& setup_id, const std::string& why);
// A leg the broker (or the bot before sending) refused.
sdk::AuditEvent order_rejected(sdk::Time time, const sdk::JournalEntry& leg, const std::string& why);
sdk::AuditEvent flatten_sent(sdk::Time time, const sdk::TradeRecord& trade, const std::string& why);
// Fills and exits carry the time they happened at the broker, not when the daemon learned of
// them (after a restart that can be much later): the same facts, the same events.
sdk::AuditEvent entry_filled(const std::string& setup_id, const sdk::FillRecord& fill);
// take-profit, stop-loss, closed externally or another exit (flatten), by exit_reason. The
// trade must be closed (exit_time set).
sdk::AuditEvent trade_closed(const sdk::TradeRecord& trade);
sdk::AuditEvent safe_mode(sdk::Time time, bool entered, const std::string& reason);
sdk::AuditEvent halt(sdk::Time time, bool halted, const std::string& reason,
                     std::optional<sdk::Time> until);
sdk::AuditEvent daily_limit(sdk::Time time, const std::string& reason, const sdk::HostState& state);

}  // namespace slob::core::events
