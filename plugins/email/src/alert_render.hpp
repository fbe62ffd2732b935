#pragma once

// What the e-mail says about a Delivery: the template values (template.hpp's kPlaceholders),
// among them the title that is the subject and the list of events, once as text and once as HTML
// markup (a table per event, its fields in a table of their own). The wording stays in this
// plugin: operators change the layout with template files, not this code.

#include <string>

#include "slob/sdk/observer.hpp"
#include "template.hpp"

namespace slob::plugins::email {

struct AlertContent {
  Values values;       // every name in kPlaceholders, as text
  Values html_markup;  // "events" as HTML; every event value in it is escaped
};

// `host` is this machine's name ({{host}}).
AlertContent describe_delivery(const sdk::Delivery& delivery, const std::string& host);

// The title (the subject without its prefix):
//   one event:  "SAFE MODE entered: <reason>" (the type's label, then its reason or subject)
//   a burst:    "3 events, most severe: SAFE MODE entered: <reason>"
//   a summary:  "summary of 12 events from 2026-01-06T15:30:00Z to 2026-01-06T16:10:00Z"
std::string delivery_title(const sdk::Delivery& delivery);

}  // namespace slob::plugins::email
