#include "trading/live_reconcile.hpp"

#include <cmath>
#include <sstream>
#include <utility>

namespace slob::core {
namespace {

std::string price_text(double p) {
  std::ostringstream s;
  s.precision(12);  // 25550.25 in full
  s << p;
  return s.str();
}

}  // namespace

std::optional<std::string> unexpected_order_report(const sdk::OrderReport& report,
                                                   const sdk::JournalEntry* journal) {
  if (!journal || sdk::order_state_is_final(journal->state)) return std::nullopt;
  const std::string order = "order " + report.client_ref + " (setup " + journal->setup_id + ")";
  if (report.state == sdk::OrderState::kCancelled || report.state == sdk::OrderState::kRejected) {
    return order + " " + sdk::order_state_name(report.state) + " at the broker" +
           (report.reason.empty() ? "" : " (" + report.reason + ")");
  }
  if (report.quantity > 0 && report.quantity != journal->quantity) {
    return order + " modified at the broker: quantity " + std::to_string(journal->quantity) + " -> " +
           std::to_string(report.quantity);
  }
  // A market order has no price of its own; a report without one (0) says nothing about it.
  if (journal->type != sdk::OrderType::kMarket && report.price > 0 &&
      std::abs(report.price - journal->price) > 1e-9) {
    return order + " modified at the broker: price " + price_text(journal->price) + " -> " +
           price_text(report.price);
  }
  return std::nullopt;
}

std::optional<std::string> unexpected_execution(const sdk::Execution& e) {
  if (sdk::is_bot_ref(e.client_ref)) return std::nullopt;
  return "execution " + e.exec_id + " " + sdk::side_name(e.side) + " " + std::to_string(e.quantity) + " " +
         e.symbol + " @ " + price_text(e.price) + " has no slob reference (a trade outside the bot)";
}

std::optional<std::string> unexpected_position(const sdk::Position& p, std::int64_t expected) {
  if (p.quantity == expected) return std::nullopt;
  return "position " + p.symbol + " " + std::to_string(p.quantity) + " at the broker, " +
         std::to_string(expected) + " by the open trades";
}

LiveReconcile::LiveReconcile(sdk::Clock& clock, sdk::Duration interval, sdk::Duration retry,
                             Callbacks callbacks)
    : clock_(clock), interval_(interval), retry_(retry), callbacks_(std::move(callbacks)) {}

LiveReconcile::~LiveReconcile() {
  clock_.cancel(periodic_timer_);
  clock_.cancel(retry_timer_);
}

void LiveReconcile::request(const std::string& why) {
  if (!running_) return;
  if (!waiting_) waiting_ = why;
  attempt();
}

void LiveReconcile::set_running(bool running) {
  if (running == running_) return;
  running_ = running;
  clock_.cancel(std::exchange(retry_timer_, sdk::kNoTimer));
  waiting_.reset();
  if (running) arm_periodic();
  else clock_.cancel(std::exchange(periodic_timer_, sdk::kNoTimer));
}

void LiveReconcile::finished() {
  if (waiting_) attempt();
}

void LiveReconcile::attempt() {
  if (!waiting_ || !running_) return;
  switch (callbacks_.readiness()) {
    case Readiness::kNotNeeded:
      waiting_.reset();
      clock_.cancel(std::exchange(retry_timer_, sdk::kNoTimer));
      return;
    case Readiness::kLater:
      if (retry_timer_ == sdk::kNoTimer) {
        retry_timer_ = clock_.call_after(retry_, [this] {
          retry_timer_ = sdk::kNoTimer;
          attempt();
        });
      }
      return;
    case Readiness::kNow:
      break;
  }
  clock_.cancel(std::exchange(retry_timer_, sdk::kNoTimer));
  const std::string why = std::move(*waiting_);
  waiting_.reset();
  ++started_;
  last_reason_ = why;
  // Any reconciliation resets the backstop: the next one is due an interval after this one.
  arm_periodic();
  callbacks_.start(why);
}

void LiveReconcile::arm_periodic() {
  clock_.cancel(periodic_timer_);
  periodic_timer_ = clock_.call_after(interval_, [this] {
    periodic_timer_ = sdk::kNoTimer;
    request("periodic reconciliation (every " + sdk::format_duration(interval_) + ")");
    if (periodic_timer_ == sdk::kNoTimer && running_) arm_periodic();  // it had to wait
  });
}

}  // namespace slob::core
