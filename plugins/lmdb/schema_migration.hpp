#pragma once

// Upgrades of an older store layout to kSchemaVersion (README.md, "Migrations"). Each step runs
// in the caller's write transaction together with the new schema version, so a crash midway
// leaves the old version intact and the next open migrates again from the start.
//
// Threading: the opening thread, before the store is handed out.

#include <lmdb.h>

#include <cstdint>
#include <string>

#include "store_open.hpp"

namespace slob::plugins::lmdb {

// Writes `version` as the store's schema version (meta database).
int put_schema_version(MDB_txn* txn, const Databases& dbs, std::uint32_t version);

// Migrates a store at schema `from` (1 <= from < kSchemaVersion) to kSchemaVersion inside
// `txn`, version included; databases the migration creates get their handles in `dbs`. Returns
// an LMDB code; on failure `where` names the database and key and the caller aborts the
// transaction.
int migrate_schema(MDB_txn* txn, Databases& dbs, std::uint32_t from, MigrationReport& report,
                   std::string& where);

}  // namespace slob::plugins::lmdb
