#include "alert_render.hpp"

#include <string_view>

#include "slob/sdk/events.hpp"
#include "slob/sdk/time.hpp"

namespace slob::plugins::email {

namespace {

struct Label {
  std::string_view type;
  std::string_view label;
};

// A reader's name for each type of the catalogue (events.hpp); capitals where someone must act.
constexpr Label kLabels[] = {
    {sdk::event_type::kDaemonStarted, "Daemon started"},
    {sdk::event_type::kDaemonStopped, "Daemon stopped"},
    {sdk::event_type::kLifecycle, "Lifecycle changed"},
    {sdk::event_type::kSafeModeEntered, "SAFE MODE entered"},
    {sdk::event_type::kSafeModeCleared, "Safe mode cleared"},
    {sdk::event_type::kHalted, "Trading HALTED"},
    {sdk::event_type::kResumed, "Trading resumed"},
    {sdk::event_type::kDailyLimit, "DAILY LOSS LIMIT reached"},
    {sdk::event_type::kSetupComplete, "Setup complete"},
    {sdk::event_type::kOrderSent, "Order sent"},
    {sdk::event_type::kOrderSkipped, "Order skipped"},
    {sdk::event_type::kOrderRejected, "ORDER REJECTED"},
    {sdk::event_type::kFlattenSent, "Flatten sent"},
    {sdk::event_type::kEntryFilled, "Entry filled"},
    {sdk::event_type::kStopLossHit, "Stop loss hit"},
    {sdk::event_type::kTakeProfitHit, "Take profit hit"},
    {sdk::event_type::kTradeClosed, "Trade closed"},
    {sdk::event_type::kClosedExternally, "Trade closed EXTERNALLY"},
    {sdk::event_type::kReconcileFinding, "Reconciliation finding"},
    {sdk::event_type::kBrokerUnreachable, "BROKER UNREACHABLE"},
    {sdk::event_type::kBrokerBack, "Broker back"},
    {sdk::event_type::kMarketDataStalled, "Market data stalled"},
    {sdk::event_type::kMarketDataBack, "Market data back"},
    {sdk::event_type::kReloadApplied, "Reload applied"},
    {sdk::event_type::kReloadRefused, "Reload refused"},
    {sdk::event_type::kStoreFailure, "STORE FAILED"},
    {sdk::event_type::kCommand, "Operator command"},
    {sdk::event_type::kAlertTest, "Test alert"},
};

// A type this build does not know (a newer host) reads as itself.
std::string label_of(const std::string& type) {
  for (const auto& l : kLabels) {
    if (l.type == type) return std::string(l.label);
  }
  return type;
}

std::string event_title(const sdk::AuditEvent& e) {
  const std::string& what = e.reason.empty() ? e.subject : e.reason;
  return what.empty() ? label_of(e.type) : label_of(e.type) + ": " + what;
}

// The first of the most severe events: what a burst's title tells.
const sdk::AuditEvent& most_severe(const std::vector<sdk::AuditEvent>& events) {
  const sdk::AuditEvent* worst = &events.front();
  for (const auto& e : events) {
    if (e.severity > worst->severity) worst = &e;
  }
  return *worst;
}

std::string event_text(const sdk::AuditEvent& e) {
  std::string out = "[" + std::string(sdk::severity_name(e.severity)) + "] " + e.type + " at " +
                    sdk::format_rfc3339(e.time) + " (event " + std::to_string(e.sequence) + ")\n";
  if (!e.subject.empty()) out += "  Subject: " + e.subject + "\n";
  if (!e.reason.empty()) out += "  Reason:  " + e.reason + "\n";
  for (const auto& f : e.fields) out += "  " + f.key + " = " + f.value + "\n";
  return out;
}

std::string row(std::string_view name, const std::string& value) {
  return "<tr><th align=\"left\">" + std::string(name) + "</th><td>" + html_escape(value) +
         "</td></tr>\n";
}

std::string event_html(const sdk::AuditEvent& e) {
  std::string out = "<h3>" + html_escape(event_title(e)) + "</h3>\n";
  out += "<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\">\n";
  out += row("Time", sdk::format_rfc3339(e.time));
  out += row("Severity", sdk::severity_name(e.severity));
  out += row("Type", e.type);
  out += row("Subject", e.subject);
  out += row("Reason", e.reason);
  out += row("Event", std::to_string(e.sequence));
  out += "</table>\n";
  if (!e.fields.empty()) {
    out += "<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\">\n";
    out += "<tr><th align=\"left\">Field</th><th align=\"left\">Value</th></tr>\n";
    for (const auto& f : e.fields) {
      out += "<tr><td>" + html_escape(f.key) + "</td><td>" + html_escape(f.value) + "</td></tr>\n";
    }
    out += "</table>\n";
  }
  return out;
}

}  // namespace

std::string delivery_title(const sdk::Delivery& d) {
  const std::string count = std::to_string(d.events.size());
  if (d.shape == sdk::Delivery::Shape::kSummary) {
    return "summary of " + count + " events from " + sdk::format_rfc3339(d.events.front().time) +
           " to " + sdk::format_rfc3339(d.events.back().time);
  }
  if (d.events.size() == 1) return event_title(d.events.front());
  return count + " events, most severe: " + event_title(most_severe(d.events));
}

AlertContent describe_delivery(const sdk::Delivery& d, const std::string& host) {
  std::string text;
  std::string html;
  for (const auto& e : d.events) {
    if (!text.empty()) text += "\n";
    text += event_text(e);
    html += event_html(e);
  }
  const std::string first = sdk::format_rfc3339(d.events.front().time);
  const std::string last = sdk::format_rfc3339(d.events.back().time);
  AlertContent c;
  c.values = {{"title", delivery_title(d)},
              {"events", std::move(text)},
              {"severity", sdk::severity_name(most_severe(d.events).severity)},
              {"count", std::to_string(d.events.size())},
              {"time", first == last ? first : first + " to " + last},
              {"delivery_id", d.idempotency_key},
              {"observer", d.observer},
              {"host", host}};
  c.html_markup = {{"events", std::move(html)}};
  return c;
}

}  // namespace slob::plugins::email
