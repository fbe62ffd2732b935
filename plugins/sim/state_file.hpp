#pragma once

// Durable copy of the sim broker's book (orders, position, executions, counters), so a daemon
// killed with -9 restarts against the same "broker" it left, exactly as it would against IB,
// whose server keeps orders and fills while the client is gone.
//
// Written write-ahead: the sim saves after every change of the book and before it reports that
// change, so the host never sees a fill the sim could forget.
//
// Two files. `path` is a JSON snapshot of the whole book, replaced atomically (temp file, fsync,
// rename, fsync of the directory). `path.journal` holds one JSON line per save since that
// snapshot: the orders from the first one not yet final (earlier ones never change again), the
// executions added, and the counters. A save appends one line and fsyncs it, so its cost follows
// what changed, not the history: rewriting the whole book at every change made a replay
// quadratic in its length. When the journal outgrows the snapshot, and at a clean stop, the
// snapshot is rewritten and the journal emptied (each line carries a sequence number and the
// snapshot the last one it includes, so a crash between the two steps only leaves lines that
// load skips). The snapshot alone is therefore the whole book after a clean stop.
//
// A last journal line without its newline is a save that never completed (a crash inside
// write()); nothing was reported for it, so load drops it.
//
// SyncMode::kNone skips every fsync (journal lines, the snapshot's temp file, the directory) and
// changes nothing else: the same writes in the same order, so a process killed with -9 still
// leaves its book (the page cache outlives the process), but a machine crash or power loss may
// lose or tear it. For replays and benchmarks, where nothing asked for durability.
//
// Errors: save() and compact() return io_error naming the path; load() returns corruption naming
// the path for a file it cannot decode (the files are left untouched for inspection).

#include <cstdint>
#include <optional>
#include <string>

#include "order_book.hpp"
#include "sim_config.hpp"
#include "slob/sdk/status.hpp"
#include "slob/sdk/time.hpp"

namespace slob::plugins::sim {

inline constexpr int kStateFileVersion = 1;

struct PersistedState {
  // What the file was written for; a restart with a different data file, symbol or starting
  // equity would reconcile against a broker that never existed, so the sim refuses it.
  std::string data_path;
  std::string symbol;
  double starting_equity = 0;
  // Start of the last bar the book was evaluated against; unset before the first bar.
  std::optional<sdk::Time> evaluated_through;
  BookState book;
};

// What a state file is written for (PersistedState without the book).
struct StateOwner {
  std::string data_path;
  std::string symbol;
  double starting_equity = 0;
};

class StateFile {
 public:
  StateFile(std::string path, StateOwner owner, SyncMode sync);
  ~StateFile();
  StateFile(const StateFile&) = delete;
  StateFile& operator=(const StateFile&) = delete;

  // Deletes the snapshot and the journal (a fresh start), before load(). Missing files are fine.
  sdk::Status discard();

  // The snapshot with the journal applied; nullopt when there is no snapshot. Call once, before
  // the first save: it also positions the journal for appending.
  sdk::Result<std::optional<PersistedState>> load();

  // Makes the book durable. `settled` is book.settled_orders(): orders before it are final.
  sdk::Status save(const BookState& book, std::optional<sdk::Time> evaluated_through,
                   std::size_t settled);
  // Folds the journal into a new snapshot (a clean stop). `book` must be the book of the last
  // save: this adds no change, so a broker instance that loaded the files before (a reload's
  // replacement) goes on appending after it.
  sdk::Status compact(const BookState& book, std::optional<sdk::Time> evaluated_through);

 private:
  sdk::Status append(const std::string& line);
  // The snapshot as of save number `seq`, then an empty journal.
  sdk::Status write_snapshot(const BookState& book, std::optional<sdk::Time> evaluated_through,
                             std::uint64_t seq);
  sdk::Status open_journal();
  // Every fsync goes through these two, so SyncMode::kNone cannot miss one.
  sdk::Status sync_file(int fd, const std::string& path) const;
  sdk::Status sync_dir_of(const std::string& path) const;

  std::string path_;
  std::string journal_path_;
  StateOwner owner_;
  SyncMode sync_;
  int journal_fd_ = -1;
  std::uint64_t seq_ = 0;             // sequence number of the last save
  std::size_t orders_from_ = 0;       // orders before this were final at the last save
  std::size_t executions_saved_ = 0;  // executions already written
  std::uint64_t snapshot_bytes_ = 0;  // 0: no snapshot yet
  std::uint64_t journal_bytes_ = 0;
};

}  // namespace slob::plugins::sim
