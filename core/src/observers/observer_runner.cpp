#include "observers/observer_runner.hpp"

#include <boost/asio/post.hpp>

#include "runtime/crash_points.hpp"

namespace slob::core {

struct ObserverRunner::Channel {
  Channel(const ObserverSection& c, std::unique_ptr<ObserverInstance> i)
      : config(c),
        filter{c.name, c.min_severity, c.types},
        instance(std::move(i)),
        backoff(DeliveryBackoffPolicy{
                    std::chrono::duration_cast<std::chrono::milliseconds>(c.backoff_initial),
                    std::chrono::duration_cast<std::chrono::milliseconds>(c.backoff_max), 2.0, 0.2},
                std::hash<std::string>{}(c.name)) {}

  ObserverSection config;
  EventFilter filter;
  std::unique_ptr<ObserverInstance> instance;
  DeliveryBackoff backoff;

  std::uint64_t cursor = 0;           // durable: delivered (or filtered out) through
  std::uint64_t scanned_through = 0;  // read from the store through
  bool more_in_store = false;         // the last read stopped at kMaxWaiting
  std::deque<sdk::AuditEvent> waiting;  // after the cursor, passed the filter, in order
  std::deque<sdk::AuditEvent> volatile_events;
  std::uint64_t volatile_count = 0;   // numbers their idempotency keys

  std::optional<sdk::Delivery> in_flight;
  bool in_flight_volatile = false;
  std::uint64_t attempt = 0;
  sdk::TimerId timeout_timer = sdk::kNoTimer;
  sdk::TimerId retry_timer = sdk::kNoTimer;

  std::uint64_t delivered_events = 0;
  std::uint64_t failures = 0;  // consecutive
  std::string last_error;
  std::optional<sdk::Time> last_error_at;
  std::optional<sdk::Time> last_delivered_at;
  std::optional<sdk::Time> next_attempt_at;

  bool idle() const {
    return !in_flight && waiting.empty() && volatile_events.empty() && !more_in_store;
  }
};

ObserverRunner::ObserverRunner(boost::asio::io_context& io, sdk::Store& store, sdk::Clock& market,
                               sdk::Clock& wall, sdk::Logger& log)
    : io_(io), store_(store), market_(market), wall_(wall), log_(log) {}

ObserverRunner::~ObserverRunner() {
  *alive_ = false;
  if (drain_timer_ != sdk::kNoTimer) wall_.cancel(drain_timer_);
  for (auto& [name, c] : channels_) {
    if (c->timeout_timer != sdk::kNoTimer) wall_.cancel(c->timeout_timer);
    if (c->retry_timer != sdk::kNoTimer) wall_.cancel(c->retry_timer);
  }
}

sdk::Status ObserverRunner::add(const ObserverSection& config,
                                std::unique_ptr<ObserverInstance> instance) {
  auto cursors = store_.observer_cursors();
  if (!cursors) return cursors.status();
  auto c = std::make_shared<Channel>(config, std::move(instance));
  bool known = false;
  for (const auto& stored : *cursors) {
    if (stored.observer != config.name) continue;
    c->cursor = stored.delivered_through;
    known = true;
  }
  if (!known) {
    auto newest = store_.last_event_sequence();
    if (!newest) return newest.status();
    c->cursor = *newest;
    sdk::WriteBatch batch;
    batch.observer_cursors.push_back({config.name, c->cursor, wall_.now()});
    if (auto s = store_.commit(batch); !s) return s;
    log_.info("SLOB_OBSERVER_NEW", config.name + ": first start; delivering events after " +
                                       std::to_string(c->cursor));
  }
  c->scanned_through = c->cursor;
  c->more_in_store = true;
  log_.info("SLOB_OBSERVER_STARTED", config.name + " (" + c->instance->name() + " -> " +
                                         c->instance->get().destination() + ") from event " +
                                         std::to_string(c->cursor + 1));
  channels_[config.name] = std::move(c);
  wake();
  return sdk::Status::ok();
}

std::unique_ptr<ObserverInstance> ObserverRunner::remove(const std::string& name) {
  auto it = channels_.find(name);
  if (it == channels_.end()) return nullptr;
  std::shared_ptr<Channel> c = it->second;
  channels_.erase(it);
  if (c->timeout_timer != sdk::kNoTimer) wall_.cancel(c->timeout_timer);
  if (c->retry_timer != sdk::kNoTimer) wall_.cancel(c->retry_timer);
  if (c->in_flight) c->instance->get().cancel();
  c->in_flight.reset();
  ++c->attempt;  // a late callback of the cancelled delivery is ignored
  check_drained();
  return std::move(c->instance);
}

std::vector<std::string> ObserverRunner::names() const {
  std::vector<std::string> out;
  for (const auto& [name, c] : channels_) out.push_back(name);
  return out;
}

const ObserverSection* ObserverRunner::config(const std::string& name) const {
  auto it = channels_.find(name);
  return it == channels_.end() ? nullptr : &it->second->config;
}

void ObserverRunner::start() {
  started_ = true;
  wake();
}

void ObserverRunner::wake() {
  for (auto& [name, c] : channels_) c->more_in_store = true;
  if (wake_posted_ || !started_) return;
  wake_posted_ = true;
  boost::asio::post(io_, [this, alive = alive_] {
    if (!*alive) return;
    wake_posted_ = false;
    // pump() may remove nothing, but copy: a plugin's synchronous failure could re-enter.
    std::vector<std::shared_ptr<Channel>> all;
    for (auto& [name, c] : channels_) all.push_back(c);
    for (auto& c : all) pump(c);
  });
}

void ObserverRunner::tell_volatile(sdk::AuditEvent event) {
  for (auto& [name, c] : channels_) {
    if (!c->filter.passes(event)) continue;
    if (c->volatile_events.size() == kMaxVolatile) c->volatile_events.pop_front();
    c->volatile_events.push_back(event);
  }
  wake();
}

bool ObserverRunner::fill(Channel& c) {
  if (!c.more_in_store || c.waiting.size() >= kMaxWaiting) return true;
  bool full = false;
  const sdk::Status s = store_.scan_events(c.scanned_through, [&](const sdk::AuditEvent& e) {
    if (c.waiting.size() >= kMaxWaiting) {
      full = true;
      return false;
    }
    c.scanned_through = e.sequence;
    if (c.filter.passes(e)) c.waiting.push_back(e);
    return true;
  });
  if (!s) {
    log_.error("SLOB_OBSERVER_READ_FAILED", c.config.name + ": " + s.message());
    return false;
  }
  c.more_in_store = full;
  return true;
}

void ObserverRunner::pump(const std::shared_ptr<Channel>& c) {
  if (c->in_flight || c->retry_timer != sdk::kNoTimer) return;
  if (!fill(*c)) {
    retry_later(c, false, "the event store cannot be read");
    return;
  }
  if (!c->volatile_events.empty()) {
    sdk::Delivery d;
    d.observer = c->config.name;
    d.events = {c->volatile_events.front()};
    d.idempotency_key = "slob-volatile-" + std::to_string(++c->volatile_count);
    c->in_flight = std::move(d);
    c->in_flight_volatile = true;
  } else {
    DeliveryLimits limits{c->config.summarise_after, static_cast<std::size_t>(c->config.max_batch)};
    c->in_flight = plan_delivery(c->config.name, c->waiting, {market_.now(), wall_.now()}, limits);
    c->in_flight_volatile = false;
  }
  if (!c->in_flight) {
    check_drained();
    return;
  }
  start_delivery(c);
}

void ObserverRunner::start_delivery(const std::shared_ptr<Channel>& c) {
  const std::uint64_t attempt = ++c->attempt;
  std::weak_ptr<Channel> weak = c;
  c->timeout_timer = wall_.call_after(c->config.timeout, [this, weak, attempt, alive = alive_] {
    auto ch = weak.lock();
    if (!*alive || !ch) return;
    ch->timeout_timer = sdk::kNoTimer;
    if (ch->attempt != attempt || !ch->in_flight) return;
    ch->instance->get().cancel();
    finish(ch, attempt,
           {sdk::DeliveryResult::Outcome::kRetry,
            "no answer within " + sdk::format_duration(ch->config.timeout) + " (timeout)"});
  });
  c->instance->get().deliver(*c->in_flight, [this, weak, attempt, alive = alive_](
                                                sdk::DeliveryResult result) {
    // Always on a later loop turn: a plugin that answers inside deliver() does not re-enter.
    boost::asio::post(io_, [this, weak, attempt, alive, result = std::move(result)]() mutable {
      auto ch = weak.lock();
      if (!*alive || !ch) return;
      finish(ch, attempt, std::move(result));
    });
  });
}

void ObserverRunner::finish(const std::shared_ptr<Channel>& c, std::uint64_t attempt,
                            sdk::DeliveryResult result) {
  if (c->attempt != attempt || !c->in_flight) return;  // late: timed out or removed since
  if (c->timeout_timer != sdk::kNoTimer) {
    wall_.cancel(c->timeout_timer);
    c->timeout_timer = sdk::kNoTimer;
  }
  const sdk::Delivery delivery = std::move(*c->in_flight);
  c->in_flight.reset();
  if (result.outcome != sdk::DeliveryResult::Outcome::kDelivered) {
    retry_later(c, result.outcome == sdk::DeliveryResult::Outcome::kRefused,
                delivery.idempotency_key + ": " + result.reason);
    return;
  }
  c->failures = 0;
  c->backoff.reset();
  c->next_attempt_at.reset();
  c->last_delivered_at = wall_.now();
  c->delivered_events += delivery.events.size();
  log_.info("SLOB_OBSERVER_DELIVERED", c->config.name + ": " + delivery.idempotency_key + " (" +
                                           std::to_string(delivery.events.size()) + " events" +
                                           (delivery.shape == sdk::Delivery::Shape::kSummary
                                                ? ", summary)"
                                                : ")"));
  if (c->in_flight_volatile) {
    c->volatile_events.pop_front();
  } else {
    for (std::size_t i = 0; i < delivery.events.size() && !c->waiting.empty(); ++i)
      c->waiting.pop_front();
    // Through the last event delivered, and past the filtered-out ones after it.
    const std::uint64_t through =
        c->waiting.empty() ? c->scanned_through : c->waiting.front().sequence - 1;
    c->cursor = through;
    crash_point(CrashPoint::kAfterAlert, log_);
    sdk::WriteBatch batch;
    batch.observer_cursors.push_back({c->config.name, through, wall_.now()});
    if (auto s = store_.commit(batch); !s) {
      // Delivered but not recorded: after a restart these are sent again (at least once).
      log_.error("SLOB_OBSERVER_CURSOR_FAILED", c->config.name + ": " + s.message());
    }
  }
  std::weak_ptr<Channel> weak = c;
  boost::asio::post(io_, [this, weak, alive = alive_] {
    auto ch = weak.lock();
    if (*alive && ch) pump(ch);
  });
}

void ObserverRunner::retry_later(const std::shared_ptr<Channel>& c, bool refused,
                                 const std::string& reason) {
  ++c->failures;
  c->last_error = reason;
  c->last_error_at = wall_.now();
  const sdk::Duration delay = refused ? c->config.backoff_max : sdk::Duration(c->backoff.next());
  c->next_attempt_at = wall_.now() + delay;
  log_.warn(refused ? "SLOB_OBSERVER_REFUSED" : "SLOB_OBSERVER_RETRY",
            c->config.name + ": " + reason + "; next attempt in " + sdk::format_duration(delay));
  std::weak_ptr<Channel> weak = c;
  c->retry_timer = wall_.call_after(delay, [this, weak, alive = alive_] {
    auto ch = weak.lock();
    if (!*alive || !ch) return;
    ch->retry_timer = sdk::kNoTimer;
    pump(ch);
  });
}

void ObserverRunner::drain(sdk::Duration grace, std::function<void()> done) {
  drained_ = std::move(done);
  drain_timer_ = wall_.call_after(grace, [this, alive = alive_] {
    if (!*alive) return;
    drain_timer_ = sdk::kNoTimer;
    if (!drained_) return;
    for (const auto& [name, c] : channels_) {
      if (c->idle()) continue;
      log_.warn("SLOB_OBSERVER_UNDELIVERED",
                name + ": " + std::to_string(c->waiting.size() + c->volatile_events.size()) +
                    " events not delivered before the shutdown" +
                    (c->last_error.empty() ? "" : " (" + c->last_error + ")") +
                    "; the stored ones go out after the next start");
    }
    auto done = std::move(drained_);
    drained_ = nullptr;
    done();
  });
  wake();
  check_drained();  // nothing configured, or nothing waiting: at once
}

void ObserverRunner::check_drained() {
  if (!drained_) return;
  for (const auto& [name, c] : channels_)
    if (!c->idle()) return;
  if (drain_timer_ != sdk::kNoTimer) wall_.cancel(drain_timer_);
  drain_timer_ = sdk::kNoTimer;
  auto done = std::move(drained_);
  drained_ = nullptr;
  done();
}

nlohmann::json ObserverRunner::status() const {
  auto newest = store_.last_event_sequence();
  nlohmann::json out = nlohmann::json::array();
  auto time_or_null = [](const std::optional<sdk::Time>& t) {
    return t ? nlohmann::json(sdk::format_rfc3339(*t)) : nlohmann::json(nullptr);
  };
  for (const auto& [name, c] : channels_) {
    const char* state = c->in_flight                          ? "delivering"
                        : c->retry_timer != sdk::kNoTimer     ? "retrying"
                        : c->waiting.empty() && !c->more_in_store ? "idle"
                                                              : "pending";
    nlohmann::json types = c->config.types;
    out.push_back({{"name", name},
                   {"plugin", c->instance->name()},
                   {"destination", c->instance->get().destination()},
                   {"min_severity", sdk::severity_name(c->config.min_severity)},
                   {"types", types},
                   {"cursor", c->cursor},
                   {"newest_event", newest ? nlohmann::json(*newest) : nlohmann::json(nullptr)},
                   {"backlog", c->waiting.size() + c->volatile_events.size()},
                   {"backlog_more_in_store", c->more_in_store},
                   {"state", state},
                   {"delivered_events", c->delivered_events},
                   {"failures", c->failures},
                   {"last_error", c->last_error.empty() ? nlohmann::json(nullptr)
                                                        : nlohmann::json(c->last_error)},
                   {"last_error_at", time_or_null(c->last_error_at)},
                   {"last_delivered_at", time_or_null(c->last_delivered_at)},
                   {"next_attempt_at", time_or_null(c->next_attempt_at)}});
  }
  return out;
}

}  // namespace slob::core
