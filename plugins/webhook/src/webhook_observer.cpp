#include "webhook_observer.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <utility>

#include "alert_json.hpp"
#include "alert_text.hpp"
#include "slob/sdk/events.hpp"

namespace slob::plugins::webhook {
namespace {

namespace text = alert_text;

// Slack shows up to 40,000 characters of `text` but advises keeping it under 4,000.
constexpr std::size_t kSlackTextBytes = 4000;
// ntfy turns a longer message into an attachment.
constexpr std::size_t kNtfyMessageBytes = 4096;

sdk::Severity highest(const sdk::Delivery& delivery) {
  sdk::Severity top = sdk::Severity::kInfo;
  for (const auto& e : delivery.events) top = std::max(top, e.severity);
  return top;
}

// ntfy's priorities: 5 max/urgent, 4 high, 3 default, 2 low.
const char* ntfy_priority(sdk::Severity s) {
  switch (s) {
    case sdk::Severity::kCritical: return "5";
    case sdk::Severity::kWarning: return "4";
    case sdk::Severity::kNotice: return "3";
    case sdk::Severity::kInfo: return "2";
  }
  return "3";
}

// ntfy shows a tag that names an emoji as that emoji, before the title.
const char* ntfy_emoji(sdk::Severity s) {
  switch (s) {
    case sdk::Severity::kCritical: return "rotating_light";
    case sdk::Severity::kWarning: return "warning";
    case sdk::Severity::kNotice: return "bell";
    case sdk::Severity::kInfo: return "information_source";
  }
  return "bell";
}

// A header value as ntfy (2.4.0 and newer) reads it: ASCII as it is, anything else as one
// RFC 2047 encoded word, since HTTP header values are not UTF-8.
std::string ntfy_header_text(const std::string& utf8) {
  if (std::all_of(utf8.begin(), utf8.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
    return utf8;
  std::string b64(4 * ((utf8.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                reinterpret_cast<const unsigned char*>(utf8.data()),
                                static_cast<int>(utf8.size()));
  b64.resize(static_cast<std::size_t>(n));
  return "=?UTF-8?B?" + b64 + "?=";
}

}  // namespace

PostRequest webhook_request(const WebhookConfig& config, const sdk::Delivery& delivery) {
  PostRequest r;
  r.url = config.url;
  r.timeout = config.transport.timeout;
  r.ca_file = config.transport.ca_file;
  switch (config.preset) {
    case Preset::kGeneric:
      r.body = text::dump_json(text::generic_body(delivery));
      break;
    case Preset::kSlack:
      r.body = text::dump_json(
          {{"text", text::message(delivery, text::Markup::kPlain, kSlackTextBytes)}});
      break;
    case Preset::kNtfy: {
      const sdk::Severity top = highest(delivery);
      r.content_type = "text/plain; charset=utf-8";
      r.body = text::body_lines(delivery, text::Markup::kPlain, kNtfyMessageBytes);
      r.headers.push_back({"Title", ntfy_header_text(text::title(delivery))});
      r.headers.push_back({"Priority", ntfy_priority(top)});
      r.headers.push_back({"Tags", std::string(ntfy_emoji(top)) + "," + text::kSender});
      break;
    }
  }
  r.headers.push_back({"Idempotency-Key", delivery.idempotency_key});
  if (config.bearer_token) r.headers.push_back({"Authorization", "Bearer " + *config.bearer_token});
  r.headers.insert(r.headers.end(), config.headers.begin(), config.headers.end());
  return r;
}

sdk::DeliveryResult delivery_result(const PostResult& result) {
  using Outcome = sdk::DeliveryResult::Outcome;
  switch (result.outcome) {
    case PostOutcome::kDelivered: return {Outcome::kDelivered, ""};
    case PostOutcome::kRefused: return {Outcome::kRefused, result.reason};
    case PostOutcome::kRetry: return {Outcome::kRetry, result.reason};
  }
  return {Outcome::kRetry, result.reason};
}

WebhookObserver::WebhookObserver(sdk::HostServices& host, WebhookConfig config)
    : host_(host), config_(std::move(config)) {}

// Nothing of ours may run after we are gone (the library may be unloaded next).
WebhookObserver::~WebhookObserver() { in_flight_.cancel(); }

void WebhookObserver::deliver(const sdk::Delivery& delivery,
                              std::function<void(sdk::DeliveryResult)> done) {
  // The callback holds only the host's `done`, never `this`.
  in_flight_ = http_post(host_.io_context(), webhook_request(config_, delivery),
                         [done = std::move(done)](PostResult r) { done(delivery_result(r)); });
}

void WebhookObserver::cancel() { in_flight_.cancel(); }

std::string WebhookObserver::destination() const { return config_.url.display(); }

void WebhookObserver::stop(std::function<void()> done) {
  in_flight_.cancel();
  done();
}

}  // namespace slob::plugins::webhook
