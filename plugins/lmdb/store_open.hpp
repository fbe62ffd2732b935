#pragma once

// Opening a store directory safely, in this order:
//   1. resolve the directory: created when missing (never its parent), refused when not a
//      directory; in read_only mode it must already hold a store;
//   2. claim it in the process-wide registry (never two environments on one file);
//   3. probe it read-only (store_probe.hpp): the whole file's structure is checked before LMDB
//      maps it, and anything refused is left byte-for-byte untouched;
//   4. refuse a newer schema;
//   5. open, clear stale reader slots, create the layout on a fresh store, migrate an older one
//      (read-write only) in one transaction (schema_migration.hpp). Read-only, nothing is
//      created (no directory, data.mdb, lock.mdb or intents.wal), migrated or folded: an older
//      schema is read in place.
//
// Errors are one line naming the path and the problem. Threading: call from one thread.

#include <lmdb.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "env_registry.hpp"
#include "lmdb_handles.hpp"
#include "slob/sdk/status.hpp"
#include "store_config.hpp"

namespace slob::plugins::lmdb {

struct Databases {
  MDB_dbi meta = 0;
  MDB_dbi host = 0;
  MDB_dbi setups = 0;
  MDB_dbi setups_live = 0;
  MDB_dbi orders = 0;
  MDB_dbi orders_unresolved = 0;
  MDB_dbi fills = 0;
  MDB_dbi trades = 0;
  MDB_dbi trades_open = 0;
  MDB_dbi events = 0;
  MDB_dbi candles = 0;
  MDB_dbi observers = 0;  // schema 4; 0 in a store read at an older schema
};

struct MigrationReport {
  std::uint32_t from = 0;             // the version found; 0 when nothing was migrated
  std::size_t candles_regrouped = 0;  // 1 -> 2: candles moved into hour records
  std::size_t candle_hours = 0;       // 1 -> 2: hour records written
};

struct OpenedEnv {
  EnvClaim claim;  // declared before env: released only after the environment is closed
  EnvHandle env;
  Databases dbs;
  std::uint64_t map_size = 0;
  bool created = false;     // the layout was created by this open
  // The layout the handles read: kSchemaVersion, or an older one opened read-only (an older
  // store opened read-write is migrated first; `migration` says what was done).
  std::uint32_t schema_version = 0;
  MigrationReport migration;
  int stale_readers = 0;    // reader slots of dead processes cleared at open
};

sdk::Result<OpenedEnv> open_environment(const StoreConfig& config);

}  // namespace slob::plugins::lmdb
