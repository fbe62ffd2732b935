// "teststore": an in-memory store for tests of the host itself (nothing survives the process;
// the real store is plugins/lmdb). Commits are atomic by construction: one thread, no failure
// points between the maps. `fail_commits = true` makes every commit fail, to test safe mode.

#include <map>

#include "slob/sdk/host_services.hpp"
#include "slob/sdk/store.hpp"
#include "test_plugin_support.hpp"

namespace slob::test_plugins {
namespace {

template <typename T>
sdk::Status scan(const std::map<std::string, T>& m, const sdk::Visitor<T>& visit) {
  for (const auto& [k, v] : m)
    if (!visit(v)) break;
  return sdk::Status::ok();
}

class TestStore final : public sdk::Store {
 public:
  TestStore(StopMode stop_mode, bool fail_commits)
      : stop_mode_(stop_mode), fail_commits_(fail_commits) {}

  sdk::Status commit(const sdk::WriteBatch& b) override {
    if (fail_commits_) return sdk::Status::io_error("teststore: commits fail (fail_commits)");
    for (const auto& r : b.setups) setups_[r.id] = r;
    for (const auto& r : b.journal) orders_[r.client_ref] = r;
    for (const auto& r : b.fills) fills_[r.exec_id] = r;
    for (const auto& r : b.trades) trades_[r.id] = r;
    for (auto e : b.audit) {
      e.sequence = ++sequence_;
      events_.push_back(e);
    }
    for (const auto& c : b.observer_cursors) cursors_[c.observer] = c;
    for (const auto& c : b.candles) candles_[c.start] = c;
    if (b.host_state) host_ = *b.host_state;
    if (b.checkpoint) checkpoint_ = *b.checkpoint;
    return sdk::Status::ok();
  }
  sdk::Result<sdk::HostState> host_state() override { return host_; }
  sdk::Result<std::optional<sdk::StrategyCheckpoint>> checkpoint() override { return checkpoint_; }
  sdk::Result<std::vector<sdk::ObserverCursor>> observer_cursors() override {
    std::vector<sdk::ObserverCursor> out;
    for (const auto& [name, c] : cursors_) out.push_back(c);
    return out;
  }
  sdk::Result<std::uint64_t> last_event_sequence() override { return sequence_; }
  sdk::Status scan_live_setups(const sdk::Visitor<sdk::SetupRecord>& v) override {
    for (const auto& [k, r] : setups_)
      if (r.live && !v(r)) break;
    return sdk::Status::ok();
  }
  sdk::Status scan_open_trades(const sdk::Visitor<sdk::TradeRecord>& v) override {
    for (const auto& [k, r] : trades_)
      if (r.open() && !v(r)) break;
    return sdk::Status::ok();
  }
  sdk::Status scan_unresolved_orders(const sdk::Visitor<sdk::JournalEntry>& v) override {
    for (const auto& [k, r] : orders_)
      if (!sdk::journal_entry_is_resolved(r) && !v(r)) break;
    return sdk::Status::ok();
  }
  sdk::Result<std::optional<sdk::JournalEntry>> find_order(const std::string& ref) override {
    return find(orders_, ref);
  }
  sdk::Result<std::optional<sdk::SetupRecord>> find_setup(const std::string& id) override {
    return find(setups_, id);
  }
  sdk::Result<std::optional<sdk::TradeRecord>> find_trade(const std::string& id) override {
    return find(trades_, id);
  }
  sdk::Result<bool> has_fill(const std::string& id) override { return fills_.count(id) > 0; }
  sdk::Status scan_setups(const sdk::Visitor<sdk::SetupRecord>& v) override { return scan(setups_, v); }
  sdk::Status scan_orders(const sdk::Visitor<sdk::JournalEntry>& v) override { return scan(orders_, v); }
  sdk::Status scan_fills(const sdk::Visitor<sdk::FillRecord>& v) override { return scan(fills_, v); }
  sdk::Status scan_trades(const sdk::Visitor<sdk::TradeRecord>& v) override { return scan(trades_, v); }
  // events_[i] has sequence i + 1, so the scan starts at index `after`.
  sdk::Status scan_events(std::uint64_t after, const sdk::Visitor<sdk::AuditEvent>& v) override {
    for (std::size_t i = after; i < events_.size(); ++i)
      if (!v(events_[i])) break;
    return sdk::Status::ok();
  }
  sdk::Status scan_candles(sdk::Time from, const sdk::Visitor<sdk::Candle>& v) override {
    for (auto it = candles_.lower_bound(from); it != candles_.end(); ++it)
      if (!v(it->second)) break;
    return sdk::Status::ok();
  }
  void stop(std::function<void()> done) override { stop_as(stop_mode_, std::move(done)); }

 private:
  template <typename T>
  static std::optional<T> find(const std::map<std::string, T>& m, const std::string& k) {
    auto it = m.find(k);
    if (it == m.end()) return std::nullopt;
    return it->second;
  }

  StopMode stop_mode_;
  bool fail_commits_;
  std::map<std::string, sdk::SetupRecord> setups_;
  std::map<std::string, sdk::JournalEntry> orders_;
  std::map<std::string, sdk::FillRecord> fills_;
  std::map<std::string, sdk::TradeRecord> trades_;
  std::vector<sdk::AuditEvent> events_;
  std::map<std::string, sdk::ObserverCursor> cursors_;
  std::map<sdk::Time, sdk::Candle> candles_;
  sdk::HostState host_;
  std::optional<sdk::StrategyCheckpoint> checkpoint_;
  std::uint64_t sequence_ = 0;
};

sdk::Result<std::unique_ptr<sdk::Store>> make(sdk::HostServices&, const sdk::ConfigTable& table) {
  sdk::ConfigReader reader(table);
  const StopMode mode = read_stop_mode(reader);
  const bool fail = reader.get_bool("fail_commits", false);
  if (reader.get_bool("factory_throws", false)) throw std::runtime_error("teststore: asked to throw");
  if (auto s = reader.finish(); !s) return s;
  return std::unique_ptr<sdk::Store>(std::make_unique<TestStore>(mode, fail));
}

}  // namespace
}  // namespace slob::test_plugins

SLOB_STORE_PLUGIN("teststore", "0.1.0-test", 0, &slob::test_plugins::make)
