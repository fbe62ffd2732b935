#include "alert_text.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include "slob/sdk/events.hpp"
#include "slob/sdk/time.hpp"

namespace slob::plugins::alert_text {
namespace {

namespace et = sdk::event_type;

// What happened, as a title says it; capitals mark what needs a person now.
const std::map<std::string_view, std::string_view>& headlines() {
  static const std::map<std::string_view, std::string_view> kHeadlines = {
      {et::kDaemonStarted, "started"},
      {et::kDaemonStopped, "stopped"},
      {et::kLifecycle, "state changed"},
      {et::kSafeModeEntered, "SAFE MODE entered"},
      {et::kSafeModeCleared, "safe mode cleared"},
      {et::kHalted, "trading HALTED"},
      {et::kResumed, "trading resumed"},
      {et::kDailyLimit, "DAILY LOSS LIMIT reached"},
      {et::kSetupComplete, "setup complete"},
      {et::kOrderSent, "order sent"},
      {et::kOrderSkipped, "order skipped"},
      {et::kOrderRejected, "order REJECTED"},
      {et::kFlattenSent, "flatten sent"},
      {et::kEntryFilled, "entry filled"},
      {et::kStopLossHit, "stop loss hit"},
      {et::kTakeProfitHit, "take profit hit"},
      {et::kTradeClosed, "trade closed"},
      {et::kClosedExternally, "trade closed outside slob-host"},
      {et::kReconcileFinding, "reconciliation finding"},
      {et::kBrokerUnreachable, "broker UNREACHABLE"},
      {et::kBrokerBack, "broker reachable again"},
      {et::kMarketDataStalled, "market data stalled"},
      {et::kMarketDataBack, "market data flowing again"},
      {et::kReloadApplied, "reload applied"},
      {et::kReloadRefused, "reload refused"},
      {et::kStoreFailure, "STORE FAILED"},
      {et::kCommand, "operator command"},
      {et::kAlertTest, "test alert"},
  };
  return kHeadlines;
}

// Text from an event on one line: control characters become spaces.
std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

// RFC 3339 UTC to the second: "2025-03-14T14:31:00Z".
std::string whole_seconds(sdk::Time t) {
  return sdk::format_rfc3339(std::chrono::floor<std::chrono::seconds>(t));
}

bool spans_days(const std::vector<sdk::AuditEvent>& events) {
  using std::chrono::floor, std::chrono::days;
  return !events.empty() && floor<days>(events.front().time) != floor<days>(events.back().time);
}

std::string marked(std::string_view plain, Markup markup) {
  return markup == Markup::kHtml ? html_escape(plain) : std::string(plain);
}

// Bytes of a UTF-8 sequence starting with `lead`.
std::size_t sequence_length(unsigned char lead) {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

constexpr std::string_view kEllipsis = "…";

// `plain` in `markup`, cut to at most `room` bytes ending in "…" when it is longer; whole
// characters only, and never half an entity (the cut is made before escaping).
std::string fit(std::string_view plain, Markup markup, std::size_t room) {
  std::string whole = marked(plain, markup);
  if (whole.size() <= room) return whole;
  if (room < kEllipsis.size()) return "";
  std::string out;
  for (std::size_t i = 0; i < plain.size();) {
    const std::size_t n = std::min(sequence_length(static_cast<unsigned char>(plain[i])),
                                   plain.size() - i);
    std::string next = marked(plain.substr(i, n), markup);
    if (out.size() + next.size() + kEllipsis.size() > room) break;
    out += next;
    i += n;
  }
  return out + std::string(kEllipsis);
}

std::string and_more(std::size_t n) { return "… and " + std::to_string(n) + " more"; }

// The lines of `events` after `head` (which already fits), within `max_bytes` in all.
std::string append_lines(std::string out, const sdk::Delivery& delivery, Markup markup,
                         std::size_t max_bytes) {
  const auto& events = delivery.events;
  const bool dated = spans_days(events);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::string sep = out.empty() || out.back() == '\n' ? "" : "\n";
    const std::size_t rest = events.size() - i - 1;
    // Room this line may use: whatever keeps space for the "… and N more" of the rest.
    const std::size_t tail = rest == 0 ? 0 : 1 + and_more(rest).size();
    const std::size_t used = out.size() + sep.size() + tail;
    const std::string plain = event_line(events[i], dated);
    const std::string line = marked(plain, markup);
    if (used + line.size() <= max_bytes) {
      out += sep + line;
      continue;
    }
    // The first line is cut rather than dropped: a message must tell at least one event.
    if (i == 0 && used + kEllipsis.size() < max_bytes) {
      out += sep + fit(plain, markup, max_bytes - used);
      continue;
    }
    return out + sep + and_more(events.size() - i);
  }
  return out;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string title(const sdk::Delivery& delivery) {
  return std::string(kSender) + ": " + headline(delivery);
}

std::string headline(const sdk::Delivery& delivery) {
  const auto& events = delivery.events;
  if (events.empty()) return "no events";
  if (delivery.shape == sdk::Delivery::Shape::kSummary) {
    return "summary of " + std::to_string(events.size()) + " events from " +
           whole_seconds(events.front().time) + " to " + whole_seconds(events.back().time);
  }
  if (events.size() == 1) {
    // The room title() leaves after "slob-host: ".
    constexpr std::size_t kRoom = kMaxTitleBytes - (sizeof kSender - 1) - 2;
    return fit(event_headline(events.front()), Markup::kPlain, kRoom);
  }
  sdk::Severity top = sdk::Severity::kInfo;
  for (const auto& e : events) top = std::max(top, e.severity);
  std::string t = std::to_string(events.size()) + " events";
  if (top >= sdk::Severity::kWarning) {
    const auto n = std::count_if(events.begin(), events.end(),
                                 [&](const sdk::AuditEvent& e) { return e.severity == top; });
    t += " (" + std::to_string(n) + " " + sdk::severity_name(top) + ")";
  }
  return t;
}

std::string event_headline(const sdk::AuditEvent& event) {
  const auto it = headlines().find(event.type);
  std::string t = it != headlines().end() ? std::string(it->second) : one_line(event.type);
  if (!event.reason.empty()) t += " — " + one_line(event.reason);
  return t;
}

std::string event_line(const sdk::AuditEvent& event, bool with_date) {
  std::string when = whole_seconds(event.time);  // 2025-03-14T14:31:00Z
  when = with_date ? when.replace(10, 1, " ") : when.substr(11);
  std::string line = when + " " + sdk::severity_name(event.severity) + " " + one_line(event.type);
  if (!event.subject.empty()) line += " " + one_line(event.subject);
  if (!event.reason.empty()) line += ": " + one_line(event.reason);
  if (!event.fields.empty()) {
    line += " (";
    for (std::size_t i = 0; i < event.fields.size(); ++i) {
      if (i) line += ", ";
      line += one_line(event.fields[i].key) + "=" + one_line(event.fields[i].value);
    }
    line += ")";
  }
  return line;
}

std::string message(const sdk::Delivery& delivery, Markup markup, std::size_t max_bytes) {
  const std::string open = markup == Markup::kHtml ? "<b>" : "";
  const std::string close = markup == Markup::kHtml ? "</b>" : "";
  // The title takes at most half: the events are the message.
  const std::size_t markup_bytes = open.size() + close.size() + 2;
  const std::size_t room = max_bytes / 2 > markup_bytes ? max_bytes / 2 - markup_bytes : 0;
  return append_lines(open + fit(title(delivery), markup, room) + close + "\n\n", delivery,
                      markup, max_bytes);
}

std::string body_lines(const sdk::Delivery& delivery, Markup markup, std::size_t max_bytes) {
  return append_lines("", delivery, markup, max_bytes);
}

}  // namespace slob::plugins::alert_text
