#pragma once

// Bench-only mode of the gateway simulator (`--bench-trials N --bench-out FILE`): measures the
// client's trigger-to-order latency from the gateway's side of the socket. Once the client
// subscribes to real-time bars (and a settle delay has passed, for its backfill), each trial
// streams the 5-second bars of one minute, pauses, then sends the bar that completes the minute
// (the one starting at :55) and takes the time; the trial ends when the parent placeOrder
// (transmit = 0, no parent id) arrives. The client's strategy must complete a setup on every
// such candle (bench/trigger_strategy.cpp). Trials are spaced so the client's outgoing pacing
// (under 50 messages/s, three per bracket) never delays a parent.
//
// Soon after it arrived the bracket is cancelled (the parent, which takes its children along),
// as an unfilled entry would be: a real account holds a few working brackets, not one per trial,
// and the client's store should look like a real one's when the next trigger comes. Soon, so
// the client's disk is as idle before each trigger as it would be without the cancel.
//
// The first `warmup` trials are not recorded. When done, FILE holds one latency in microseconds
// per line (written to FILE.tmp, then renamed, so a reader never sees half a file); a trial
// without an order within the timeout is written as "timeout".
//
// Threading: the gateway's io_context thread only.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace slob::tools::ib_gateway_sim {

class LatencyProbe {
 public:
  struct Options {
    int trials = 0;
    int warmup = 20;
    std::string out_path;
    std::chrono::milliseconds settle{500};     // after the subscription, before the first trial
    std::chrono::milliseconds pause{3};        // between the minute's first bars and the last
    std::chrono::milliseconds spacing{75};     // from one trial's start to the next
    std::chrono::milliseconds timeout{3000};  // no parent order by then: the trial failed
    std::chrono::milliseconds cancel_after{10};  // from the parent's arrival to its cancel
  };

  // `emit_bar` sends the next 5-second bar to every subscriber; `market_now` is the market time
  // (epoch seconds) the next bar starts at; `cancel_order` cancels an order as a client's
  // cancelOrder would.
  LatencyProbe(boost::asio::io_context& io, Options options, std::function<void()> emit_bar,
               std::function<std::int64_t()> market_now, std::function<void(std::int64_t)> cancel_order);

  bool active() const { return options_.trials > 0; }
  void on_subscribed();
  void on_place_order(std::int64_t order_id, std::int64_t parent_id, bool transmit);

 private:
  void start_trial();
  void send_trigger();
  void end_trial(bool timed_out);
  void finish();

  Options options_;
  std::function<void()> emit_bar_;
  std::function<std::int64_t()> market_now_;
  std::function<void(std::int64_t)> cancel_order_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer timeout_timer_;
  boost::asio::steady_timer cancel_timer_;
  bool started_ = false;
  bool waiting_ = false;
  int done_ = 0;
  std::chrono::steady_clock::time_point trial_start_;
  std::chrono::steady_clock::time_point sent_;
  std::vector<std::string> results_;
};

}  // namespace slob::tools::ib_gateway_sim
