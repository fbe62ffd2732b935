#pragma once

// The numbered batches of the lmdb crash test, shared by the writer (which commits them) and the
// test (which checks a store after SIGKILL). Batch n writes, in one commit, `records` new live
// setups, unresolved journal entries and fills, one open trade, one audit event (with an observer
// cursor at the event before it, which must move with it) and one candle,
// finishes everything batch n-1 left live, and sets the host's order-id high-water mark to n.
// So a store holding batches 1..n is fully described by n, and any partial batch is visible.
//
// The writer commits each batch as the daemon commits a candle with an order: first the intent
// (make_intent: batch n's journal entries and host state, which the store writes to its intent
// log), then the whole batch. A batch whose intent landed and the rest not is written again.

#include <cstdint>
#include <string>

#include "slob/sdk/status.hpp"
#include "slob/sdk/store.hpp"

namespace slob::tools::lmdb_crash_writer {

sdk::WriteBatch make_batch(std::int64_t n, int records);
sdk::WriteBatch make_intent(std::int64_t n, int records);

// How far the store got: batches 1..complete are whole, and `intent_pending` when batch
// complete + 1 landed its intent and not the rest (the writer writes it again, whole).
struct StoreEnd {
  std::int64_t complete = 0;
  bool intent_pending = false;
};
sdk::Result<StoreEnd> store_end(sdk::Store& store);

// Checks that the store holds exactly batches 1..n for some n with acked <= n <= acked + 1 (the
// batch in flight when the writer died may or may not have committed), and at most the intent
// of batch acked + 1 beyond them. On success `committed` is n and `intent_pending` says whether
// that intent is there.
sdk::Status verify_batches(sdk::Store& store, std::int64_t acked, int records,
                           std::int64_t& committed, bool& intent_pending);

}  // namespace slob::tools::lmdb_crash_writer
