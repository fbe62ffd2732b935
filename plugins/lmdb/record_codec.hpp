#pragma once

// Versioned binary encodings of every record the store keeps, and the key encodings of the
// ordered databases. The byte layouts are documented field by field in README.md; changing one
// means a new record version and a schema migration, never an in-place edit.
//
// Every value starts with two bytes: a record tag (so a value found in the wrong database is
// caught) and the record encoding version. decode() accepts exactly the versions listed in the
// README and reports anything else, short input or trailing bytes as kCorruption.

#include <cstdint>
#include <string>
#include <string_view>

#include "slob/sdk/market.hpp"
#include "slob/sdk/records.hpp"
#include "slob/sdk/status.hpp"
#include "slob/sdk/time.hpp"

namespace slob::plugins::lmdb {

std::string encode(const sdk::SetupRecord& r);
std::string encode(const sdk::JournalEntry& r);
std::string encode(const sdk::FillRecord& r);
std::string encode(const sdk::TradeRecord& r);
std::string encode(const sdk::AuditEvent& r);
std::string encode(const sdk::Candle& r);
std::string encode(const sdk::HostState& r);
std::string encode(const sdk::StrategyCheckpoint& r);
std::string encode(const sdk::ObserverCursor& r);

// On failure `out` is unspecified and the message says what was wrong (without the key: the
// caller adds where the value came from).
sdk::Status decode(std::string_view in, sdk::SetupRecord& out);
sdk::Status decode(std::string_view in, sdk::JournalEntry& out);
sdk::Status decode(std::string_view in, sdk::FillRecord& out);
sdk::Status decode(std::string_view in, sdk::TradeRecord& out);
sdk::Status decode(std::string_view in, sdk::AuditEvent& out);
sdk::Status decode(std::string_view in, sdk::Candle& out);
sdk::Status decode(std::string_view in, sdk::HostState& out);
sdk::Status decode(std::string_view in, sdk::StrategyCheckpoint& out);
sdk::Status decode(std::string_view in, sdk::ObserverCursor& out);

// Keys of the ordered databases: 8 bytes big-endian so LMDB's byte order is numeric order.
// Times are biased by 2^63 so that times before 1970 still sort first.
std::string sequence_key(std::uint64_t sequence);
std::string time_key(sdk::Time t);
bool decode_sequence_key(std::string_view key, std::uint64_t& sequence);
bool decode_time_key(std::string_view key, sdk::Time& t);

}  // namespace slob::plugins::lmdb
