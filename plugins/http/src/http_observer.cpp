#include "http_observer.hpp"

namespace slob::plugins::http {

HttpObserver::HttpObserver(sdk::HostServices& host, std::unique_ptr<HttpServer> server)
    : host_(host), server_(std::move(server)), url_(server_->url()) {
  host_.logger().info("SLOB_HTTP_LISTENING",
                      "serving " + url_ + " (the dashboard, /metrics, /api/<view>)");
}

HttpObserver::~HttpObserver() { close(); }

void HttpObserver::deliver(const sdk::Delivery&, std::function<void(sdk::DeliveryResult)> done) {
  done({sdk::DeliveryResult::Outcome::kDelivered, ""});
}

std::string HttpObserver::destination() const { return url_ + " (dashboard, /metrics, /api)"; }

void HttpObserver::stop(std::function<void()> done) {
  close();
  done();
}

void HttpObserver::close() {
  if (!server_) return;
  server_->stop();
  server_.reset();
  host_.logger().info("SLOB_HTTP_STOPPED", url_ + " closed");
}

}  // namespace slob::plugins::http
