#pragma once

// The intent log: `intents.wal` beside data.mdb, where a commit of only journal entries and
// host state (an order's intent, made durable before the order leaves) is written with one
// pwrite and one fdatasync instead of an LMDB commit. An LMDB commit with sync = "full" flushes
// twice (the data pages, then the meta page) and copies every page on the path to each record
// it changes; on the trigger path that was most of the time from the bar to the order
// (README.md, "The intent log"; docs/decisions.md).
//
// Records are folded into the LMDB databases by the store's next regular commit, which also
// writes the sequence of the last record it folded (meta `intent_log_applied`) in the same
// transaction. The file is then written from its start again; records at or below the applied
// sequence are history and ignored when read.
//
// Record (little-endian): magic u32 "SLW1", sequence u64, payload length u32, CRC-32 u32 of the
// sequence, length and payload, payload. Payload: u32 journal entry count, each entry as a
// length-prefixed JournalEntry encoding (record_codec.hpp), then u8 has host state and, if 1, a
// length-prefixed HostState encoding. Reading stops at the first record whose magic, CRC or
// sequence (each is the previous + 1) does not fit: a record torn by a crash was never
// acknowledged, so nothing acknowledged is behind it. Only the last append can be torn; a
// record failing its CRC with an intact successor was damaged later and is kCorruption.
//
// Threading: the store's thread. Failures: Status naming the file.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "slob/sdk/records.hpp"
#include "slob/sdk/status.hpp"

namespace slob::plugins::lmdb {

inline constexpr const char kIntentLogFile[] = "intents.wal";
// Written once with zeros at creation, so an append never changes the file's size or extents and
// fdatasync has only the record's blocks to flush. A fold empties it after every regular commit;
// a batch that does not fit is committed to LMDB directly.
inline constexpr std::size_t kIntentLogCapacity = 64 * 1024;

struct StagedBatch {
  std::uint64_t sequence = 0;
  std::vector<sdk::JournalEntry> journal;
  std::optional<sdk::HostState> host_state;
};

std::string encode_staged_batch(const StagedBatch& batch);

class IntentLog {
 public:
  // Opens <dir>/intents.wal and returns the records with a sequence above `applied`, in order.
  // Read-write, a missing file is created (zero-filled, fsynced with its directory); read-only,
  // a missing file is an empty log. kCorruption: a record that cannot be decoded although its
  // CRC matched, or a damaged record with an intact one after it (see above).
  static sdk::Result<IntentLog> open(const std::string& dir, bool read_only, std::uint64_t applied,
                                     std::vector<StagedBatch>& pending);

  IntentLog(IntentLog&& other) noexcept;
  IntentLog& operator=(IntentLog&& other) noexcept;
  IntentLog(const IntentLog&) = delete;
  IntentLog& operator=(const IntentLog&) = delete;
  ~IntentLog();

  // The sequence the next appended record gets.
  std::uint64_t next_sequence() const { return next_sequence_; }
  // Whether records were appended (or found at open) since the last reset, i.e. not folded
  // into LMDB yet; the newest of them is next_sequence() - 1.
  bool has_unfolded() const { return offset_ > 0; }
  // Whether an encoded record of `bytes` fits behind the records written since the last reset.
  bool fits(std::size_t bytes) const { return offset_ + bytes <= kIntentLogCapacity; }
  // Writes the record (encode_staged_batch() of next_sequence()) and returns once it is on
  // stable storage. On failure the sequence is not consumed; the record may be partly written,
  // which the next append overwrites.
  sdk::Status append(const std::string& record);
  // After a regular commit folded every record: the next one is written at the file's start.
  void reset() { offset_ = 0; }

 private:
  IntentLog(std::string file, int fd, std::size_t offset, std::uint64_t next_sequence)
      : file_(std::move(file)), fd_(fd), offset_(offset), next_sequence_(next_sequence) {}

  std::string file_;
  int fd_ = -1;  // -1 when read-only
  std::size_t offset_ = 0;
  std::uint64_t next_sequence_ = 1;
};

}  // namespace slob::plugins::lmdb
