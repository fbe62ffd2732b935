#include "alert_render.hpp"

#include <algorithm>
#include <string_view>

#include "alert_text.hpp"
#include "slob/sdk/events.hpp"
#include "slob/sdk/time.hpp"

namespace slob::plugins::email {

namespace {

using alert_text::html_escape;

// The highest severity among `events` ({{severity}}).
sdk::Severity most_severe(const std::vector<sdk::AuditEvent>& events) {
  sdk::Severity top = events.front().severity;
  for (const auto& e : events) top = std::max(top, e.severity);
  return top;
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
  std::string out = "<h3>" + html_escape(alert_text::event_headline(e)) + "</h3>\n";
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
  c.values = {{"title", alert_text::headline(d)},
              {"events", std::move(text)},
              {"severity", sdk::severity_name(most_severe(d.events))},
              {"count", std::to_string(d.events.size())},
              {"time", first == last ? first : first + " to " + last},
              {"delivery_id", d.idempotency_key},
              {"observer", d.observer},
              {"host", host}};
  c.html_markup = {{"events", std::move(html)}};
  return c;
}

}  // namespace slob::plugins::email
