#pragma once

// The `email` observer: each Delivery becomes one multipart text + HTML message (alert_render,
// template, message) submitted with one SMTP attempt (smtp_client). The host owns retries,
// backoff and the overall timeout (sdk/observer.hpp); this class only maps one attempt's outcome:
//   delivered -> kDelivered; a 5xx reply (wrong password, refused recipient) -> kRefused;
//   anything else (4xx, timeout, connection or TLS failure) -> kRetry.
//
// Threading: the loop thread only; the send runs on HostServices::io_context(). At most one send
// is in flight (the host waits for `done`); cancel() and the destructor abort it, and its `done`
// is then never called.

#include <functional>
#include <memory>
#include <string>

#include "email_config.hpp"
#include "slob/sdk/host_services.hpp"
#include "slob/sdk/observer.hpp"
#include "smtp_client.hpp"

namespace slob::plugins::email {

class EmailObserver final : public sdk::Observer {
 public:
  static sdk::Result<std::unique_ptr<EmailObserver>> create(sdk::HostServices& host,
                                                            EmailConfig config);
  ~EmailObserver() override;

  void deliver(const sdk::Delivery& delivery,
               std::function<void(sdk::DeliveryResult)> done) override;
  void cancel() override;
  // "smtp.example.com:587 -> ops@example.com, trader@example.net"
  std::string destination() const override;
  void stop(std::function<void()> done) override;

 private:
  EmailObserver(EmailConfig config, SmtpClient client);

  EmailConfig config_;
  SmtpClient client_;
  std::string hostname_;  // {{host}}
  SendHandle in_flight_;
};

}  // namespace slob::plugins::email
