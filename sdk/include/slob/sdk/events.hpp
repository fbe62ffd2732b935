#pragma once

// The operator event stream: what the host tells a trader (docs/events.md).
//
// Every event is an AuditEvent (records.hpp) committed to the store in the same commit as the
// state change it reports, numbered by the store (`sequence`), and delivered in that order to
// every observer plugin (observer.hpp). The set of types below is versioned as a whole
// (kEventSchemaVersion): a minor SDK release may add a type or a field to a type; renaming or
// removing one, or changing a field's meaning or format, is a new schema version and a new SDK
// major. Receivers must ignore fields and types they do not know.
//
// Field values are text in one format per kind of value, so templates and JSON bodies show
// them as they are: prices and money with the decimals the host formats them with, quantities
// as integers, times as RFC 3339 UTC, durations as the host formats them ("5m", "90s").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "slob/sdk/records.hpp"

namespace slob::sdk {

inline constexpr std::uint32_t kEventSchemaVersion = 1;

inline const char* severity_name(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kNotice: return "notice";
    case Severity::kWarning: return "warning";
    case Severity::kCritical: return "critical";
  }
  return "unknown";
}

inline std::optional<Severity> parse_severity(std::string_view name) {
  for (Severity s : {Severity::kInfo, Severity::kNotice, Severity::kWarning, Severity::kCritical})
    if (name == severity_name(s)) return s;
  return std::nullopt;
}

// The value of `key` in an event's fields, or empty when it has none.
inline const std::string* event_field(const AuditEvent& e, std::string_view key) {
  for (const auto& f : e.fields)
    if (f.key == key) return &f.value;
  return nullptr;
}

// The catalogue, schema 1. Each type's severity is fixed (an observer filters on it); the fields
// each carries are listed in docs/events.md.
namespace event_type {
inline constexpr const char kDaemonStarted[] = "daemon.started";
inline constexpr const char kDaemonStopped[] = "daemon.stopped";
inline constexpr const char kLifecycle[] = "lifecycle.changed";
inline constexpr const char kSafeModeEntered[] = "safe_mode.entered";
inline constexpr const char kSafeModeCleared[] = "safe_mode.cleared";
inline constexpr const char kHalted[] = "trading.halted";
inline constexpr const char kResumed[] = "trading.resumed";
inline constexpr const char kDailyLimit[] = "risk.daily_limit";
inline constexpr const char kSetupComplete[] = "setup.complete";
inline constexpr const char kOrderSent[] = "order.sent";
inline constexpr const char kOrderSkipped[] = "order.skipped";
inline constexpr const char kOrderRejected[] = "order.rejected";
inline constexpr const char kFlattenSent[] = "order.flatten";
inline constexpr const char kEntryFilled[] = "trade.entry_filled";
inline constexpr const char kStopLossHit[] = "trade.stop_loss";
inline constexpr const char kTakeProfitHit[] = "trade.take_profit";
inline constexpr const char kTradeClosed[] = "trade.closed";  // any other exit (flatten)
inline constexpr const char kClosedExternally[] = "trade.closed_externally";
inline constexpr const char kReconcileFinding[] = "reconcile.finding";
inline constexpr const char kBrokerUnreachable[] = "broker.unreachable";
inline constexpr const char kBrokerBack[] = "broker.back";
inline constexpr const char kMarketDataStalled[] = "market_data.stalled";
inline constexpr const char kMarketDataBack[] = "market_data.back";
inline constexpr const char kReloadApplied[] = "reload.applied";
inline constexpr const char kReloadRefused[] = "reload.refused";
inline constexpr const char kStoreFailure[] = "store.failed";
inline constexpr const char kCommand[] = "operator.command";
inline constexpr const char kAlertTest[] = "alert.test";
}  // namespace event_type

// daemon.started and daemon.stopped carry the wall clock's time (a replay has no market time
// before its first bar); every other event the market's.
inline bool event_stamped_with_wall_time(const AuditEvent& e) {
  return std::string_view(e.type).substr(0, 7) == "daemon.";
}

struct EventTypeInfo {
  const char* type;
  Severity severity;
};

inline constexpr EventTypeInfo kEventTypes[] = {
    {event_type::kDaemonStarted, Severity::kNotice},
    {event_type::kDaemonStopped, Severity::kNotice},  // kCritical when the exit is a failure
    {event_type::kLifecycle, Severity::kInfo},
    {event_type::kSafeModeEntered, Severity::kCritical},
    {event_type::kSafeModeCleared, Severity::kWarning},
    {event_type::kHalted, Severity::kWarning},
    {event_type::kResumed, Severity::kNotice},
    {event_type::kDailyLimit, Severity::kCritical},
    {event_type::kSetupComplete, Severity::kInfo},
    {event_type::kOrderSent, Severity::kNotice},
    {event_type::kOrderSkipped, Severity::kWarning},
    {event_type::kOrderRejected, Severity::kCritical},
    {event_type::kFlattenSent, Severity::kWarning},
    {event_type::kEntryFilled, Severity::kNotice},
    {event_type::kStopLossHit, Severity::kNotice},
    {event_type::kTakeProfitHit, Severity::kNotice},
    {event_type::kTradeClosed, Severity::kNotice},
    {event_type::kClosedExternally, Severity::kWarning},
    {event_type::kReconcileFinding, Severity::kWarning},  // kCritical when it means safe mode
    {event_type::kBrokerUnreachable, Severity::kCritical},
    {event_type::kBrokerBack, Severity::kNotice},
    {event_type::kMarketDataStalled, Severity::kWarning},
    {event_type::kMarketDataBack, Severity::kNotice},
    {event_type::kReloadApplied, Severity::kNotice},
    {event_type::kReloadRefused, Severity::kWarning},
    {event_type::kStoreFailure, Severity::kCritical},
    {event_type::kCommand, Severity::kNotice},
    {event_type::kAlertTest, Severity::kInfo},
};

inline const EventTypeInfo* find_event_type(std::string_view type) {
  for (const auto& t : kEventTypes)
    if (type == t.type) return &t;
  return nullptr;
}

}  // namespace slob::sdk
