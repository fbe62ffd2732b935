#pragma once

// Delivers the operator event stream to the observer plugins ([[observer]]), each on its own:
// one that fails, refuses or hangs never holds up another, nor trading.
//
// Per observer:
// - A durable cursor (sdk::ObserverCursor in the store): every event up to it was delivered (or
//   filtered out). Events are read from the store after it, so the store is the queue: a
//   restart, a crash or a long outage loses nothing, and the memory held is bounded
//   (kMaxWaiting events read ahead; the rest stays in the store until there is room).
// - One delivery in flight, bounded by the observer's timeout (then cancel() and a retry).
// - A failed or refused delivery is retried with the observer's own backoff (refused: at
//   backoff_max); the cursor only moves when the plugin confirms. Delivery is at least once:
//   a crash after the receiver took a delivery and before the cursor's commit sends it again,
//   with the same idempotency key.
// - A name never seen before starts at the newest event: a new observer is not sent history.
//
// Events the store could not keep (it failed) are handed over with tell_volatile(): delivered
// once, best effort, before the stored ones, never durable.
//
// Threading: loop thread only. Plugin callbacks may arrive late (after a timeout, or after the
// observer was removed): they are recognised and ignored.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "observers/delivery_backoff.hpp"
#include "observers/delivery_plan.hpp"
#include "observers/event_filter.hpp"
#include "plugins/plugin_loader.hpp"
#include "runtime/config.hpp"
#include "slob/sdk/clock.hpp"
#include "slob/sdk/logger.hpp"
#include "slob/sdk/observer.hpp"
#include "slob/sdk/store.hpp"

namespace slob::core {

inline constexpr std::size_t kMaxWaiting = 1000;
inline constexpr std::size_t kMaxVolatile = 100;

using ObserverInstance = PluginInstance<sdk::Observer>;

class ObserverRunner {
 public:
  // `market` ages events (summaries); `wall` times deliveries and backoff, also in a replay.
  ObserverRunner(boost::asio::io_context& io, sdk::Store& store, sdk::Clock& market,
                 sdk::Clock& wall, sdk::Logger& log);
  ~ObserverRunner();
  ObserverRunner(const ObserverRunner&) = delete;
  ObserverRunner& operator=(const ObserverRunner&) = delete;

  // Starts delivering to `instance` under `config.name`. Fails (nothing changed) when the
  // store cannot give or keep the cursor.
  sdk::Status add(const ObserverSection& config, std::unique_ptr<ObserverInstance> instance);
  // Stops delivering to `name` (a delivery in flight is cancelled) and hands its instance back
  // for retirement; its cursor stays in the store. Null when there is none.
  std::unique_ptr<ObserverInstance> remove(const std::string& name);
  std::vector<std::string> names() const;
  const ObserverSection* config(const std::string& name) const;

  // Deliveries begin: the host has recovered and set its market clock (summaries age events by
  // it). Until then add() and wake() only prepare.
  void start();
  // New events may be in the store. Never delivers inside the caller: work is posted.
  void wake();
  void tell_volatile(sdk::AuditEvent event);
  // Calls `done` once nothing is waiting or in flight for any observer, or after `grace`.
  void drain(sdk::Duration grace, std::function<void()> done);

  // `slob-ctl observers`: each observer's cursor, backlog, state and last error.
  nlohmann::json status() const;

 private:
  struct Channel;

  void pump(const std::shared_ptr<Channel>& c);
  bool fill(Channel& c);
  void start_delivery(const std::shared_ptr<Channel>& c);
  void finish(const std::shared_ptr<Channel>& c, std::uint64_t attempt, sdk::DeliveryResult result);
  void retry_later(const std::shared_ptr<Channel>& c, bool refused, const std::string& reason);
  void check_drained();

  boost::asio::io_context& io_;
  sdk::Store& store_;
  sdk::Clock& market_;
  sdk::Clock& wall_;
  sdk::Logger& log_;
  std::map<std::string, std::shared_ptr<Channel>> channels_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  bool started_ = false;
  bool wake_posted_ = false;
  std::function<void()> drained_;
  sdk::TimerId drain_timer_ = sdk::kNoTimer;
};

}  // namespace slob::core
