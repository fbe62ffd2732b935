#pragma once

// A structural check of data.mdb, read with pread before LMDB maps the file.
//
// LMDB keeps no checksums and trusts every page it reads: one damaged page number, node offset
// or size sends it outside its map (SIGSEGV, SIGBUS) or into an assertion (SIGABRT). Under
// systemd a crash is a restart loop, so every page LMDB can reach from the newest meta page is
// checked here first, and damage is refused with one line naming the file and the page.
//
// Checked (LMDB 0.9.x data format 1 on a 64-bit little-endian host; mdb.c's MDB_meta, MDB_page,
// MDB_node and MDB_db give the layout):
//   - both meta pages: the meta flag, the magic 0xBEEFC0DE, format version 1, one page size (a
//     power of two, 512 to 32768) in both; the newer one (the one LMDB uses): the last page,
//     the map size, the database records;
//   - the file holds every page up to the last page the newest meta page names;
//   - the free-page tree, the main tree and every named database of the slob layout
//     (schema.hpp): each page in range, read once only, its number equal to its position, a
//     branch above and a leaf at the tree's depth (at most LMDB's 32 levels), free-space bounds
//     inside the page, every node inside the page and packed as LMDB packs them, keys of 1 to
//     511 bytes in strictly increasing order and inside the range the parent gives the page,
//     child page numbers in range, node flags a slob store uses (named databases in the main
//     tree, overflow values), overflow runs in range with a header that fits the value, every
//     free-list entry a page in range, and the page, entry and depth counts of each database
//     record equal to what was found.
// Not checked: the bytes inside keys and values (the record decoders refuse those, naming the
// database and key), and databases outside the slob layout (never opened, so never read).
//
// A writer in another process (a running daemon while `export` reads) may reuse pages during
// the walk: the caller retries when the newest transaction changed meanwhile (data_file_txnid).
//
// Threading: any; the check only reads. Cost: one pread per page (docs/performance.md).

#include <cstdint>
#include <string>
#include <vector>

#include "slob/sdk/status.hpp"

namespace slob::plugins::lmdb {

struct DataFileSummary {
  std::uint32_t page_size = 0;
  std::uint64_t last_page = 0;  // the last page in use (the newest meta page's mm_last_pg)
  std::uint64_t txnid = 0;      // the newest committed transaction
  std::uint64_t map_size = 0;   // the map size the newest meta page records
  std::uint64_t pages_read = 0;
};

// A page the check found in use, for diagnostics and tests: its number, its kind (LMDB's page
// flag: 1 branch, 2 leaf, 4 the head of an overflow run) and its tree ("(free)", "(main)" or
// the database's name).
struct PageInUse {
  std::uint64_t page = 0;
  unsigned kind = 0;
  std::string tree;
};

// `file` is data.mdb, a regular file of at least one byte. kCorruption naming `file` and the
// problem (and the page and database where there is one); kIoError when it cannot be read.
// `in_use`, when given, receives the pages of the trees in the order they were read.
sdk::Result<DataFileSummary> check_data_file(const std::string& file,
                                             std::vector<PageInUse>* in_use = nullptr);

// The newest committed transaction id of `file` without checking anything else (0 when the
// meta pages cannot be read): what the caller compares to see whether a writer committed.
std::uint64_t data_file_txnid(const std::string& file);

}  // namespace slob::plugins::lmdb
