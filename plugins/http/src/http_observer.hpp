#pragma once

// The `http` observer: an HTTP server (http_server.hpp) that shows what the host's views show —
// the dashboard page, /metrics, /api/<view>. It does not forward events: deliver() confirms each
// delivery at once (the dashboard reads recent events through the host's "dashboard" view), so
// its cursor never holds anything back.
//
// Threading: the host's calls on its loop; the server on its own thread, reading the views
// through HostServices::read_view (safe from there, bounded). stop() and the destructor close
// the port and every connection before they return.

#include <functional>
#include <memory>
#include <string>

#include "http_server.hpp"
#include "slob/sdk/host_services.hpp"
#include "slob/sdk/observer.hpp"

namespace slob::plugins::http {

class HttpObserver final : public sdk::Observer {
 public:
  HttpObserver(sdk::HostServices& host, std::unique_ptr<HttpServer> server);
  ~HttpObserver() override;

  void deliver(const sdk::Delivery& delivery,
               std::function<void(sdk::DeliveryResult)> done) override;
  void cancel() override {}
  // "http://127.0.0.1:8787/ (dashboard, /metrics, /api)": where it serves, with the actual port.
  std::string destination() const override;
  void stop(std::function<void()> done) override;

 private:
  void close();

  sdk::HostServices& host_;
  std::unique_ptr<HttpServer> server_;
  const std::string url_;
};

}  // namespace slob::plugins::http
