#pragma once

// Read-only inspection of a store directory before anything may write to it. A file that is
// not LMDB, is truncated or damaged, or carries a schema this build does not know, must be
// refused and left byte-for-byte as it was; and the probe creates nothing (no lock file).
//
// What the probe checks: the data file is a regular file; a missing or empty data file beside
// the store's other files (lock.mdb, intents.wal) is a deleted or truncated store, not a first
// start; the whole file's structure (file_check.hpp) before LMDB maps it; the meta database and
// the schema version exist; every database of the store's schema (schema.hpp) exists. LMDB keeps no checksums,
// so damage inside a key or value is found by the record decoders when that record is read,
// and is then reported as kCorruption naming the database and key.

#include <cstdint>
#include <string>

#include "slob/sdk/status.hpp"

namespace slob::plugins::lmdb {

struct ProbeResult {
  // False when there is no data file yet (an empty one alone), or an LMDB file nobody
  // initialised (a crash during the very first open): the store may create its layout.
  bool initialized = false;
  std::uint32_t schema_version = 0;
  std::uint64_t map_size = 0;  // the map size recorded in the file; 0 when there is none
};

// `dir` must exist. Errors name `dir` or the file and the problem in one line.
sdk::Result<ProbeResult> probe_store(const std::string& dir);

// Whether `dir` holds anything of a store (a non-empty data.mdb, lock.mdb or intents.wal): a
// directory without any is where a first start creates one.
bool holds_store_files(const std::string& dir);

// The LMDB lock flag for a reader that must create nothing: 0 when <dir>/lock.mdb exists and
// opens for writing (the reader then registers in it, so a running daemon never reuses the
// pages it reads); MDB_NOLOCK when it is missing (nobody has the store open: every opener
// creates it) or cannot be written (read-only media, or the file's permissions). Without the
// lock a reader is only safe from a writer that is not running.
unsigned reader_lock_flags(const std::string& dir);

}  // namespace slob::plugins::lmdb
