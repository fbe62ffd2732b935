#include "alert_json.hpp"

#include "slob/sdk/events.hpp"
#include "slob/sdk/time.hpp"

namespace slob::plugins::alert_text {

nlohmann::json event_json(const sdk::AuditEvent& event) {
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& f : event.fields) fields[f.key] = f.value;
  return {{"sequence", event.sequence},
          {"time", sdk::format_rfc3339(event.time)},
          {"type", event.type},
          {"severity", sdk::severity_name(event.severity)},
          {"subject", event.subject},
          {"reason", event.reason},
          {"fields", std::move(fields)}};
}

nlohmann::json generic_body(const sdk::Delivery& delivery) {
  nlohmann::json events = nlohmann::json::array();
  for (const auto& e : delivery.events) events.push_back(event_json(e));
  return {{"schema", sdk::kEventSchemaVersion},
          {"observer", delivery.observer},
          {"idempotency_key", delivery.idempotency_key},
          {"shape", delivery.shape == sdk::Delivery::Shape::kSummary ? "summary" : "events"},
          {"events", std::move(events)}};
}

std::string dump_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace slob::plugins::alert_text
