#pragma once

// The JSON an alert receiver parses: one event, and the generic webhook body (documented in
// plugins/webhook/README.md "Bodies"). Field names and formats follow sdk/events.hpp's schema
// (kEventSchemaVersion): a receiver must ignore members it does not know.

#include <string>

#include <nlohmann/json.hpp>

#include "slob/sdk/observer.hpp"
#include "slob/sdk/records.hpp"

namespace slob::plugins::alert_text {

// {"sequence": 812, "time": "2025-03-14T14:31:00Z", "type": "safe_mode.entered",
//  "severity": "critical", "subject": "Running->SafeMode", "reason": "...",
//  "fields": {"setup_id": "...", "price": "21000.25"}}
nlohmann::json event_json(const sdk::AuditEvent& event);

// {"schema": 1, "observer": "ops-webhook", "idempotency_key": "slob-812-815",
//  "shape": "events" | "summary", "events": [event_json(), ...]}
nlohmann::json generic_body(const sdk::Delivery& delivery);

// Compact JSON text; bytes that are not UTF-8 become U+FFFD instead of throwing, since event
// text comes from brokers and operators.
std::string dump_json(const nlohmann::json& value);

}  // namespace slob::plugins::alert_text
