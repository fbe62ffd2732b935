#pragma once

// sdk::Store over LMDB (README.md has the layout, encodings and config keys).
//
// Threading: one thread at a time (the host's loop thread); commit() blocks for its fsync.
// Ownership: the store owns its environment and its claim on the directory; destroying it
// closes the environment, after which the directory may be opened again.
// Failures: every call returns a Status; decode problems are kCorruption naming the database
// and key, a full map that may not grow is kResourceExhausted.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intent_log.hpp"
#include "slob/sdk/host_services.hpp"
#include "slob/sdk/store.hpp"
#include "store_config.hpp"
#include "store_open.hpp"

namespace slob::plugins::lmdb {

class LmdbStore final : public sdk::Store {
 public:
  // Opens (or creates) the store `config` describes; see store_open.hpp for what is refused.
  static sdk::Result<std::unique_ptr<LmdbStore>> open(sdk::HostServices& host, StoreConfig config);

  // Use open(); public only so open() can use std::make_unique.
  LmdbStore(sdk::HostServices& host, StoreConfig config, OpenedEnv opened, IntentLog log)
      : host_(host), config_(std::move(config)), opened_(std::move(opened)), log_(std::move(log)) {}

  sdk::Status commit(const sdk::WriteBatch& batch) override;
  sdk::Result<sdk::HostState> host_state() override;
  sdk::Result<std::optional<sdk::StrategyCheckpoint>> checkpoint() override;
  sdk::Result<std::vector<sdk::ObserverCursor>> observer_cursors() override;
  sdk::Result<std::uint64_t> last_event_sequence() override;

  sdk::Status scan_live_setups(const sdk::Visitor<sdk::SetupRecord>& visit) override;
  sdk::Status scan_open_trades(const sdk::Visitor<sdk::TradeRecord>& visit) override;
  sdk::Status scan_unresolved_orders(const sdk::Visitor<sdk::JournalEntry>& visit) override;

  sdk::Result<std::optional<sdk::JournalEntry>> find_order(const std::string& client_ref) override;
  sdk::Result<std::optional<sdk::SetupRecord>> find_setup(const std::string& id) override;
  sdk::Result<std::optional<sdk::TradeRecord>> find_trade(const std::string& id) override;
  sdk::Result<bool> has_fill(const std::string& exec_id) override;

  sdk::Status scan_setups(const sdk::Visitor<sdk::SetupRecord>& visit) override;
  sdk::Status scan_orders(const sdk::Visitor<sdk::JournalEntry>& visit) override;
  sdk::Status scan_fills(const sdk::Visitor<sdk::FillRecord>& visit) override;
  sdk::Status scan_trades(const sdk::Visitor<sdk::TradeRecord>& visit) override;
  sdk::Status scan_events(std::uint64_t after, const sdk::Visitor<sdk::AuditEvent>& visit) override;
  sdk::Status scan_candles(sdk::Time from, const sdk::Visitor<sdk::Candle>& visit) override;

  // The current map size in bytes (grows on demand up to max_map_size).
  std::uint64_t map_size() const { return opened_.map_size; }
  const StoreConfig& config() const { return config_; }

 private:
  // A batch of only journal entries and host state goes to the intent log when sync is "full"
  // and it fits; anything else (events and observer cursors included: the log holds neither)
  // is an LMDB commit, which folds the staged records first.
  bool stageable(const sdk::WriteBatch& batch) const;
  sdk::Status stage(const sdk::WriteBatch& batch);
  sdk::Status commit_to_lmdb(const sdk::WriteBatch& batch);
  void hold_staged(StagedBatch batch);
  // Writes the staged records and the applied sequence, then the batch, into `txn`; on failure
  // `where` names the database and key.
  int apply_staged(MDB_txn* txn, std::string& where);
  int apply(MDB_txn* txn, const sdk::WriteBatch& batch, std::string& where);
  int put_candles(MDB_txn* txn, const std::vector<sdk::Candle>& candles, std::string& where);
  int prune_candles(MDB_txn* txn, sdk::Time newest, std::string& where);
  sdk::Status grow_map();
  int begin_read(TxnHandle& txn);

  template <typename T>
  sdk::Result<std::optional<T>> get(MDB_dbi dbi, const char* db, std::string_view key);
  template <typename T>
  sdk::Status scan(MDB_dbi dbi, const char* db, const sdk::Visitor<T>& visit,
                   std::optional<std::string> from = std::nullopt);
  // The journal entries of `dbi` in key order with the staged versions in their place (and
  // staged entries not yet in it between them); `unresolved_only` skips resolved ones.
  sdk::Status scan_orders_with_staged(MDB_dbi dbi, const char* db,
                                      const sdk::Visitor<sdk::JournalEntry>& visit,
                                      bool unresolved_only);

  sdk::HostServices& host_;
  StoreConfig config_;
  OpenedEnv opened_;
  IntentLog log_;
  // What the intent log holds beyond LMDB: the newest staged version of each journal entry and
  // of the host state, read in their place until the next LMDB commit folds them in.
  std::map<std::string, sdk::JournalEntry> staged_orders_;
  std::optional<sdk::HostState> staged_host_;
};

// The plugin factory: validates `table` (every error at once) and opens the store.
sdk::Result<std::unique_ptr<sdk::Store>> create_store(sdk::HostServices& host,
                                                      const sdk::ConfigTable& table);

}  // namespace slob::plugins::lmdb
