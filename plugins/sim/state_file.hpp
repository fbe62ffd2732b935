#pragma once

// Durable copy of the sim broker's book (orders, position, executions, counters), so a daemon
// killed with -9 restarts against the same "broker" it left, exactly as it would against IB,
// whose server keeps orders and fills while the client is gone.
//
// Written write-ahead: the sim saves after every change of the book and before it reports that
// change, so the host never sees a fill the sim could forget. The file is JSON, replaced
// atomically (temp file, fsync, rename, fsync of the directory).
//
// Errors: save() returns io_error naming the path; load() returns corruption naming the path
// for a file it cannot decode (the file is left untouched for inspection).

#include <optional>
#include <string>

#include "order_book.hpp"
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

sdk::Status save_state(const std::string& path, const PersistedState& state);

// nullopt when the file does not exist.
sdk::Result<std::optional<PersistedState>> load_state(const std::string& path);

}  // namespace slob::plugins::sim
