#pragma once

// What the e-mail says about a Delivery: the template values (template.hpp's kPlaceholders),
// among them the title that is the subject (alert_text::headline(): the words every alert
// transport uses) and the list of events, once as text and once as HTML markup (a table per
// event, its fields in a table of their own). The layout stays in this plugin: operators change
// it with template files, not this code.

#include <string>

#include "slob/sdk/observer.hpp"
#include "template.hpp"

namespace slob::plugins::email {

struct AlertContent {
  Values values;       // every name in kPlaceholders, as text
  Values html_markup;  // "events" as HTML; every event value in it is escaped
};

// `host` is this machine's name ({{host}}). Precondition: `delivery` has events.
AlertContent describe_delivery(const sdk::Delivery& delivery, const std::string& host);

}  // namespace slob::plugins::email
