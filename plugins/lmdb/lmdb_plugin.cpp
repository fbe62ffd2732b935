// The module entry point of libslob-lmdb.so: only the descriptor; the store lives in
// slob_lmdb (lmdb_store.hpp) so tests and tools link it directly.

#include "lmdb_store.hpp"
#include "slob/sdk/plugin.hpp"

SLOB_STORE_PLUGIN("lmdb", "1.0.0", 0, &slob::plugins::lmdb::create_store)
