#pragma once

// What an alert says, in words: a title and one line per event of an sdk::Delivery, as plain
// text (webhook presets, e-mail) or as the HTML subset Telegram's parse_mode=HTML accepts.
// Pure functions of the delivery: the same events always give the same text.
//
//   slob-host: SAFE MODE entered — broker position differs from the journal
//
//   14:31:00Z critical safe_mode.entered Running->SafeMode: broker position differs from the
//   journal (setup_id=2025-03-14-1, price=21000.25)
//
// Event text comes from the host (reasons, subjects, field values); a control character in it
// (a line break) becomes a space, so one event is always one line.

#include <cstddef>
#include <string>
#include <string_view>

#include "slob/sdk/observer.hpp"
#include "slob/sdk/records.hpp"

namespace slob::plugins::alert_text {

// Who speaks in every title.
inline constexpr const char kSender[] = "slob-host";

// A title is a headline (a chat notification, an e-mail subject, ntfy's Title header): a longer
// reason is cut to this many bytes, ending in "…"; the event line still has all of it.
inline constexpr std::size_t kMaxTitleBytes = 200;

// One event: "slob-host: <what happened> — <reason>" ("SAFE MODE entered", from the event
// type; the type itself for a type this build does not know; no dash when the reason is empty).
// A burst: "slob-host: 4 events (2 critical)", naming how many have the highest severity among
// them when it is warning or critical. A summary: "slob-host: summary of 37 events from
// <first time> to <last time>" (RFC 3339 UTC, whole seconds). At most kMaxTitleBytes.
std::string title(const sdk::Delivery& delivery);

// title() without "slob-host: " in front, for a transport that names the sender its own way (an
// e-mail's subject_prefix): "SAFE MODE entered — <reason>", "4 events (2 critical)", "summary of
// 37 events from ...". At most kMaxTitleBytes minus that prefix.
std::string headline(const sdk::Delivery& delivery);

// One event's headline, whole (never cut): "SAFE MODE entered — <reason>", on one line.
std::string event_headline(const sdk::AuditEvent& event);

// "14:31:00Z critical safe_mode.entered Running->SafeMode: <reason> (setup_id=..., price=...)":
// time (UTC, whole seconds; with its date, "2025-03-14 14:31:00Z", when `with_date`), severity,
// type, then the subject, ": reason" and the fields in parentheses, each only when present.
std::string event_line(const sdk::AuditEvent& event, bool with_date);

enum class Markup {
  kPlain,
  kHtml,  // Telegram's HTML: the title in <b>, every text escaped (html_escape)
};

// "&", "<", ">" and '"' as entities; everything else as it is.
std::string html_escape(std::string_view text);

// The title, a blank line, and event_line() of each event (with dates when the events span more
// than one UTC day), in at most `max_bytes` bytes of `markup`: the events that do not fit are
// replaced by a last line "… and N more"; the title takes at most half of `max_bytes`, and a
// title or a first line too long for its room is cut, ending in "…". Never cuts a UTF-8 character or an HTML entity in two. `max_bytes` of at
// least 64 leaves room for that much.
std::string message(const sdk::Delivery& delivery, Markup markup, std::size_t max_bytes);

// message() without the title and the blank line: for a transport with a title of its own
// (ntfy's Title header, an e-mail subject).
std::string body_lines(const sdk::Delivery& delivery, Markup markup, std::size_t max_bytes);

}  // namespace slob::plugins::alert_text
