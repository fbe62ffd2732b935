#include "telegram_observer.hpp"

#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "alert_json.hpp"
#include "alert_text.hpp"

namespace slob::plugins::telegram {
namespace {

using Outcome = sdk::DeliveryResult::Outcome;

// Telegram's "description", on one line and short, with the token blanked should it ever be
// echoed; "" when the reply has none.
std::string description(const nlohmann::json& reply, const std::string& token) {
  const auto it = reply.find("description");
  if (it == reply.end() || !it->is_string()) return "";
  std::string text = it->get<std::string>().substr(0, 300);
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  for (auto at = text.find(token); !token.empty() && at != std::string::npos; at = text.find(token))
    text.replace(at, token.size(), "<token>");
  return text;
}

// parameters.retry_after: the seconds Telegram asks us to wait (flood control).
std::optional<long long> retry_after(const nlohmann::json& reply) {
  const auto p = reply.find("parameters");
  if (p == reply.end() || !p->is_object()) return std::nullopt;
  const auto r = p->find("retry_after");
  if (r == p->end() || !r->is_number_integer()) return std::nullopt;
  return r->get<long long>();
}

}  // namespace

webhook::PostRequest send_message_request(const TelegramConfig& config,
                                          const sdk::Delivery& delivery) {
  webhook::PostRequest r;
  r.url = config.base_url;
  r.url.target += "/bot" + config.bot_token + "/sendMessage";
  r.peer = destination(config);
  r.timeout = config.transport.timeout;
  r.ca_file = config.transport.ca_file;
  nlohmann::json body = {
      {"text", alert_text::message(delivery, alert_text::Markup::kHtml, kMaxMessageBytes)},
      {"parse_mode", "HTML"},
      {"disable_web_page_preview", true}};
  std::visit([&](const auto& id) { body["chat_id"] = id; }, config.chat_id);
  r.body = alert_text::dump_json(body);
  return r;
}

sdk::DeliveryResult telegram_result(const webhook::PostResult& post, const std::string& token) {
  if (post.http_status == 0) {  // no answer: the transport's own result (a retry)
    return {post.outcome == webhook::PostOutcome::kRefused ? Outcome::kRefused : Outcome::kRetry,
            post.reason};
  }
  const nlohmann::json reply = nlohmann::json::parse(post.body, nullptr, false);
  const bool is_object = reply.is_object();
  const int status = post.http_status;
  if (status >= 200 && status <= 299 && is_object && reply.value("ok", false) == true)
    return {Outcome::kDelivered, ""};

  std::string reason = post.reason;  // "<peer>: HTTP <status>"
  if (const std::string d = is_object ? description(reply, token) : ""; !d.empty())
    reason += ": " + d;
  if (const auto wait = is_object ? retry_after(reply) : std::nullopt)
    return {Outcome::kRetry, reason + " (retry_after " + std::to_string(*wait) + "s)"};
  if (status >= 200 && status <= 299)
    return {Outcome::kRetry, reason + ": the reply is not {\"ok\": true}"};
  // As http_post() classified the status: 408, 429 and 5xx retry; 400 (chat not found), 401
  // (wrong token), 403 (bot blocked or kicked), 404 and every other status are refused.
  return {post.outcome == webhook::PostOutcome::kRefused ? Outcome::kRefused : Outcome::kRetry,
          reason};
}

TelegramObserver::TelegramObserver(sdk::HostServices& host, TelegramConfig config)
    : host_(host), config_(std::move(config)) {}

// Nothing of ours may run after we are gone (the library may be unloaded next).
TelegramObserver::~TelegramObserver() { in_flight_.cancel(); }

void TelegramObserver::deliver(const sdk::Delivery& delivery,
                               std::function<void(sdk::DeliveryResult)> done) {
  // The callback holds the host's `done` and a copy of the token, never `this`.
  in_flight_ = webhook::http_post(
      host_.io_context(), send_message_request(config_, delivery),
      [done = std::move(done), token = config_.bot_token](webhook::PostResult r) {
        done(telegram_result(r, token));
      });
}

void TelegramObserver::cancel() { in_flight_.cancel(); }

std::string TelegramObserver::destination() const { return telegram::destination(config_); }

void TelegramObserver::stop(std::function<void()> done) {
  in_flight_.cancel();
  done();
}

}  // namespace slob::plugins::telegram
