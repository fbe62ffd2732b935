#include "bar_feed.hpp"

#include <algorithm>

#include "ib_time.hpp"

namespace slob::plugins::ib {
namespace {

constexpr sdk::Duration kRealtimeSpan = std::chrono::seconds(5);
constexpr sdk::Duration kMinuteSpan = std::chrono::minutes(1);
constexpr sdk::Duration kMaxWatchdog = std::chrono::minutes(5);

// A duration TWS accepts for 1-minute bars covering [from, now] with a minute of slack.
std::string duration_for(sdk::Time from, sdk::Time now) {
  using namespace std::chrono;
  const auto secs = duration_cast<seconds>(now - from).count() + 60;
  if (secs <= 86400) return std::to_string(std::max<std::int64_t>(secs, 60)) + " S";
  return std::to_string((secs + 86399) / 86400) + " D";
}

}  // namespace

BarFeed::BarFeed(sdk::HostServices& host, BarFeedOutput& out, const IbConfig& config, const date::time_zone* zone)
    : host_(host), out_(out), config_(config), zone_(zone) {}

BarFeed::~BarFeed() {
  for (auto& [symbol, sub] : subs_)
    if (sub.watchdog != sdk::kNoTimer) host_.clock().cancel(sub.watchdog);
}

sdk::Status BarFeed::subscribe(const sdk::MarketDataRequest& request) {
  if (request.symbol != config_.symbol) {
    return sdk::Status::invalid_argument("ib: only the configured symbol \"" + config_.symbol +
                                         "\" can be subscribed, not \"" + request.symbol + "\"");
  }
  Sub& sub = subs_[request.symbol];
  // What an active subscription already covers: its backfill's start, or everything after what
  // was delivered (nothing before now when it has delivered nothing).
  const bool active = running_ && sub.phase != Phase::kIdle;
  const std::optional<sdk::Time> covered_from =
      sub.phase == Phase::kBackfilling ? sub.backfill_from : sub.delivered_until;
  sub.request = request;
  if (request.backfill_from) {
    // Never ask again for what was already delivered.
    sub.backfill_from = sub.delivered_until ? std::max(*request.backfill_from, *sub.delivered_until)
                                            : *request.backfill_from;
  }
  if (!running_) return sdk::Status::ok();
  // The feed re-issues its subscriptions by itself after a reconnect or 1101, so a host that
  // subscribes again then must not cancel and repeat them: the repeat would be an identical
  // historical request within 15 s (an IB pacing violation, so a lost backfill) and a gap in the
  // live bars. Only history the active requests do not cover needs new ones.
  const bool needs_more = request.backfill_from && (!covered_from || *sub.backfill_from < *covered_from);
  if (active && !needs_more) {
    if (sub.phase == Phase::kLive) sub.backfill_from.reset();
    return sdk::Status::ok();
  }
  cancel_requests(sub);
  issue(sub);
  return sdk::Status::ok();
}

void BarFeed::start(const Contract& front, TradingHours hours) {
  front_ = front;
  hours_ = std::move(hours);
  running_ = true;
  for (auto& [symbol, sub] : subs_) issue(sub);
}

void BarFeed::stop() {
  running_ = false;
  for (auto& [symbol, sub] : subs_) {
    if (sub.watchdog != sdk::kNoTimer) host_.clock().cancel(sub.watchdog);
    sub.watchdog = sdk::kNoTimer;
    sub.rt_req_id = 0;
    sub.hist_req_id = 0;
    sub.held.clear();
    sub.phase = Phase::kIdle;
  }
}

void BarFeed::resubscribe() {
  if (!running_) return;
  for (auto& [symbol, sub] : subs_) {
    cancel_requests(sub);
    issue(sub);
  }
}

void BarFeed::change_contract(const Contract& front, TradingHours hours) {
  for (auto& [symbol, sub] : subs_) cancel_requests(sub);
  front_ = front;
  hours_ = std::move(hours);
  for (auto& [symbol, sub] : subs_) issue(sub);
}

void BarFeed::verify() {
  for (auto& [symbol, sub] : subs_)
    if (sub.phase == Phase::kLive) arm_watchdog(sub);
}

void BarFeed::cancel_requests(Sub& sub) {
  if (sub.rt_req_id) out_.send_request(encode_cancel_real_time_bars(sub.rt_req_id));
  if (sub.hist_req_id && sub.phase == Phase::kBackfilling) {
    out_.send_request(encode_cancel_historical_data(sub.hist_req_id));
  }
  sub.rt_req_id = 0;
  sub.hist_req_id = 0;
  sub.held.clear();
  sub.phase = Phase::kIdle;
}

void BarFeed::issue(Sub& sub) {
  const sdk::Time now = host_.clock().now();
  sub.rt_req_id = out_.next_request_id();
  out_.send_request(encode_req_real_time_bars(sub.rt_req_id, front_, "TRADES", false));
  std::optional<sdk::Time> from = sub.backfill_from;
  if (sub.delivered_until && (!from || *from < *sub.delivered_until)) from = sub.delivered_until;
  if (from && *from + kMinuteSpan <= now) {
    sub.backfill_from = from;
    sub.hist_req_id = out_.next_request_id();
    HistoricalRequest h;
    h.bar_size = "1 min";
    h.duration = duration_for(*from, now);
    h.what_to_show = "TRADES";
    h.format_date = 2;
    out_.send_request(encode_req_historical_data(sub.hist_req_id, front_, h));
    sub.phase = Phase::kBackfilling;
    host_.logger().info("SLOB_IB_BACKFILL_REQUESTED", "backfill " + sub.request.symbol + " 1-minute bars from " +
                                                          sdk::format_rfc3339(*from) + " (" + h.duration + ")");
  } else {
    sub.phase = Phase::kLive;
  }
  arm_watchdog(sub);
}

void BarFeed::arm_watchdog(Sub& sub) {
  if (sub.watchdog != sdk::kNoTimer) host_.clock().cancel(sub.watchdog);
  sdk::Duration wait = config_.bar_watchdog;
  for (int i = 0; i < sub.stalls && wait < kMaxWatchdog; ++i) wait *= 2;
  wait = std::min(wait, std::max(kMaxWatchdog, config_.bar_watchdog));
  sub.watchdog = host_.clock().call_after(wait, [this, symbol = sub.request.symbol] { on_watchdog(symbol); });
}

void BarFeed::on_watchdog(const std::string& symbol) {
  auto it = subs_.find(symbol);
  if (it == subs_.end()) return;
  Sub& sub = it->second;
  sub.watchdog = sdk::kNoTimer;
  if (!running_) return;
  if (!hours_.is_open(host_.clock().now())) {
    arm_watchdog(sub);  // a quiet market is not a stalled feed
    return;
  }
  ++sub.stalls;
  const std::string reason = "no " + symbol + " bar for " +
                             std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(config_.bar_watchdog).count()) +
                             " ms during trading hours; re-requesting (attempt " + std::to_string(sub.stalls) + ")";
  host_.logger().warn("SLOB_IB_BARS_STALLED", reason);
  out_.feed_health(false, reason);
  cancel_requests(sub);
  issue(sub);
}

BarFeed::Sub* BarFeed::by_rt(std::int64_t req_id) {
  for (auto& [s, sub] : subs_)
    if (sub.rt_req_id == req_id && req_id != 0) return &sub;
  return nullptr;
}

BarFeed::Sub* BarFeed::by_hist(std::int64_t req_id) {
  for (auto& [s, sub] : subs_)
    if (sub.hist_req_id == req_id && req_id != 0) return &sub;
  return nullptr;
}

void BarFeed::deliver(Sub& sub, const sdk::Bar& bar) {
  if (sub.delivered_until && bar.start < *sub.delivered_until) return;  // already delivered
  sub.delivered_until = bar.start + bar.span;
  if (listener_) listener_->on_bar(bar);
}

bool BarFeed::on_realtime_bar(const RealtimeBarMsg& m) {
  Sub* sub = by_rt(m.req_id);
  if (!sub) return false;
  if (sub->stalls > 0) {
    sub->stalls = 0;
    out_.feed_health(true, sub->request.symbol + " bars flowing again");
  }
  arm_watchdog(*sub);
  sdk::Bar b;
  b.start = sdk::Time{} + std::chrono::seconds(m.time);
  b.span = kRealtimeSpan;
  b.open = m.open;
  b.high = m.high;
  b.low = m.low;
  b.close = m.close;
  b.volume = m.volume;
  if (sub->phase == Phase::kBackfilling) sub->held.push_back(b);
  else deliver(*sub, b);
  return true;
}

bool BarFeed::on_historical(const HistoricalDataMsg& m) {
  Sub* sub = by_hist(m.req_id);
  if (!sub) return false;
  const auto end = parse_ib_time(m.end, zone_);
  const sdk::Time cutoff = end.value_or(host_.clock().now());
  std::size_t delivered = 0, bad = 0;
  for (const auto& hb : m.bars) {
    const auto start = parse_ib_time(hb.date, zone_);
    if (!start) {
      ++bad;
      continue;
    }
    if (sub->backfill_from && *start < *sub->backfill_from) continue;
    if (*start + kMinuteSpan > cutoff) continue;  // the minute in progress: partial
    sdk::Bar b;
    b.start = *start;
    b.span = kMinuteSpan;
    b.open = hb.open;
    b.high = hb.high;
    b.low = hb.low;
    b.close = hb.close;
    b.volume = hb.volume;
    b.backfill = true;
    const auto before = sub->delivered_until;
    deliver(*sub, b);
    if (sub->delivered_until != before) ++delivered;
  }
  if (bad) {
    host_.logger().error("SLOB_IB_BAD_BAR", "historicalData " + std::to_string(m.req_id) + ": " + std::to_string(bad) +
                                                " bar(s) with an unreadable date skipped");
  }
  host_.logger().info("SLOB_IB_BACKFILL_DONE", "backfill " + sub->request.symbol + ": " + std::to_string(delivered) +
                                                   " 1-minute bar(s) delivered");
  go_live(*sub);
  return true;
}

void BarFeed::go_live(Sub& sub) {
  sub.phase = Phase::kLive;
  sub.hist_req_id = 0;
  sub.backfill_from.reset();
  std::vector<sdk::Bar> held;
  held.swap(sub.held);
  for (const auto& b : held) deliver(sub, b);
}

bool BarFeed::on_error(std::int64_t req_id, int code, const std::string& text) {
  if (Sub* sub = by_hist(req_id)) {
    host_.logger().error("SLOB_IB_BACKFILL_FAILED", "backfill " + sub->request.symbol + " failed (" +
                                                        std::to_string(code) + ": " + text +
                                                        "); continuing with live bars only");
    go_live(*sub);
    return true;
  }
  if (Sub* sub = by_rt(req_id)) {
    host_.logger().error("SLOB_IB_BARS_REFUSED", "real-time bars for " + sub->request.symbol + " refused (" +
                                                     std::to_string(code) + ": " + text + ")");
    out_.feed_health(false, "real-time bars refused: " + std::to_string(code) + " " + text);
    return true;
  }
  return false;
}

}  // namespace slob::plugins::ib
