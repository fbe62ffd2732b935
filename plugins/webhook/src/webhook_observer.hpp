#pragma once

// The `webhook` observer: each Delivery is one POST (http_post) of the preset's body to the
// configured URL; the transport's result is the delivery's result. Retries, backoff and the
// overall deadline are the host's (sdk/observer.hpp).
//
// Threading: everything on the host's loop (HostServices::io_context()); `done` runs there.
// At most one POST is in flight (the host waits for `done` before the next delivery).

#include <functional>

#include "https_client.hpp"
#include "slob/sdk/host_services.hpp"
#include "slob/sdk/observer.hpp"
#include "webhook_config.hpp"

namespace slob::plugins::webhook {

// The request a delivery becomes (README.md "Bodies"): body, content type and headers of the
// preset, the operator's headers, Authorization when a bearer token is set, Idempotency-Key.
PostRequest webhook_request(const WebhookConfig& config, const sdk::Delivery& delivery);

// The transport's result as the host's: outcome as classified by http_post(), reason as is.
sdk::DeliveryResult delivery_result(const PostResult& result);

class WebhookObserver final : public sdk::Observer {
 public:
  WebhookObserver(sdk::HostServices& host, WebhookConfig config);
  ~WebhookObserver() override;

  void deliver(const sdk::Delivery& delivery,
               std::function<void(sdk::DeliveryResult)> done) override;
  void cancel() override;
  // The URL without its query (HttpUrl::display()); it has no user information.
  std::string destination() const override;
  void stop(std::function<void()> done) override;

 private:
  sdk::HostServices& host_;
  const WebhookConfig config_;
  PostHandle in_flight_;
};

}  // namespace slob::plugins::webhook
