#include "schema_migration.hpp"

#include <vector>

#include "candle_hours.hpp"
#include "record_codec.hpp"
#include "schema.hpp"

namespace slob::plugins::lmdb {

namespace {

// Schema 1 -> 2: one record per candle becomes one record per UTC hour. Keys of both are time
// keys, so one pass in key order reads the candles sorted and the hours come out in order.
int regroup_candles(MDB_txn* txn, const Databases& dbs, MigrationReport& report, std::string& where) {
  where = std::string(kDbCandles) + " (schema 1 candles)";
  std::vector<sdk::Candle> all;
  int rc;
  {
    CursorHandle cursor;
    if ((rc = open_cursor(txn, dbs.candles, cursor))) return rc;
    MDB_val k, v;
    for (rc = mdb_cursor_get(cursor.get(), &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(cursor.get(), &k, &v, MDB_NEXT)) {
      sdk::Candle c;
      if (!decode(to_view(v), c).is_ok() || time_key(c.start) != to_view(k)) return MDB_CORRUPTED;
      all.push_back(c);
    }
    if (rc != MDB_NOTFOUND) return rc;
  }
  if ((rc = mdb_drop(txn, dbs.candles, 0))) return rc;  // empties the database, keeps it open
  report.candles_regrouped = all.size();
  where = std::string(kDbCandles) + " (schema 2 hours)";
  for (std::size_t i = 0; i < all.size();) {
    const std::size_t end = hour_run_end(all, i);
    const std::string key = time_key(hour_of(all[i].start));
    const std::string value = encode_candle_hour(std::span<const sdk::Candle>(all).subspan(i, end - i));
    MDB_val k = to_val(key), v = to_val(value);
    if ((rc = mdb_put(txn, dbs.candles, &k, &v, MDB_APPEND))) return rc;
    ++report.candle_hours;
    i = end;
  }
  return MDB_SUCCESS;
}

}  // namespace

int put_schema_version(MDB_txn* txn, const Databases& dbs, std::uint32_t version) {
  const unsigned char bytes[4] = {static_cast<unsigned char>(version & 0xff),
                                  static_cast<unsigned char>((version >> 8) & 0xff),
                                  static_cast<unsigned char>((version >> 16) & 0xff),
                                  static_cast<unsigned char>((version >> 24) & 0xff)};
  MDB_val key = to_val(kKeySchemaVersion);
  MDB_val value{sizeof bytes, const_cast<unsigned char*>(bytes)};
  return mdb_put(txn, dbs.meta, &key, &value, 0);
}

int migrate_schema(MDB_txn* txn, Databases& dbs, std::uint32_t from, MigrationReport& report,
                   std::string& where) {
  report.from = from;
  int rc = MDB_SUCCESS;
  if (from < 2 && (rc = regroup_candles(txn, dbs, report, where))) return rc;
  // 3 -> 4: the observers database, empty (no observer has delivered anything yet). Version-1
  // audit events stay as they are: the decoder maps them (record_codec.hpp).
  if (from < 4) {
    where = std::string(kDbObservers) + " (create)";
    if ((rc = mdb_dbi_open(txn, kDbObservers, MDB_CREATE, &dbs.observers))) return rc;
  }
  where = std::string(kDbMeta) + "[" + kKeySchemaVersion + "]";
  return put_schema_version(txn, dbs, kSchemaVersion);
}

}  // namespace slob::plugins::lmdb
