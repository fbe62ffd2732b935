#include "intent_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/crc.hpp>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "byte_codec.hpp"
#include "record_codec.hpp"

namespace slob::plugins::lmdb {

namespace {

constexpr std::uint32_t kMagic = 0x31574c53;  // "SLW1" read as little-endian bytes
constexpr std::size_t kHeaderBytes = 4 + 8 + 4 + 4;

std::string errno_text() { return std::strerror(errno); }

// CRC-32 of the sequence and length as laid out in the header, then the payload.
std::uint32_t crc_of(std::uint64_t sequence, std::string_view payload) {
  ByteWriter w(12);
  w.u64(sequence);
  w.u32(static_cast<std::uint32_t>(payload.size()));
  const std::string header = w.take();
  boost::crc_32_type crc;
  crc.process_bytes(header.data(), header.size());
  crc.process_bytes(payload.data(), payload.size());
  return crc.checksum();
}

struct RecordHeader {
  std::uint64_t sequence = 0;
  std::uint32_t length = 0;
  std::uint32_t crc = 0;
};

// The header at `at` when it has the magic and its payload lies inside `bytes`.
std::optional<RecordHeader> header_at(std::string_view bytes, std::size_t at) {
  if (at > bytes.size() || bytes.size() - at < kHeaderBytes) return std::nullopt;
  ByteReader r(bytes.substr(at, kHeaderBytes));
  std::uint32_t magic = 0;
  RecordHeader h;
  r.u32(magic);
  r.u64(h.sequence);
  r.u32(h.length);
  r.u32(h.crc);
  if (magic != kMagic || h.length > bytes.size() - at - kHeaderBytes) return std::nullopt;
  return h;
}

std::string_view payload_of(std::string_view bytes, std::size_t at, const RecordHeader& h) {
  return bytes.substr(at + kHeaderBytes, h.length);
}

bool intact(const RecordHeader& h, std::string_view payload) { return crc_of(h.sequence, payload) == h.crc; }

sdk::Status decode_payload(std::string_view payload, StagedBatch& out) {
  ByteReader r(payload);
  std::uint32_t count = 0;
  if (!r.u32(count)) return sdk::Status::corruption("entry count missing");
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string bytes;
    if (!r.str(bytes)) return sdk::Status::corruption("journal entry " + std::to_string(i) + " truncated");
    sdk::JournalEntry e;
    if (auto s = decode(bytes, e); !s) return sdk::Status::corruption("journal entry " + std::to_string(i) + ": " + s.message());
    out.journal.push_back(std::move(e));
  }
  bool has_host = false;
  if (!r.boolean(has_host)) return sdk::Status::corruption("host state flag missing");
  if (has_host) {
    std::string bytes;
    sdk::HostState h;
    if (!r.str(bytes)) return sdk::Status::corruption("host state truncated");
    if (auto s = decode(bytes, h); !s) return sdk::Status::corruption("host state: " + s.message());
    out.host_state = std::move(h);
  }
  if (!r.at_end()) return sdk::Status::corruption("trailing bytes");
  return sdk::Status::ok();
}

// Up to `size` bytes from the start; a shorter file gives fewer.
sdk::Status read_start(int fd, std::string& out, std::size_t size) {
  out.assign(size, '\0');
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, out.data() + done, size - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sdk::Status::io_error(errno_text());
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return sdk::Status::ok();
}

sdk::Status write_all(int fd, std::string_view bytes, off_t at) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return sdk::Status::io_error(errno_text());
    bytes.remove_prefix(static_cast<std::size_t>(n));
    at += n;
  }
  return sdk::Status::ok();
}

// A new log: zeros written to its full capacity and flushed, then the directory entry, so
// that later appends change neither the size nor the extents.
sdk::Status create_log(const std::string& dir, const std::string& file) {
  const std::string tmp = file + ".tmp";
  const int fd = ::open(tmp.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0640);
  if (fd < 0) return sdk::Status::io_error(tmp + ": cannot create: " + errno_text());
  sdk::Status s = write_all(fd, std::string(kIntentLogCapacity, '\0'), 0);
  if (s && ::fsync(fd) != 0) s = sdk::Status::io_error("fsync: " + errno_text());
  ::close(fd);
  if (s && ::rename(tmp.c_str(), file.c_str()) != 0) s = sdk::Status::io_error("rename: " + errno_text());
  if (!s) {
    ::unlink(tmp.c_str());
    return sdk::Status::io_error(file + ": cannot create: " + s.message());
  }
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return sdk::Status::io_error(dir + ": cannot open to sync: " + errno_text());
  const int rc = ::fsync(dfd);
  ::close(dfd);
  if (rc != 0) return sdk::Status::io_error(dir + ": fsync: " + errno_text());
  return sdk::Status::ok();
}

}  // namespace

std::string encode_staged_batch(const StagedBatch& batch) {
  ByteWriter p(512);
  p.u32(static_cast<std::uint32_t>(batch.journal.size()));
  for (const auto& e : batch.journal) p.str(encode(e));
  p.boolean(batch.host_state.has_value());
  if (batch.host_state) p.str(encode(*batch.host_state));
  const std::string payload = p.take();
  ByteWriter w(kHeaderBytes + payload.size());
  w.u32(kMagic);
  w.u64(batch.sequence);
  w.u32(static_cast<std::uint32_t>(payload.size()));
  w.u32(crc_of(batch.sequence, payload));
  std::string out = w.take();
  out.append(payload);
  return out;
}

sdk::Result<IntentLog> IntentLog::open(const std::string& dir, bool read_only,
                                       std::uint64_t applied, std::vector<StagedBatch>& pending) {
  const std::string file = dir + "/" + kIntentLogFile;
  pending.clear();
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    if (errno != ENOENT) return sdk::Status::io_error(file + ": cannot stat: " + errno_text());
    if (read_only) return IntentLog(file, -1, 0, applied + 1);
    if (auto s = create_log(dir, file); !s) return s;
  } else if (!S_ISREG(st.st_mode)) {
    return sdk::Status::corruption(file + ": not a regular file");
  }
  const int fd = ::open(file.c_str(), (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
  if (fd < 0) return sdk::Status::io_error(file + ": cannot open: " + errno_text());
  IntentLog log(file, fd, 0, applied + 1);
  std::string bytes;
  if (auto s = read_start(fd, bytes, kIntentLogCapacity); !s) {
    return sdk::Status::io_error(file + ": read: " + s.message());
  }
  if (read_only) {
    ::close(fd);
    log.fd_ = -1;
  }

  std::size_t at = 0;
  std::optional<std::uint64_t> previous;
  while (auto header = header_at(bytes, at)) {
    if (previous && header->sequence != *previous + 1) break;  // an older record behind the newest
    const std::string_view payload = payload_of(bytes, at, *header);
    if (!intact(*header, payload)) {
      // Torn by a crash, so never acknowledged: only the last append can be, as each waits for
      // its fdatasync before the next. An intact record after it means this one was damaged
      // after it was acknowledged, and dropping it would lose an order.
      const std::size_t next_at = at + kHeaderBytes + header->length;
      const auto next = header_at(bytes, next_at);
      if (header->sequence > applied && next && next->sequence == header->sequence + 1 &&
          intact(*next, payload_of(bytes, next_at, *next))) {
        return sdk::Status::corruption(file + ": record " + std::to_string(header->sequence) +
                                       " is damaged (CRC mismatch) and record " +
                                       std::to_string(next->sequence) + " follows it");
      }
      break;
    }
    previous = header->sequence;
    at += kHeaderBytes + header->length;
    if (header->sequence <= applied) continue;  // folded into LMDB already
    StagedBatch batch;
    batch.sequence = header->sequence;
    if (auto st = decode_payload(payload, batch); !st) {
      return sdk::Status::corruption(file + ": record " + std::to_string(batch.sequence) + ": " + st.message());
    }
    pending.push_back(std::move(batch));
  }
  if (!pending.empty()) {
    log.offset_ = at;
    log.next_sequence_ = pending.back().sequence + 1;
  }
  return log;
}

IntentLog::IntentLog(IntentLog&& other) noexcept
    : file_(std::move(other.file_)),
      fd_(std::exchange(other.fd_, -1)),
      offset_(other.offset_),
      next_sequence_(other.next_sequence_) {}

IntentLog& IntentLog::operator=(IntentLog&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    file_ = std::move(other.file_);
    fd_ = std::exchange(other.fd_, -1);
    offset_ = other.offset_;
    next_sequence_ = other.next_sequence_;
  }
  return *this;
}

IntentLog::~IntentLog() {
  if (fd_ >= 0) ::close(fd_);
}

sdk::Status IntentLog::append(const std::string& record) {
  if (fd_ < 0) return sdk::Status::failed_precondition(file_ + ": opened read-only");
  if (!fits(record.size())) return sdk::Status::resource_exhausted(file_ + ": full");
  if (auto s = write_all(fd_, record, static_cast<off_t>(offset_)); !s) {
    return sdk::Status::io_error(file_ + ": write: " + s.message());
  }
  if (::fdatasync(fd_) != 0) return sdk::Status::io_error(file_ + ": fdatasync: " + errno_text());
  offset_ += record.size();
  ++next_sequence_;
  return sdk::Status::ok();
}

}  // namespace slob::plugins::lmdb
