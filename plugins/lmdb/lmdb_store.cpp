#include "lmdb_store.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <filesystem>
#include <limits>

#include "byte_codec.hpp"
#include "candle_hours.hpp"
#include "record_codec.hpp"
#include "schema.hpp"
#include "store_probe.hpp"

namespace slob::plugins::lmdb {

namespace {

// Bounds the retry loop of commit(): each retry follows a map growth or a resize by another
// process, so a handful always suffices; more means something keeps failing.
constexpr int kMaxCommitAttempts = 64;

std::string printable_key(std::string_view key) {
  const bool text = std::all_of(key.begin(), key.end(), [](char c) {
    return std::isprint(static_cast<unsigned char>(c)) != 0;
  });
  if (text) return std::string(key);
  static const char kHex[] = "0123456789abcdef";
  std::string out = "0x";
  for (char c : key) {
    out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
    out += kHex[static_cast<unsigned char>(c) & 0xf];
  }
  return out;
}

std::string mib(std::uint64_t bytes) {
  return std::to_string(bytes / kMiB) + " MiB";
}

int put(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view value, unsigned flags = 0) {
  MDB_val k = to_val(key);
  MDB_val v = to_val(value);
  return mdb_put(txn, dbi, &k, &v, flags);
}

int del(MDB_txn* txn, MDB_dbi dbi, std::string_view key) {
  MDB_val k = to_val(key);
  const int rc = mdb_del(txn, dbi, &k, nullptr);
  return rc == MDB_NOTFOUND ? MDB_SUCCESS : rc;
}

// Writes the record and keeps its live index in step: a copy while live, nothing once not.
int put_indexed(MDB_txn* txn, MDB_dbi main, MDB_dbi index, std::string_view key,
                std::string_view value, bool live) {
  int rc = put(txn, main, key, value);
  if (rc != MDB_SUCCESS) return rc;
  return live ? put(txn, index, key, value) : del(txn, index, key);
}

// The sequence of the last event in `events` (0 when there is none).
int last_sequence(MDB_txn* txn, MDB_dbi events, std::uint64_t& last) {
  CursorHandle cursor;
  int rc = open_cursor(txn, events, cursor);
  if (rc) return rc;
  MDB_val k, v;
  rc = mdb_cursor_get(cursor.get(), &k, &v, MDB_LAST);
  last = 0;
  if (rc == MDB_NOTFOUND) return MDB_SUCCESS;
  if (rc) return rc;
  return decode_sequence_key(to_view(k), last) ? MDB_SUCCESS : MDB_CORRUPTED;
}

sdk::Status check_keys(const sdk::WriteBatch& batch) {
  for (const auto& s : batch.setups)
    if (s.id.empty()) return sdk::Status::invalid_argument("setup with an empty id");
  for (const auto& j : batch.journal)
    if (j.client_ref.empty()) return sdk::Status::invalid_argument("journal entry with an empty client_ref");
  for (const auto& f : batch.fills)
    if (f.exec_id.empty()) return sdk::Status::invalid_argument("fill with an empty exec_id");
  for (const auto& t : batch.trades)
    if (t.id.empty()) return sdk::Status::invalid_argument("trade with an empty id");
  for (const auto& c : batch.observer_cursors)
    if (c.observer.empty()) return sdk::Status::invalid_argument("observer cursor with an empty name");
  return sdk::Status::ok();
}

sdk::Status refuse(sdk::HostServices& host, const sdk::Status& status) {
  host.logger().error("SLOB_LMDB_REFUSED", status.message());
  return status;
}

// The sequence of the last intent-log record an LMDB commit folded in (0: none yet, or a store
// older than schema 3 opened read-only).
sdk::Result<std::uint64_t> read_intent_log_applied(const OpenedEnv& opened, const std::string& path) {
  const std::string where = path + ": " + kDbMeta + "[" + kKeyIntentLogApplied + "]";
  TxnHandle txn;
  int rc = begin_txn(opened.env.get(), MDB_RDONLY, txn);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, where);
  MDB_val k = to_val(kKeyIntentLogApplied), v;
  rc = mdb_get(txn.get(), opened.dbs.meta, &k, &v);
  if (rc == MDB_NOTFOUND) return std::uint64_t{0};
  if (rc != MDB_SUCCESS) return lmdb_status(rc, where);
  std::uint64_t applied = 0;
  ByteReader r(to_view(v));
  if (!r.u64(applied) || !r.at_end()) return sdk::Status::corruption(where + " is not 8 bytes");
  return applied;
}

}  // namespace

sdk::Result<std::unique_ptr<LmdbStore>> LmdbStore::open(sdk::HostServices& host,
                                                        StoreConfig config) {
  auto opened = open_environment(config);
  if (!opened) return refuse(host, opened.status());
  sdk::Logger& log = host.logger();
  if (opened->stale_readers > 0) {
    log.warn("SLOB_LMDB_STALE_READERS", config.path + ": cleared " +
                                            std::to_string(opened->stale_readers) +
                                            " reader slot(s) left by dead processes");
  }
  if (opened->created) {
    log.info("SLOB_LMDB_CREATED", config.path + ": created store, schema version " +
                                      std::to_string(kSchemaVersion));
  }
  if (opened->migration.from != 0) {
    const MigrationReport& m = opened->migration;
    log.info("SLOB_LMDB_MIGRATED",
             config.path + ": schema " + std::to_string(m.from) + " -> " +
                 std::to_string(opened->schema_version) +
                 (m.from < 2 ? ": " + std::to_string(m.candles_regrouped) + " candles regrouped into " +
                                   std::to_string(m.candle_hours) + " hour records"
                             : std::string()) +
                 (m.from < 3 ? std::string(": intent log added") : std::string()) +
                 (m.from < 4 ? std::string(": observers database added") : std::string()));
  }
  if (config.sync == SyncMode::kNone && !config.read_only) {
    log.warn("SLOB_LMDB_SYNC_NONE",
             config.path + ": sync = \"none\": commits are not durable and a crash may corrupt "
                           "the store (use only for replays)");
  }
  log.info("SLOB_LMDB_OPENED", config.path + ": schema " + std::to_string(opened->schema_version) +
                                   ", map " + mib(opened->map_size) + " (max " +
                                   mib(config.max_map_size) + "), sync " +
                                   (config.sync == SyncMode::kFull ? "full" : "none") +
                                   (config.read_only ? ", read-only" : ""));
  auto applied = read_intent_log_applied(*opened, config.path);
  if (!applied) return refuse(host, applied.status());
  std::vector<StagedBatch> pending;
  auto intent_log = IntentLog::open(config.path, config.read_only, *applied, pending);
  if (!intent_log) return refuse(host, intent_log.status());
  auto store = std::make_unique<LmdbStore>(host, std::move(config), std::move(*opened),
                                           std::move(*intent_log));
  if (pending.empty()) return store;
  std::size_t entries = 0;
  for (auto& batch : pending) {
    entries += batch.journal.size();
    store->hold_staged(std::move(batch));
  }
  std::string what = store->config_.path + ": " + std::to_string(pending.size()) + " record(s) of " +
                     kIntentLogFile + " (" + std::to_string(entries) + " journal entries) not yet in " +
                     kDataFile;
  if (store->config_.read_only) {
    log.info("SLOB_LMDB_INTENTS_STAGED", what + ": read from the log");
    return store;
  }
  if (auto s = store->commit_to_lmdb(sdk::WriteBatch{}); !s) return refuse(host, s);
  log.info("SLOB_LMDB_INTENTS_FOLDED", what + ": folded in");
  return store;
}

sdk::Status LmdbStore::commit(const sdk::WriteBatch& batch) {
  if (config_.read_only) {
    return sdk::Status::failed_precondition(config_.path + ": store is open read-only");
  }
  if (batch.empty()) return sdk::Status::ok();
  if (auto s = check_keys(batch); !s) return sdk::Status::invalid_argument(config_.path + ": " + s.message());
  return stageable(batch) ? stage(batch) : commit_to_lmdb(batch);
}

bool LmdbStore::stageable(const sdk::WriteBatch& batch) const {
  return config_.sync == SyncMode::kFull && batch.setups.empty() && batch.fills.empty() &&
         batch.trades.empty() && batch.audit.empty() && batch.observer_cursors.empty() &&
         batch.candles.empty() && !batch.checkpoint;
}

sdk::Status LmdbStore::stage(const sdk::WriteBatch& batch) {
  StagedBatch staged{log_.next_sequence(), batch.journal, batch.host_state};
  const std::string record = encode_staged_batch(staged);
  if (!log_.fits(record.size())) return commit_to_lmdb(batch);
  if (auto s = log_.append(record); !s) return s;
  hold_staged(std::move(staged));
  return sdk::Status::ok();
}

void LmdbStore::hold_staged(StagedBatch batch) {
  for (auto& e : batch.journal) {
    std::string key = e.client_ref;
    staged_orders_.insert_or_assign(std::move(key), std::move(e));
  }
  if (batch.host_state) staged_host_ = std::move(batch.host_state);
}

sdk::Status LmdbStore::commit_to_lmdb(const sdk::WriteBatch& batch) {
  for (int attempt = 0; attempt < kMaxCommitAttempts; ++attempt) {
    std::string where = "begin";
    int rc;
    {
      TxnHandle txn;
      rc = begin_txn(opened_.env.get(), 0, txn);
      if (rc == MDB_SUCCESS) rc = apply_staged(txn.get(), where);
      if (rc == MDB_SUCCESS) rc = apply(txn.get(), batch, where);
      if (rc == MDB_SUCCESS) {
        where = "commit";
        rc = txn.commit();
      }
    }  // an unfinished transaction is aborted here, before the map may be resized
    if (rc == MDB_SUCCESS) {
      if (log_.has_unfolded()) {
        staged_orders_.clear();
        staged_host_.reset();
        log_.reset();
      }
      return sdk::Status::ok();
    }
    if (rc == MDB_MAP_FULL) {
      if (auto s = grow_map(); !s) return s;
      continue;
    }
    if (rc == MDB_MAP_RESIZED) {  // another process grew the map: adopt its size
      mdb_env_set_mapsize(opened_.env.get(), 0);
      MDB_envinfo info{};
      mdb_env_info(opened_.env.get(), &info);
      opened_.map_size = info.me_mapsize;
      continue;
    }
    return lmdb_status(rc, config_.path + ": commit failed at " + where);
  }
  return sdk::Status::internal(config_.path + ": commit did not succeed after " +
                               std::to_string(kMaxCommitAttempts) + " attempts");
}

int LmdbStore::apply_staged(MDB_txn* txn, std::string& where) {
  if (!log_.has_unfolded()) return MDB_SUCCESS;
  const Databases& db = opened_.dbs;
  int rc = MDB_SUCCESS;
  for (const auto& [ref, e] : staged_orders_) {
    where = std::string(kDbOrders) + "[" + ref + "] (from " + kIntentLogFile + ")";
    if ((rc = put_indexed(txn, db.orders, db.orders_unresolved, ref, encode(e),
                          !sdk::journal_entry_is_resolved(e))))
      return rc;
  }
  if (staged_host_) {
    where = std::string(kDbHost) + "[" + kKeyHostState + "] (from " + kIntentLogFile + ")";
    if ((rc = put(txn, db.host, kKeyHostState, encode(*staged_host_)))) return rc;
  }
  where = std::string(kDbMeta) + "[" + kKeyIntentLogApplied + "]";
  ByteWriter w(8);
  w.u64(log_.next_sequence() - 1);
  return put(txn, db.meta, kKeyIntentLogApplied, w.take());
}

int LmdbStore::apply(MDB_txn* txn, const sdk::WriteBatch& batch, std::string& where) {
  const Databases& db = opened_.dbs;
  int rc = MDB_SUCCESS;
  for (const auto& s : batch.setups) {
    where = std::string(kDbSetups) + "[" + s.id + "]";
    if ((rc = put_indexed(txn, db.setups, db.setups_live, s.id, encode(s), s.live))) return rc;
  }
  for (const auto& j : batch.journal) {
    where = std::string(kDbOrders) + "[" + j.client_ref + "]";
    if ((rc = put_indexed(txn, db.orders, db.orders_unresolved, j.client_ref, encode(j),
                          !sdk::journal_entry_is_resolved(j))))
      return rc;
  }
  for (const auto& f : batch.fills) {
    where = std::string(kDbFills) + "[" + f.exec_id + "]";
    if ((rc = put(txn, db.fills, f.exec_id, encode(f)))) return rc;
  }
  for (const auto& t : batch.trades) {
    where = std::string(kDbTrades) + "[" + t.id + "]";
    if ((rc = put_indexed(txn, db.trades, db.trades_open, t.id, encode(t), t.open()))) return rc;
  }
  if (!batch.audit.empty()) {
    where = kDbEvents;
    std::uint64_t last = 0;
    if ((rc = last_sequence(txn, db.events, last))) return rc;
    std::uint64_t next = last + 1;
    for (sdk::AuditEvent e : batch.audit) {
      e.sequence = next++;
      if ((rc = put(txn, db.events, sequence_key(e.sequence), encode(e), MDB_APPEND))) return rc;
    }
  }
  for (const auto& c : batch.observer_cursors) {
    where = std::string(kDbObservers) + "[" + c.observer + "]";
    if ((rc = put(txn, db.observers, c.observer, encode(c)))) return rc;
  }
  if (!batch.candles.empty()) {
    if ((rc = put_candles(txn, batch.candles, where))) return rc;
  }
  if (batch.host_state) {
    where = std::string(kDbHost) + "[" + kKeyHostState + "]";
    if ((rc = put(txn, db.host, kKeyHostState, encode(*batch.host_state)))) return rc;
  }
  if (batch.checkpoint) {
    where = std::string(kDbHost) + "[" + kKeyCheckpoint + "]";
    if ((rc = put(txn, db.host, kKeyCheckpoint, encode(*batch.checkpoint)))) return rc;
  }
  return MDB_SUCCESS;
}

// Each hour the batch touches is read, merged and written once (candle_hours.hpp), then the
// hours behind the retention window are dropped. The failing record is named only on failure:
// formatting a time for every candle cost more than writing it.
int LmdbStore::put_candles(MDB_txn* txn, const std::vector<sdk::Candle>& candles, std::string& where) {
  std::vector<sdk::Candle> sorted;
  std::span<const sdk::Candle> in(candles);
  if (!std::is_sorted(in.begin(), in.end(), starts_before)) {
    sorted.assign(in.begin(), in.end());
    std::stable_sort(sorted.begin(), sorted.end(), starts_before);  // stable: a later duplicate wins
    in = sorted;
  }
  std::vector<sdk::Candle> hour_candles;
  for (std::size_t i = 0; i < in.size();) {
    const std::size_t end = hour_run_end(in, i);
    const std::span<const sdk::Candle> run = in.subspan(i, end - i);
    const bool increasing = std::adjacent_find(run.begin(), run.end(), [](const auto& a, const auto& b) {
                              return !starts_before(a, b);
                            }) == run.end();  // no duplicates: the run may be appended as it is
    const sdk::Time hour = hour_of(run.front().start);
    const std::string key = time_key(hour);
    MDB_val k = to_val(key);
    MDB_val v;
    int rc = mdb_get(txn, opened_.dbs.candles, &k, &v);
    const bool fresh = rc == MDB_NOTFOUND;
    std::string value;
    if (fresh || rc == MDB_SUCCESS) {
      rc = MDB_SUCCESS;
      const std::string_view stored = fresh ? std::string_view() : to_view(v);
      const auto last = fresh ? std::nullopt : last_candle_start(stored);
      if (increasing && (fresh || (last && *last < run.front().start))) {
        // The common case, candles after every stored one of their hour: bytes appended.
        value = fresh ? encode_candle_hour({}) : std::string(stored);
        append_candles(value, run);
      } else {
        hour_candles.clear();
        if (fresh || decode_candle_hour(stored, hour, hour_candles).is_ok()) {
          merge_candles(hour_candles, run);
          value = encode_candle_hour(hour_candles);
        } else {
          rc = MDB_CORRUPTED;
        }
      }
    }
    if (rc == MDB_SUCCESS) {
      // A new hour is usually after every stored one: an append skips the tree search (LMDB
      // refuses it with MDB_KEYEXIST for a key not after the last, then it is a put).
      rc = put(txn, opened_.dbs.candles, key, value, fresh ? MDB_APPEND : 0);
      if (rc == MDB_KEYEXIST) rc = put(txn, opened_.dbs.candles, key, value);
    }
    if (rc) {
      where = std::string(kDbCandles) + "[" + sdk::format_rfc3339(hour) + "]";
      return rc;
    }
    i = end;
  }
  return prune_candles(txn, in.back().start, where);
}

// Candles older than the retention window behind the newest one are only history; dropping
// them keeps the candle database at a bounded size. Whole hours go with one delete each; the
// hour the window starts in is trimmed to it, so exactly the candles older than the window go.
int LmdbStore::prune_candles(MDB_txn* txn, sdk::Time newest, std::string& where) {
  where = std::string(kDbCandles) + " (pruning)";
  const sdk::Time cutoff = newest - config_.candle_retention;
  const sdk::Time cutoff_hour = hour_of(cutoff);
  const std::string cutoff_key = time_key(cutoff_hour);
  int rc;
  {
    CursorHandle cursor;
    if ((rc = open_cursor(txn, opened_.dbs.candles, cursor))) return rc;
    MDB_val k, v;
    for (rc = mdb_cursor_get(cursor.get(), &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(cursor.get(), &k, &v, MDB_NEXT)) {
      if (to_view(k) >= cutoff_key) break;
      if ((rc = mdb_cursor_del(cursor.get(), 0))) return rc;
    }
    if (rc == MDB_NOTFOUND) return MDB_SUCCESS;
    if (rc) return rc;
    if (to_view(k) != cutoff_key) return MDB_SUCCESS;
    // Usually the hour was trimmed by the last commit already, or starts inside the window.
    if (const auto first = first_candle_start(to_view(v)); first && *first >= cutoff) return MDB_SUCCESS;
    std::vector<sdk::Candle> kept;
    if (!decode_candle_hour(to_view(v), cutoff_hour, kept).is_ok()) return MDB_CORRUPTED;
    const auto first_kept = std::find_if(kept.begin(), kept.end(),
                                         [&](const sdk::Candle& c) { return c.start >= cutoff; });
    if (first_kept == kept.begin()) return MDB_SUCCESS;
    kept.erase(kept.begin(), first_kept);
    if (kept.empty()) return mdb_cursor_del(cursor.get(), 0);
    // The key from our own copy: `k` points into the page the replacement rewrites.
    const std::string value = encode_candle_hour(kept);
    MDB_val key = to_val(cutoff_key), nv = to_val(value);
    return mdb_cursor_put(cursor.get(), &key, &nv, MDB_CURRENT);
  }
}

sdk::Status LmdbStore::grow_map() {
  const std::uint64_t current = opened_.map_size;
  if (current >= config_.max_map_size) {
    std::string message = config_.path + ": store is full: the map is " + mib(current) +
                          " and max_map_size is " + mib(config_.max_map_size) +
                          "; raise max_map_size or free space";
    host_.logger().error("SLOB_LMDB_MAP_FULL", message);
    return sdk::Status::resource_exhausted(std::move(message));
  }
  const std::uint64_t next = std::min(config_.max_map_size, current * 2);
  const int rc = mdb_env_set_mapsize(opened_.env.get(), next);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, config_.path + ": cannot grow the map");
  MDB_envinfo info{};
  mdb_env_info(opened_.env.get(), &info);
  opened_.map_size = info.me_mapsize;
  host_.logger().info("SLOB_LMDB_MAP_GROWN",
                      config_.path + ": map grown from " + mib(current) + " to " + mib(next));
  return sdk::Status::ok();
}

int LmdbStore::begin_read(TxnHandle& txn) {
  int rc = begin_txn(opened_.env.get(), MDB_RDONLY, txn);
  if (rc == MDB_MAP_RESIZED) {  // a writer in another process grew the file
    mdb_env_set_mapsize(opened_.env.get(), 0);
    rc = begin_txn(opened_.env.get(), MDB_RDONLY, txn);
  }
  return rc;
}

template <typename T>
sdk::Result<std::optional<T>> LmdbStore::get(MDB_dbi dbi, const char* db, std::string_view key) {
  TxnHandle txn;
  int rc = begin_read(txn);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, config_.path + ": read");
  MDB_val k = to_val(key);
  MDB_val v;
  rc = mdb_get(txn.get(), dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<T>{};
  const std::string where = config_.path + ": " + db + "[" + printable_key(key) + "]";
  if (rc != MDB_SUCCESS) return lmdb_status(rc, where);
  T record;
  if (auto s = decode(to_view(v), record); !s) return sdk::Status::corruption(where + ": " + s.message());
  return std::optional<T>(std::move(record));
}

template <typename T>
sdk::Status LmdbStore::scan(MDB_dbi dbi, const char* db, const sdk::Visitor<T>& visit,
                            std::optional<std::string> from) {
  TxnHandle txn;
  int rc = begin_read(txn);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, config_.path + ": read " + db);
  CursorHandle cursor;
  if ((rc = open_cursor(txn.get(), dbi, cursor))) return lmdb_status(rc, config_.path + ": read " + db);
  MDB_val k, v;
  if (from) k = to_val(*from);
  T record;
  for (rc = mdb_cursor_get(cursor.get(), &k, &v, from ? MDB_SET_RANGE : MDB_FIRST);
       rc == MDB_SUCCESS; rc = mdb_cursor_get(cursor.get(), &k, &v, MDB_NEXT)) {
    if (auto s = decode(to_view(v), record); !s) {
      return sdk::Status::corruption(config_.path + ": " + db + "[" +
                                     printable_key(to_view(k)) + "]: " + s.message());
    }
    if (!visit(record)) return sdk::Status::ok();
  }
  if (rc != MDB_NOTFOUND) return lmdb_status(rc, config_.path + ": read " + db);
  return sdk::Status::ok();
}

sdk::Result<sdk::HostState> LmdbStore::host_state() {
  if (staged_host_) return *staged_host_;
  auto r = get<sdk::HostState>(opened_.dbs.host, kDbHost, kKeyHostState);
  if (!r) return r.status();
  return r->value_or(sdk::HostState{});
}

sdk::Result<std::optional<sdk::StrategyCheckpoint>> LmdbStore::checkpoint() {
  return get<sdk::StrategyCheckpoint>(opened_.dbs.host, kDbHost, kKeyCheckpoint);
}

sdk::Result<std::vector<sdk::ObserverCursor>> LmdbStore::observer_cursors() {
  std::vector<sdk::ObserverCursor> out;
  if (opened_.schema_version < 4) return out;  // read-only at an older schema: none kept yet
  auto s = scan<sdk::ObserverCursor>(opened_.dbs.observers, kDbObservers, [&](const sdk::ObserverCursor& c) {
    out.push_back(c);
    return true;
  });
  if (!s) return s;
  return out;
}

sdk::Result<std::uint64_t> LmdbStore::last_event_sequence() {
  TxnHandle txn;
  int rc = begin_read(txn);
  std::uint64_t last = 0;
  if (rc == MDB_SUCCESS) rc = last_sequence(txn.get(), opened_.dbs.events, last);
  if (rc == MDB_CORRUPTED) return sdk::Status::corruption(config_.path + ": " + kDbEvents + ": last key is not 8 bytes");
  if (rc != MDB_SUCCESS) return lmdb_status(rc, config_.path + ": read " + kDbEvents);
  return last;
}

sdk::Status LmdbStore::scan_live_setups(const sdk::Visitor<sdk::SetupRecord>& visit) {
  return scan(opened_.dbs.setups_live, kDbSetupsLive, visit);
}
sdk::Status LmdbStore::scan_open_trades(const sdk::Visitor<sdk::TradeRecord>& visit) {
  return scan(opened_.dbs.trades_open, kDbTradesOpen, visit);
}
sdk::Status LmdbStore::scan_unresolved_orders(const sdk::Visitor<sdk::JournalEntry>& visit) {
  return scan_orders_with_staged(opened_.dbs.orders_unresolved, kDbOrdersUnresolved, visit, true);
}

sdk::Status LmdbStore::scan_orders_with_staged(MDB_dbi dbi, const char* db,
                                               const sdk::Visitor<sdk::JournalEntry>& visit,
                                               bool unresolved_only) {
  auto emit = [&](const sdk::JournalEntry& e) {
    return (unresolved_only && sdk::journal_entry_is_resolved(e)) || visit(e);
  };
  // std::string orders bytes as unsigned char, as LMDB's default comparison does.
  auto next = staged_orders_.begin();
  bool more = true;
  auto st = scan<sdk::JournalEntry>(dbi, db, [&](const sdk::JournalEntry& stored) {
    for (; next != staged_orders_.end() && next->first < stored.client_ref; ++next) {
      if (!(more = emit(next->second))) return false;
    }
    if (next != staged_orders_.end() && next->first == stored.client_ref) {
      return more = emit((next++)->second);
    }
    return more = emit(stored);
  });
  if (!st) return st;
  for (; more && next != staged_orders_.end(); ++next) more = emit(next->second);
  return sdk::Status::ok();
}

sdk::Result<std::optional<sdk::JournalEntry>> LmdbStore::find_order(const std::string& client_ref) {
  if (auto it = staged_orders_.find(client_ref); it != staged_orders_.end()) {
    return std::optional<sdk::JournalEntry>(it->second);
  }
  return get<sdk::JournalEntry>(opened_.dbs.orders, kDbOrders, client_ref);
}
sdk::Result<std::optional<sdk::SetupRecord>> LmdbStore::find_setup(const std::string& id) {
  return get<sdk::SetupRecord>(opened_.dbs.setups, kDbSetups, id);
}
sdk::Result<std::optional<sdk::TradeRecord>> LmdbStore::find_trade(const std::string& id) {
  return get<sdk::TradeRecord>(opened_.dbs.trades, kDbTrades, id);
}
sdk::Result<bool> LmdbStore::has_fill(const std::string& exec_id) {
  auto r = get<sdk::FillRecord>(opened_.dbs.fills, kDbFills, exec_id);
  if (!r) return r.status();
  return r->has_value();
}

sdk::Status LmdbStore::scan_setups(const sdk::Visitor<sdk::SetupRecord>& visit) {
  return scan(opened_.dbs.setups, kDbSetups, visit);
}
sdk::Status LmdbStore::scan_orders(const sdk::Visitor<sdk::JournalEntry>& visit) {
  return scan_orders_with_staged(opened_.dbs.orders, kDbOrders, visit, false);
}
sdk::Status LmdbStore::scan_fills(const sdk::Visitor<sdk::FillRecord>& visit) {
  return scan(opened_.dbs.fills, kDbFills, visit);
}
sdk::Status LmdbStore::scan_trades(const sdk::Visitor<sdk::TradeRecord>& visit) {
  return scan(opened_.dbs.trades, kDbTrades, visit);
}
// From the first key after `after` (MDB_SET_RANGE): the events before it are never read.
sdk::Status LmdbStore::scan_events(std::uint64_t after, const sdk::Visitor<sdk::AuditEvent>& visit) {
  if (after == std::numeric_limits<std::uint64_t>::max()) return sdk::Status::ok();
  return scan(opened_.dbs.events, kDbEvents, visit,
              after == 0 ? std::nullopt : std::optional<std::string>(sequence_key(after + 1)));
}
// Hour records from the one `from` falls in; candles before `from` in it are skipped. A store
// still at schema 1 (opened read-only, so not migrated) holds one candle per record instead.
sdk::Status LmdbStore::scan_candles(sdk::Time from, const sdk::Visitor<sdk::Candle>& visit) {
  TxnHandle txn;
  int rc = begin_read(txn);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, config_.path + ": read " + kDbCandles);
  CursorHandle cursor;
  if ((rc = open_cursor(txn.get(), opened_.dbs.candles, cursor)))
    return lmdb_status(rc, config_.path + ": read " + kDbCandles);
  // hour_of() would overflow for the earliest representable times: those scan from the start.
  const bool from_first = from < sdk::Time::min() + std::chrono::hours(1);
  const std::string start = from_first ? std::string() : time_key(hour_of(from));
  MDB_val k = to_val(start), v;
  const bool single_candles = opened_.schema_version < 2;
  std::vector<sdk::Candle> candles;
  for (rc = mdb_cursor_get(cursor.get(), &k, &v, from_first ? MDB_FIRST : MDB_SET_RANGE);
       rc == MDB_SUCCESS; rc = mdb_cursor_get(cursor.get(), &k, &v, MDB_NEXT)) {
    candles.clear();
    sdk::Time hour;
    sdk::Status s = decode_time_key(to_view(k), hour) ? sdk::Status::ok()
                                                       : sdk::Status::corruption("candles key is not 8 bytes");
    if (s && single_candles) {
      candles.emplace_back();
      s = decode(to_view(v), candles.back());
    } else if (s) {
      s = decode_candle_hour(to_view(v), hour, candles);
    }
    if (!s) {
      return sdk::Status::corruption(config_.path + ": " + kDbCandles + "[" +
                                     printable_key(to_view(k)) + "]: " + s.message());
    }
    for (const sdk::Candle& c : candles)
      if (c.start >= from && !visit(c)) return sdk::Status::ok();
  }
  if (rc != MDB_NOTFOUND) return lmdb_status(rc, config_.path + ": read " + kDbCandles);
  return sdk::Status::ok();
}

sdk::Result<std::unique_ptr<sdk::Store>> create_store(sdk::HostServices& host,
                                                      const sdk::ConfigTable& table) {
  try {
    auto config = parse_store_config(table, host.config_dir());
    if (!config) return config.status();
    // slob-host export and --check read without writing and create nothing (a check run as
    // root must not leave root-owned files for the service user), whatever the schema.
    if (host.read_only() || host.check_only()) config->read_only = true;
    if (host.check_only()) {
      // A directory a run would create the store in (missing, or without any store file)
      // passes; anything else must open. The open refuses a lost data.mdb beside the others.
      std::error_code ec;
      const std::filesystem::path dir(config->path);
      const bool directory_or_none = !std::filesystem::exists(dir, ec) || std::filesystem::is_directory(dir, ec);
      if (directory_or_none && !holds_store_files(config->path)) return std::unique_ptr<sdk::Store>();
      auto probe = LmdbStore::open(host, std::move(*config));
      if (!probe) return probe.status();
      return std::unique_ptr<sdk::Store>();
    }
    if (host.fresh_start()) {
      // slob-host --fresh: this store's files, and only those.
      for (const char* name : {kDataFile, "lock.mdb", kIntentLogFile}) {
        std::error_code ec;
        std::filesystem::remove(std::filesystem::path(config->path) / name, ec);
        if (ec) return sdk::Status::io_error(config->path + "/" + name + ": cannot delete: " + ec.message());
      }
    }
    auto store = LmdbStore::open(host, std::move(*config));
    if (!store) return store.status();
    return std::unique_ptr<sdk::Store>(std::move(*store));
  } catch (const std::exception& e) {  // nothing may throw across the plugin boundary
    return sdk::Status::internal(std::string("lmdb store: ") + e.what());
  }
}

}  // namespace slob::plugins::lmdb
