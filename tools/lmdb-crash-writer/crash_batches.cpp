#include "crash_batches.hpp"

#include <chrono>
#include <set>

#include "slob/sdk/events.hpp"

namespace slob::tools::lmdb_crash_writer {

namespace {

const sdk::Time kBase = sdk::Time{} + std::chrono::hours(24 * 20'000);

std::string setup_id(std::int64_t n, int j) {
  return "b" + std::to_string(n) + "-s" + std::to_string(j);
}
std::string exec_id(std::int64_t n, int j) {
  return "x-b" + std::to_string(n) + "-" + std::to_string(j);
}
sdk::Time batch_time(std::int64_t n) { return kBase + std::chrono::minutes(n); }
constexpr const char kObserver[] = "crash-observer";

sdk::SetupRecord setup(std::int64_t n, int j, bool live) {
  return {setup_id(n, j), sdk::Direction::kShort, live ? "WAITING_ENTRY" : "SETUP_COMPLETE", live,
          "{\"batch\":" + std::to_string(n) + "}", batch_time(n)};
}

sdk::JournalEntry order(std::int64_t n, int j, sdk::OrderState state) {
  sdk::JournalEntry e;
  e.setup_id = setup_id(n, j);
  e.client_ref = sdk::make_client_ref(e.setup_id, sdk::Leg::kEntry);
  e.symbol = "NQ";
  e.side = sdk::Side::kSell;
  e.quantity = 1;
  e.price = 21000.25;
  e.broker_order_id = n * 100 + j;
  e.state = state;
  e.created = batch_time(n);
  e.updated = batch_time(n);
  return e;
}

sdk::TradeRecord trade(std::int64_t n, bool open) {
  sdk::TradeRecord t;
  t.id = setup_id(n, 0);
  t.symbol = "NQ";
  t.quantity = 1;
  t.entry_price = 21000.25;
  t.entry_time = batch_time(n);
  if (!open) {
    t.exit_price = 20990.0;
    t.exit_time = batch_time(n + 1);
    t.exit_reason = "take_profit";
  }
  return t;
}

sdk::Status fail(std::int64_t n, const std::string& what) {
  return sdk::Status::internal("batch " + std::to_string(n) + ": " + what);
}

}  // namespace

sdk::WriteBatch make_batch(std::int64_t n, int records) {
  sdk::WriteBatch b;
  for (int j = 0; j < records; ++j) {
    b.setups.push_back(setup(n, j, true));
    b.journal.push_back(order(n, j, sdk::OrderState::kSent));
    sdk::FillRecord f;
    f.exec_id = exec_id(n, j);
    f.client_ref = sdk::make_client_ref(setup_id(n, j), sdk::Leg::kEntry);
    f.symbol = "NQ";
    f.quantity = 1;
    f.price = 21000.25;
    f.time = batch_time(n);
    b.fills.push_back(f);
    if (n > 1) {
      b.setups.push_back(setup(n - 1, j, false));
      b.journal.push_back(order(n - 1, j, sdk::OrderState::kFilled));
    }
  }
  b.trades.push_back(trade(n, true));
  if (n > 1) b.trades.push_back(trade(n - 1, false));
  sdk::AuditEvent event;
  event.time = batch_time(n);
  event.type = sdk::event_type::kOrderSent;
  event.severity = sdk::Severity::kNotice;
  event.subject = "batch " + std::to_string(n);
  event.reason = "crash test";
  event.fields = {{"batch", std::to_string(n)}};
  b.audit.push_back(std::move(event));
  // An observer that has delivered every event before this batch's: its cursor must move in
  // the same commit as the event, never apart from it.
  b.observer_cursors.push_back({kObserver, static_cast<std::uint64_t>(n - 1), batch_time(n)});
  b.candles.push_back({batch_time(n), 1, 2, 0.5, 1.5, static_cast<double>(n)});
  sdk::HostState h;
  h.order_id_high_water = n;
  b.host_state = h;
  return b;
}

sdk::WriteBatch make_intent(std::int64_t n, int records) {
  sdk::WriteBatch b;
  for (int j = 0; j < records; ++j) b.journal.push_back(order(n, j, sdk::OrderState::kSent));
  sdk::HostState h;
  h.order_id_high_water = n;
  b.host_state = h;
  return b;
}

sdk::Result<StoreEnd> store_end(sdk::Store& store) {
  auto host = store.host_state();
  if (!host) return host.status();
  const std::int64_t reserved = host->order_id_high_water;  // the last batch whose intent landed
  if (reserved == 0) return StoreEnd{};
  auto setup = store.find_setup(setup_id(reserved, 0));
  if (!setup) return setup.status();
  if (setup->has_value()) return StoreEnd{reserved, false};
  return StoreEnd{reserved - 1, true};
}

sdk::Status verify_batches(sdk::Store& store, std::int64_t acked, int records,
                           std::int64_t& committed, bool& intent_pending) {
  auto end = store_end(store);
  if (!end) return end.status();
  const std::int64_t n = end->complete;
  const bool intent_only = end->intent_pending;
  const std::int64_t reserved = intent_only ? n + 1 : n;
  if (n < acked) {
    return sdk::Status::internal("acknowledged batch " + std::to_string(acked) +
                                 " is lost: the store ends at batch " + std::to_string(n) +
                                 (intent_only ? " and the intent of the next" : ""));
  }
  if (n > acked + 1 || (intent_only && n != acked)) {
    return sdk::Status::internal("store is at batch " + std::to_string(reserved) +
                                 " but only " + std::to_string(acked) + " were acknowledged");
  }
  for (std::int64_t i = 1; i <= n; ++i) {
    const bool last = i == n;
    for (int j = 0; j < records; ++j) {
      auto s = store.find_setup(setup_id(i, j));
      if (!s) return s.status();
      if (!*s || (*s)->live != last) return fail(i, "setup " + setup_id(i, j) + " missing or wrong");
      auto o = store.find_order(sdk::make_client_ref(setup_id(i, j), sdk::Leg::kEntry));
      if (!o) return o.status();
      const auto want = last ? sdk::OrderState::kSent : sdk::OrderState::kFilled;
      if (!*o || (*o)->state != want) return fail(i, "journal entry missing or in the wrong state");
      auto f = store.has_fill(exec_id(i, j));
      if (!f) return f.status();
      if (!*f) return fail(i, "fill " + exec_id(i, j) + " missing");
    }
    auto t = store.find_trade(setup_id(i, 0));
    if (!t) return t.status();
    if (!*t || (*t)->open() != last) return fail(i, "trade missing or wrong");
  }
  if (intent_only) {
    for (int j = 0; j < records; ++j) {
      auto o = store.find_order(sdk::make_client_ref(setup_id(reserved, j), sdk::Leg::kEntry));
      if (!o) return o.status();
      if (!*o || (*o)->state != sdk::OrderState::kSent) return fail(reserved, "intent without its journal entries");
    }
  }
  // Nothing of the next batch may exist: a partial batch would show here.
  auto next = store.find_setup(setup_id(n + 1, 0));
  if (!next) return next.status();
  if (*next) return fail(n + 1, "partial batch: its setup exists");
  auto next_fill = store.has_fill(exec_id(n + 1, 0));
  if (!next_fill) return next_fill.status();
  if (*next_fill) return fail(n + 1, "partial batch: its fill exists");

  // The live indexes hold exactly batch n.
  std::set<std::string> live;
  auto st = store.scan_live_setups([&](const sdk::SetupRecord& r) {
    live.insert(r.id);
    return true;
  });
  if (!st) return st;
  std::size_t unresolved = 0, open = 0;
  bool unresolved_of_n = true;
  const std::string prefix = "b" + std::to_string(n) + "-";
  const std::string intent_prefix = "b" + std::to_string(reserved) + "-";
  if (!(st = store.scan_unresolved_orders([&](const sdk::JournalEntry& e) {
          ++unresolved;
          unresolved_of_n = unresolved_of_n && (e.setup_id.rfind(prefix, 0) == 0 ||
                                                (intent_only && e.setup_id.rfind(intent_prefix, 0) == 0));
          return true;
        })))
    return st;
  if (!(st = store.scan_open_trades([&](const sdk::TradeRecord&) {
          ++open;
          return true;
        })))
    return st;
  const std::size_t want_live = n == 0 ? 0 : static_cast<std::size_t>(records);
  if (live.size() != want_live || (n > 0 && !live.count(setup_id(n, 0))) ||
      unresolved != want_live + (intent_only ? static_cast<std::size_t>(records) : 0) ||
      !unresolved_of_n || open != (n == 0 ? 0u : 1u)) {
    return fail(n, "live indexes do not match: " + std::to_string(live.size()) + " live setups, " +
                       std::to_string(unresolved) + " unresolved orders, " +
                       std::to_string(open) + " open trades");
  }
  std::int64_t events = 0;
  bool in_order = true;
  if (!(st = store.scan_events(0, [&](const sdk::AuditEvent& e) {
          ++events;
          const std::string batch = std::to_string(events);
          in_order = in_order && e.sequence == static_cast<std::uint64_t>(events) &&
                     e.type == sdk::event_type::kOrderSent && e.subject == "batch " + batch &&
                     e.fields.size() == 1 && e.fields[0].key == "batch" && e.fields[0].value == batch;
          return true;
        })))
    return st;
  if (events != n || !in_order) return fail(n, "audit log has " + std::to_string(events) + " events or is out of order");
  auto last = store.last_event_sequence();
  if (!last) return last.status();
  if (*last != static_cast<std::uint64_t>(n)) return fail(n, "last event sequence is " + std::to_string(*last));
  auto cursors = store.observer_cursors();
  if (!cursors) return cursors.status();
  const bool cursor_ok = n == 0 ? cursors->empty()
                                : cursors->size() == 1 && (*cursors)[0].observer == kObserver &&
                                      (*cursors)[0].delivered_through == static_cast<std::uint64_t>(n - 1);
  if (!cursor_ok) return fail(n, "the observer cursor did not move with its batch's event");
  committed = n;
  intent_pending = intent_only;
  return sdk::Status::ok();
}

}  // namespace slob::tools::lmdb_crash_writer
