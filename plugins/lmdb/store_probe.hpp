#pragma once

// Read-only inspection of a store directory before anything may write to it. A file that is
// not LMDB, is truncated or damaged, or carries a schema this build does not know, must be
// refused and left byte-for-byte as it was, so the probe opens it with MDB_RDONLY only.
//
// What the probe checks (cheap, independent of history size): the data file is a regular file;
// LMDB accepts its meta pages; the file is at least as long as the last page the meta pages
// reference (a shorter file would SIGBUS on access); the meta database and the schema version
// exist; for the current schema, every database exists and the first and last leaf of each can
// be read. LMDB keeps no page checksums, so damage deeper in a history tree is only found when
// that page is read, and is then reported as kCorruption by the read.

#include <cstdint>
#include <string>

#include "slob/sdk/status.hpp"

namespace slob::plugins::lmdb {

struct ProbeResult {
  // False when there is no data file yet, an empty one, or an LMDB file nobody initialised
  // (a crash during the very first open): the store may create its layout.
  bool initialized = false;
  std::uint32_t schema_version = 0;
  std::uint64_t map_size = 0;  // the map size recorded in the file; 0 when there is none
};

// `dir` must exist. Errors name `dir` and the problem in one line.
sdk::Result<ProbeResult> probe_store(const std::string& dir);

}  // namespace slob::plugins::lmdb
