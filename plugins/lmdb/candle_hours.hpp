#pragma once

// Schema 2 keeps candles grouped by UTC hour: one `candles` record per hour that holds every
// candle starting in it, sorted by start. Why: a replay writes a candle a minute and prunes one
// a minute; as one record each, the puts and the pruning deletes (LMDB has no range delete, each
// mdb_cursor_del rebalances the leftmost leaf) were a third of a replay's instructions. Grouped,
// a 60-candle commit rewrites one or two hour records and drops whole hours.
//
// Value layout (README.md, "Layout"): tag 'M', encoding version 1, then one 48-byte entry per
// candle: time start, f64 open, high, low, close, volume (the primitives of byte_codec.hpp).
// Key: time_key() of the hour's start.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "slob/sdk/market.hpp"
#include "slob/sdk/status.hpp"
#include "slob/sdk/time.hpp"

namespace slob::plugins::lmdb {

// The start of the UTC hour `t` falls in (floor, also before 1970).
sdk::Time hour_of(sdk::Time t);

// The order of candles: by start.
inline bool starts_before(const sdk::Candle& a, const sdk::Candle& b) { return a.start < b.start; }

// In `sorted` (by start), the end of the run of candles in the hour of sorted[from].
std::size_t hour_run_end(std::span<const sdk::Candle> sorted, std::size_t from);

// `candles` must be sorted by start, without duplicates, all in one hour (none: the header only).
std::string encode_candle_hour(std::span<const sdk::Candle> candles);

// Appends the candles of an hour record keyed by `hour` to `out`. kCorruption (without the key:
// the caller adds it) for a wrong tag or version, a length that is not whole entries, or entries
// out of order or outside the hour.
sdk::Status decode_candle_hour(std::string_view value, sdk::Time hour, std::vector<sdk::Candle>& out);

// The start of the first or last candle of an hour value, read without decoding the rest (the
// commit path: it appends to or trims one hour record per commit). nullopt for an empty record
// or one whose header or length is wrong; decode_candle_hour() says what is wrong.
std::optional<sdk::Time> first_candle_start(std::string_view value);
std::optional<sdk::Time> last_candle_start(std::string_view value);

// Appends `candles` (sorted, without duplicates, all after the last one in `value`, in its
// hour) to an hour value.
void append_candles(std::string& value, std::span<const sdk::Candle> candles);

// Merges `added` (any order) into `stored` (sorted): a candle with the start of a stored one
// replaces it, as a put of the same key did in schema 1. The result is sorted.
void merge_candles(std::vector<sdk::Candle>& stored, std::span<const sdk::Candle> added);

}  // namespace slob::plugins::lmdb
