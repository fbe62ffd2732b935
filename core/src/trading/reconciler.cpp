#include "trading/reconciler.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace slob::core {
namespace {

std::int64_t signed_quantity(const sdk::TradeRecord& t) {
  return t.direction == sdk::Direction::kLong ? t.quantity : -t.quantity;
}

// The broker's reports indexed by client reference. With duplicates the most advanced state
// wins, so duplicated or reordered reports cannot move an order backwards.
struct BrokerOrders {
  std::map<std::string, sdk::OrderReport> open;
  std::map<std::string, sdk::OrderReport> completed;
  std::map<std::string, std::int64_t> executed;  // client_ref → quantity executed
  std::map<std::string, const sdk::Execution*> last_execution;
  // Executions without a slob reference (trades made outside the bot), per symbol.
  std::map<std::string, std::vector<const sdk::Execution*>> foreign;

  explicit BrokerOrders(const sdk::BrokerSnapshot& s) {
    for (const auto& o : s.open_orders)
      if (!o.client_ref.empty()) open[o.client_ref] = o;
    for (const auto& o : s.completed_orders) {
      if (o.client_ref.empty()) continue;
      auto [it, fresh] = completed.emplace(o.client_ref, o);
      if (!fresh && o.filled > it->second.filled) it->second = o;
    }
    std::set<std::string> seen;
    for (const auto& e : s.executions) {
      if (!seen.insert(e.exec_id).second) continue;
      if (!sdk::is_bot_ref(e.client_ref)) {
        foreign[e.symbol].push_back(&e);
        continue;
      }
      executed[e.client_ref] += e.quantity;
      const sdk::Execution*& last = last_execution[e.client_ref];
      if (!last || e.time > last->time || (e.time == last->time && e.exec_id > last->exec_id))
        last = &e;
    }
  }
};

void resolve_orders(const ReconcileInput& in, const BrokerOrders& broker, ReconcileResult& out) {
  std::set<std::string> done;
  for (const auto& entry : in.unresolved_orders) {
    if (!done.insert(entry.client_ref).second) continue;
    OrderResolution r{entry.client_ref, entry.state, entry.broker_order_id, entry.perm_id,
                      entry.filled, ""};
    if (auto c = broker.completed.find(entry.client_ref); c != broker.completed.end()) {
      r.state = c->second.state;
      r.broker_order_id = c->second.broker_order_id;
      r.perm_id = c->second.perm_id;
      r.filled = c->second.filled;
      r.note = "found in completed orders";
    } else if (auto o = broker.open.find(entry.client_ref); o != broker.open.end()) {
      r.state = sdk::OrderState::kWorking;
      r.broker_order_id = o->second.broker_order_id;
      r.perm_id = o->second.perm_id;
      r.filled = o->second.filled;
      r.note = "found in open orders";
    } else if (auto x = broker.executed.find(entry.client_ref);
               x != broker.executed.end() && x->second >= entry.quantity) {
      r.state = sdk::OrderState::kFilled;
      r.filled = x->second;
      r.note = "found in executions";
    } else if (entry.state == sdk::OrderState::kIntent) {
      // Journalled, unknown to the broker everywhere it reports: it never arrived. Sent again
      // only while fresh; otherwise the setup's moment has passed.
      if (resend_still_fresh(entry.created, in.now, in.resend_window)) {
        r.resend = true;
        r.note = "never reached the broker; sending it now (still fresh)";
      } else {
        r.state = sdk::OrderState::kCancelled;
        r.note = "never reached the broker; too old to send, not re-sent";
      }
    } else {
      out.findings.push_back({FindingKind::kOrderUnresolved, true, entry.symbol,
                              "order " + entry.client_ref + " (" +
                                  sdk::order_state_name(entry.state) +
                                  ") is unknown to the broker after lookup in open orders, "
                                  "completed orders and executions"});
      continue;
    }
    if (r.resend || r.state != entry.state || r.broker_order_id != entry.broker_order_id ||
        r.filled != entry.filled) {
      out.findings.push_back({FindingKind::kOrderResolved, false, entry.symbol,
                              "order " + entry.client_ref + " resolved as " +
                                  sdk::order_state_name(r.state) + " (" + r.note + ")"});
      out.resolutions.push_back(r);
    }
  }
}

// The latest execution without a slob reference that closes `t` (opposite side, at or after its
// entry), or null.
const sdk::Execution* closing_execution(const BrokerOrders& broker, const sdk::TradeRecord& t) {
  const auto it = broker.foreign.find(t.symbol);
  if (it == broker.foreign.end()) return nullptr;
  const sdk::Side closing = t.direction == sdk::Direction::kLong ? sdk::Side::kSell : sdk::Side::kBuy;
  const sdk::Execution* best = nullptr;
  for (const sdk::Execution* e : it->second) {
    if (e->side != closing || e->time < t.entry_time) continue;
    if (!best || e->time > best->time || (e->time == best->time && e->exec_id > best->exec_id)) best = e;
  }
  return best;
}

void compare_positions(const ReconcileInput& in, const BrokerOrders& broker,
                       const ReconcilePolicy& policy, ReconcileResult& out) {
  std::map<std::string, std::int64_t> expected;
  std::map<std::string, std::vector<const sdk::TradeRecord*>> trades;
  std::set<std::string> seen_trades;
  for (const auto& t : in.open_trades) {
    if (!seen_trades.insert(t.id).second) continue;
    expected[t.symbol] += signed_quantity(t);
    trades[t.symbol].push_back(&t);
  }
  std::map<std::string, std::int64_t> actual;
  for (const auto& p : in.snapshot.positions) actual[p.symbol] = p.quantity;  // last report wins

  std::set<std::string> symbols;
  for (const auto& [s, q] : expected) symbols.insert(s);
  for (const auto& [s, q] : actual) symbols.insert(s);

  for (const std::string& symbol : symbols) {
    const std::int64_t want = expected.count(symbol) ? expected[symbol] : 0;
    const std::int64_t have = actual.count(symbol) ? actual[symbol] : 0;
    std::ostringstream m;
    if (want == have) {
      if (have == 0) continue;
      // Position as expected: its protective children must be working.
      for (const sdk::TradeRecord* t : trades[symbol]) {
        const std::string tp = sdk::make_client_ref(t->id, sdk::Leg::kTakeProfit);
        const std::string sl = sdk::make_client_ref(t->id, sdk::Leg::kStopLoss);
        if (!broker.open.count(tp) || !broker.open.count(sl)) {
          out.findings.push_back({FindingKind::kBracketChildMissing, true, symbol,
                                  "position " + symbol + " " + std::to_string(have) + " (trade " + t->id +
                                      ") is open but its " +
                                      (!broker.open.count(sl) ? "stop-loss " + sl
                                                              : "take-profit " + tp) +
                                      " is not working at the broker"});
        }
      }
      continue;
    }
    if (want == 0) {
      m << "position " << symbol << " " << have
        << " at the broker has no trade in the store (opened outside the bot?)";
      out.findings.push_back(
          {FindingKind::kExternalPosition, !policy.adopt_external_positions, symbol, m.str()});
      continue;
    }
    if (have == 0) {
      for (const sdk::TradeRecord* t : trades[symbol]) {
        TradeClosure c{t->id, std::nullopt, std::nullopt, "closed_externally"};
        for (sdk::Leg leg : {sdk::Leg::kTakeProfit, sdk::Leg::kStopLoss}) {
          auto e = broker.last_execution.find(sdk::make_client_ref(t->id, leg));
          if (e != broker.last_execution.end()) {
            c.exit_price = e->second->price;
            c.exit_time = e->second->time;
            c.reason = leg == sdk::Leg::kTakeProfit ? "take_profit" : "stop_loss";
          }
        }
        if (!c.exit_price) {
          // Closed outside the bot (TWS, another client): the exit is the latest execution on
          // the closing side since the entry, found by symbol because it has no reference.
          if (const sdk::Execution* e = closing_execution(broker, *t)) {
            c.exit_price = e->price;
            c.exit_time = e->time;
          }
        }
        std::ostringstream text;
        text.precision(12);  // prices in full (25550.25), not 6 significant digits
        text << "trade " << t->id << " is open in the store but " << symbol
             << " is flat at the broker; closing it as " << c.reason;
        if (c.exit_price) text << " at " << *c.exit_price;
        out.findings.push_back({FindingKind::kClosedExternally, false, symbol, text.str()});
        out.closures.push_back(c);
      }
      continue;
    }
    m << "position " << symbol << " is " << have << " at the broker but " << want
      << " in the store";
    out.findings.push_back({FindingKind::kQuantityMismatch, true, symbol, m.str()});
  }
}

}  // namespace

const char* finding_kind_name(FindingKind k) {
  switch (k) {
    case FindingKind::kExternalPosition: return "external_position";
    case FindingKind::kClosedExternally: return "closed_externally";
    case FindingKind::kQuantityMismatch: return "quantity_mismatch";
    case FindingKind::kOrderUnresolved: return "order_unresolved";
    case FindingKind::kBracketChildMissing: return "bracket_child_missing";
    case FindingKind::kOrderResolved: return "order_resolved";
  }
  return "?";
}

bool ReconcileResult::requires_safe_mode() const {
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.safe_mode; });
}

const Finding* ReconcileResult::position_disagreement() const {
  for (const auto& f : findings) {
    if (f.kind == FindingKind::kExternalPosition || f.kind == FindingKind::kClosedExternally ||
        f.kind == FindingKind::kQuantityMismatch || f.kind == FindingKind::kBracketChildMissing)
      return &f;
  }
  return nullptr;
}

std::string ReconcileResult::safe_mode_reason() const {
  for (const auto& f : findings)
    if (f.safe_mode) return f.message;
  return {};
}

ReconcileResult reconcile(const ReconcileInput& input, const ReconcilePolicy& policy) {
  ReconcileResult out;
  const BrokerOrders broker(input.snapshot);
  resolve_orders(input, broker, out);
  compare_positions(input, broker, policy, out);
  // Deterministic order regardless of input order.
  auto by_text = [](const auto& a, const auto& b) { return a.message < b.message; };
  std::stable_sort(out.findings.begin(), out.findings.end(), by_text);
  std::sort(out.resolutions.begin(), out.resolutions.end(),
            [](const auto& a, const auto& b) { return a.client_ref < b.client_ref; });
  std::sort(out.closures.begin(), out.closures.end(),
            [](const auto& a, const auto& b) { return a.trade_id < b.trade_id; });
  return out;
}

}  // namespace slob::core
