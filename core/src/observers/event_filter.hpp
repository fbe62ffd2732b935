#pragma once

// Which operator events an observer is told ([[observer]] min_severity and types). Pure.

#include <string>
#include <string_view>
#include <vector>

#include "slob/sdk/events.hpp"

namespace slob::core {

// Whether `pattern` ("safe_mode.entered", "trade.*", "*") names `type`.
inline bool type_pattern_matches(std::string_view pattern, std::string_view type) {
  if (pattern == "*") return true;
  if (pattern.size() > 2 && pattern.substr(pattern.size() - 2) == ".*")
    return type.substr(0, pattern.size() - 1) == pattern.substr(0, pattern.size() - 1);
  return pattern == type;
}

struct EventFilter {
  std::string observer;  // its name: an alert.test names the observer it is for, or "*"
  sdk::Severity min_severity = sdk::Severity::kInfo;
  std::vector<std::string> types;  // empty: every type

  // An alert.test reaches exactly the observers it names, whatever their filter: a test must
  // pass through. Every other event needs the severity and, when types are listed, a match.
  bool passes(const sdk::AuditEvent& e) const {
    if (e.type == sdk::event_type::kAlertTest) {
      const std::string* target = sdk::event_field(e, "observer");
      return target && (*target == "*" || *target == observer);
    }
    if (e.severity < min_severity) return false;
    if (types.empty()) return true;
    for (const auto& p : types)
      if (type_pattern_matches(p, e.type)) return true;
    return false;
  }
};

}  // namespace slob::core
