#pragma once

// Opening a store directory safely, in this order:
//   1. resolve the directory: created when missing (never its parent), refused when not a
//      directory; in read_only mode it must already hold a store;
//   2. claim it in the process-wide registry (never two environments on one file);
//   3. probe it read-only (store_probe.hpp): anything refused is left byte-for-byte untouched;
//   4. refuse a newer schema; migrate an older one in one transaction;
//   5. open read-write, clear stale reader slots, create the layout on a fresh store.
//
// Errors are one line naming the path and the problem. Threading: call from one thread.

#include <lmdb.h>

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
};

struct OpenedEnv {
  EnvClaim claim;  // declared before env: released only after the environment is closed
  EnvHandle env;
  Databases dbs;
  std::uint64_t map_size = 0;
  bool created = false;     // the layout was created by this open
  int stale_readers = 0;    // reader slots of dead processes cleared at open
};

sdk::Result<OpenedEnv> open_environment(const StoreConfig& config);

}  // namespace slob::plugins::lmdb
