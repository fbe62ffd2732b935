#include "candle_hours.hpp"

#include <algorithm>
#include <chrono>

#include "byte_codec.hpp"

namespace slob::plugins::lmdb {

namespace {

constexpr std::uint8_t kTagCandleHour = 'M';
constexpr std::uint8_t kVersion1 = 1;
constexpr std::size_t kHeaderBytes = 2;
constexpr std::size_t kEntryBytes = 48;  // time + 5 f64

void write_entries(ByteWriter& w, std::span<const sdk::Candle> candles) {
  for (const sdk::Candle& c : candles) {
    w.time(c.start);
    w.f64(c.open);
    w.f64(c.high);
    w.f64(c.low);
    w.f64(c.close);
    w.f64(c.volume);
  }
}

std::optional<sdk::Time> entry_start(std::string_view value, bool last) {
  if (value.size() < kHeaderBytes + kEntryBytes || (value.size() - kHeaderBytes) % kEntryBytes != 0 ||
      static_cast<std::uint8_t>(value[0]) != kTagCandleHour || value[1] != kVersion1)
    return std::nullopt;
  ByteReader r(value.substr(last ? value.size() - kEntryBytes : kHeaderBytes, 8));
  sdk::Time t;
  if (!r.time(t)) return std::nullopt;
  return t;
}

}  // namespace

sdk::Time hour_of(sdk::Time t) {
  return std::chrono::floor<std::chrono::hours>(t);
}

std::size_t hour_run_end(std::span<const sdk::Candle> sorted, std::size_t from) {
  const sdk::Time hour = hour_of(sorted[from].start);
  std::size_t end = from + 1;
  while (end < sorted.size() && hour_of(sorted[end].start) == hour) ++end;
  return end;
}

std::string encode_candle_hour(std::span<const sdk::Candle> candles) {
  ByteWriter w(kHeaderBytes + kEntryBytes * candles.size());
  w.u8(kTagCandleHour);
  w.u8(kVersion1);
  write_entries(w, candles);
  return w.take();
}

std::optional<sdk::Time> first_candle_start(std::string_view value) { return entry_start(value, false); }
std::optional<sdk::Time> last_candle_start(std::string_view value) { return entry_start(value, true); }

void append_candles(std::string& value, std::span<const sdk::Candle> candles) {
  ByteWriter w(kEntryBytes * candles.size());
  write_entries(w, candles);
  value += w.take();
}

sdk::Status decode_candle_hour(std::string_view value, sdk::Time hour, std::vector<sdk::Candle>& out) {
  ByteReader r(value);
  std::uint8_t tag = 0, version = 0;
  if (!r.u8(tag) || !r.u8(version))
    return sdk::Status::corruption("candle hour value is shorter than its header");
  if (tag != kTagCandleHour)
    return sdk::Status::corruption("candle hour value has record tag " + std::to_string(tag) +
                                   ", expected " + std::to_string(kTagCandleHour));
  if (version != kVersion1)
    return sdk::Status::corruption("candle hour value has unknown encoding version " +
                                   std::to_string(version));
  if ((value.size() - kHeaderBytes) % kEntryBytes != 0)
    return sdk::Status::corruption("candle hour value is " + std::to_string(value.size()) +
                                   " bytes, not whole 48-byte entries");
  const std::size_t first = out.size();
  const sdk::Time end = hour + std::chrono::hours(1);
  while (!r.at_end()) {
    sdk::Candle c;
    const bool ok = r.time(c.start) && r.f64(c.open) && r.f64(c.high) && r.f64(c.low) &&
                    r.f64(c.close) && r.f64(c.volume);
    if (!ok) return sdk::Status::corruption("candle hour value is truncated");
    if (c.start < hour || c.start >= end)
      return sdk::Status::corruption("candle hour value holds a candle outside its hour");
    if (out.size() > first && !(out.back().start < c.start))
      return sdk::Status::corruption("candle hour value holds candles out of order");
    out.push_back(c);
  }
  return sdk::Status::ok();
}

void merge_candles(std::vector<sdk::Candle>& stored, std::span<const sdk::Candle> added) {
  for (const sdk::Candle& c : added) {
    // The common case, a candle after every stored one, is a push_back.
    if (stored.empty() || stored.back().start < c.start) {
      stored.push_back(c);
      continue;
    }
    auto at = std::lower_bound(stored.begin(), stored.end(), c, starts_before);
    if (at != stored.end() && at->start == c.start)
      *at = c;
    else
      stored.insert(at, c);
  }
}

}  // namespace slob::plugins::lmdb
