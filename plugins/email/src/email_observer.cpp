#include "email_observer.hpp"

#include <unistd.h>

#include <chrono>
#include <utility>

#include "alert_render.hpp"
#include "message.hpp"

namespace slob::plugins::email {

namespace {

std::string machine_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "unknown";
  return name;
}

sdk::DeliveryResult to_delivery_result(SendResult sent) {
  switch (sent.outcome) {
    case Outcome::kDelivered: return {sdk::DeliveryResult::Outcome::kDelivered, ""};
    case Outcome::kPermanent: return {sdk::DeliveryResult::Outcome::kRefused, std::move(sent.reason)};
    case Outcome::kRetryable: break;
  }
  return {sdk::DeliveryResult::Outcome::kRetry, std::move(sent.reason)};
}

}  // namespace

sdk::Result<std::unique_ptr<EmailObserver>> EmailObserver::create(sdk::HostServices& host,
                                                                   EmailConfig config) {
  auto client = SmtpClient::create(host.io_context(), config.client);
  if (!client) return client.status();
  return std::unique_ptr<EmailObserver>(
      new EmailObserver(std::move(config), std::move(*client)));
}

EmailObserver::EmailObserver(EmailConfig config, SmtpClient client)
    : config_(std::move(config)), client_(std::move(client)), hostname_(machine_name()) {}

EmailObserver::~EmailObserver() { cancel(); }

void EmailObserver::deliver(const sdk::Delivery& delivery,
                            std::function<void(sdk::DeliveryResult)> done) {
  // What cannot become a message is refused at once: sending it again would not help.
  const auto refuse = [&](const std::string& why) {
    done({sdk::DeliveryResult::Outcome::kRefused, "email " + destination() + ": " + why});
  };
  if (delivery.events.empty()) return refuse("a delivery without events");
  const AlertContent content = describe_delivery(delivery, hostname_);
  auto rendered = render_all(config_.templates, content.values, content.html_markup);
  if (!rendered) return refuse(rendered.status().message());
  Message message;
  message.from = config_.envelope.from;
  message.to = config_.envelope.to;
  message.subject = config_.subject_prefix.empty()
                        ? rendered->subject
                        : config_.subject_prefix + " " + rendered->subject;
  message.text = std::move(rendered->text);
  message.html = std::move(rendered->html);
  message.idempotency_key = delivery.idempotency_key;
  // The latest event's time, not the send's: a re-sent delivery is then the same bytes (the
  // Message-ID and MIME boundary come from the key), and a mailbox sorts alerts by when they
  // happened.
  message.date = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
      delivery.events.back().time);
  auto data = build_message(message);
  if (!data) return refuse(data.status().message());
  in_flight_ = client_.send(config_.envelope, std::move(*data),
                            [done = std::move(done)](SendResult sent) {
                              done(to_delivery_result(std::move(sent)));
                            });
}

void EmailObserver::cancel() {
  in_flight_.cancel();
  in_flight_ = SendHandle();
}

std::string EmailObserver::destination() const {
  const auto& c = config_.client;
  const bool ipv6 = c.host.find(':') != std::string::npos;
  std::string out = (ipv6 ? "[" + c.host + "]" : c.host) + ":" + std::to_string(c.port) + " ->";
  for (std::size_t i = 0; i < config_.envelope.to.size(); ++i) {
    out += (i == 0 ? " " : ", ") + config_.envelope.to[i];
  }
  return out;
}

void EmailObserver::stop(std::function<void()> done) {
  cancel();
  done();
}

}  // namespace slob::plugins::email
