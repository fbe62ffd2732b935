#pragma once

// The one place that decides whether a bracket may go out now, and if not, why. It gets every
// condition as a value — the host's lifecycle and order-channel health, a live reconciliation
// confirming a disagreement, the maintenance window, the durable halt and today's risk counters
// (sdk::HostState) — so each answer is a pure function, unit-tested without a host.
//
// Two questions, because a re-send is not a new decision:
// - a new bracket (a setup's intent) needs all of them, in this order: lifecycle Running (which
//   also means "not in safe mode": safe mode is a lifecycle state, persisted as
//   HostState::safe_mode), order channel up, no disagreement being confirmed, outside any
//   maintenance window, not halted, daily limits not reached;
// - a re-send of a bracket journalled before an interruption needs only the first four: the halt
//   and the daily limits judged it when it was journalled, and it already counts in today's
//   trades.
//
// A closed daily limit is its own verdict: the engine halts trading until the next trading day
// on it (a durable change), where the other reasons only skip the intent.
//
// The broker plugin's own refusal (the ib plugin refuses an order while its connection is not
// ready) stays as a last guard behind this gate: it catches what changes between this answer
// and the send, never decides in its place.

#include <optional>
#include <string>

#include "runtime/config.hpp"
#include "runtime/lifecycle.hpp"
#include "slob/sdk/broker.hpp"
#include "slob/sdk/records.hpp"
#include "trading/maintenance_schedule.hpp"

namespace slob::core {

// What the host knows at the moment of asking.
struct GateConditions {
  LifecycleState lifecycle = LifecycleState::kStarting;
  sdk::Health orders = sdk::Health::kDown;
  bool confirming_disagreement = false;  // a live reconciliation has not confirmed yet
  std::optional<ActiveMaintenance> maintenance;
};

enum class GateVerdict {
  kOpen,
  kClosed,      // skip the intent, with the reason
  kDailyLimit,  // skip it and halt new entries until the next trading day
};

struct GateDecision {
  GateVerdict verdict = GateVerdict::kOpen;
  std::string reason;  // empty when open

  bool open() const { return verdict == GateVerdict::kOpen; }
};

GateDecision check_new_bracket(const GateConditions& now, const sdk::HostState& state,
                               const RiskSection& risk);
GateDecision check_resend(const GateConditions& now);

}  // namespace slob::core
