#include "latency_probe.hpp"

#include <cstdio>
#include <fstream>

namespace slob::tools::ib_gateway_sim {

LatencyProbe::LatencyProbe(boost::asio::io_context& io, Options options, std::function<void()> emit_bar,
                           std::function<std::int64_t()> market_now,
                           std::function<void(std::int64_t)> cancel_order)
    : options_(std::move(options)),
      emit_bar_(std::move(emit_bar)),
      market_now_(std::move(market_now)),
      cancel_order_(std::move(cancel_order)),
      timer_(io),
      timeout_timer_(io),
      cancel_timer_(io) {}

void LatencyProbe::on_subscribed() {
  if (!active() || started_) return;
  started_ = true;
  timer_.expires_after(options_.settle);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) start_trial();
  });
}

void LatencyProbe::start_trial() {
  trial_start_ = std::chrono::steady_clock::now();
  // Every bar of the minute but the last: the client holds an open candle. (At most a minute of
  // bars, should the market time not be on a 5-second grid.)
  int bars = 0;
  do {
    emit_bar_();
  } while (market_now_() % 60 != 55 && ++bars < 12);
  timer_.expires_after(options_.pause);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) send_trigger();
  });
}

void LatencyProbe::send_trigger() {
  waiting_ = true;
  sent_ = std::chrono::steady_clock::now();
  emit_bar_();  // ends on the minute boundary: the client closes the candle at once
  timeout_timer_.expires_after(options_.timeout);
  timeout_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && waiting_) end_trial(true);
  });
}

void LatencyProbe::on_place_order(std::int64_t order_id, std::int64_t parent_id, bool transmit) {
  if (!waiting_ || parent_id != 0 || transmit) return;
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - sent_).count();
  if (done_ >= options_.warmup) results_.push_back(std::to_string(us));
  cancel_timer_.expires_after(options_.cancel_after);
  cancel_timer_.async_wait([this, order_id](const boost::system::error_code& ec) {
    if (!ec) cancel_order_(order_id);
  });
  end_trial(false);
}

void LatencyProbe::end_trial(bool timed_out) {
  waiting_ = false;
  timeout_timer_.cancel();
  if (timed_out && done_ >= options_.warmup) results_.push_back("timeout");
  if (++done_ >= options_.warmup + options_.trials) return finish();
  const auto next = trial_start_ + options_.spacing;
  timer_.expires_at(std::max(next, std::chrono::steady_clock::now()));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) start_trial();
  });
}

void LatencyProbe::finish() {
  const std::string tmp = options_.out_path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (const auto& r : results_) out << r << "\n";
  }
  std::rename(tmp.c_str(), options_.out_path.c_str());
}

}  // namespace slob::tools::ib_gateway_sim
