#pragma once

// Little-endian primitives for the record encodings (README.md, "On-disk encoding"). Fixed
// widths, no padding, no host byte order: a store file reads the same on every build.
//
// ByteReader never reads past its input: every getter fails (returns false) instead, so a
// truncated or damaged value becomes a kCorruption status, never undefined behaviour.

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "slob/sdk/time.hpp"

namespace slob::plugins::lmdb {

class ByteWriter {
 public:
  // `expected` bytes are reserved up front: a candle (50 bytes) grew its string three times.
  explicit ByteWriter(std::size_t expected = 64) { out_.reserve(expected); }
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  // Little-endian, appended in one piece: a push_back per byte (a capacity check each) cost
  // more than the rest of a candle's encoding.
  void u32(std::uint32_t v) { put_le<4>(v); }
  void u64(std::uint64_t v) { put_le<8>(v); }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void time(sdk::Time t) { i64(t.time_since_epoch().count()); }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  void opt_time(const std::optional<sdk::Time>& t) {
    boolean(t.has_value());
    if (t) time(*t);
  }
  void opt_f64(const std::optional<double>& v) {
    boolean(v.has_value());
    if (v) f64(*v);
  }

  std::string take() { return std::move(out_); }

 private:
  // On a little-endian host the bytes are the value's own, copied in one store: the shifting
  // loop and append() cost about 90 instructions per field, a third of storing a candle.
  template <int N>
  void put_le(std::uint64_t v) {
    char bytes[8];
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(bytes, &v, sizeof v);
    } else {
      for (int i = 0; i < N; ++i) bytes[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    }
    const std::size_t at = out_.size();
    out_.resize(at + N);
    std::memcpy(out_.data() + at, bytes, N);
  }
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  bool u8(std::uint8_t& v) {
    if (in_.size() < 1) return false;
    v = static_cast<std::uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool u32(std::uint32_t& v) { return get_le(v); }
  bool u64(std::uint64_t& v) { return get_le(v); }
  bool i64(std::int64_t& v) {
    std::uint64_t u;
    if (!u64(u)) return false;
    v = static_cast<std::int64_t>(u);
    return true;
  }
  bool f64(double& v) {
    std::uint64_t u;
    if (!u64(u)) return false;
    v = std::bit_cast<double>(u);
    return true;
  }
  bool boolean(bool& v) {
    std::uint8_t b;
    if (!u8(b) || b > 1) return false;
    v = b == 1;
    return true;
  }
  bool time(sdk::Time& t) {
    std::int64_t us;
    if (!i64(us)) return false;
    t = sdk::Time{sdk::Duration{us}};
    return true;
  }
  bool str(std::string& s) {
    std::uint32_t n;
    if (!u32(n) || in_.size() < n) return false;
    s.assign(in_.data(), n);
    in_.remove_prefix(n);
    return true;
  }
  bool opt_time(std::optional<sdk::Time>& t) {
    bool present;
    if (!boolean(present)) return false;
    t.reset();
    if (!present) return true;
    sdk::Time v;
    if (!time(v)) return false;
    t = v;
    return true;
  }
  bool opt_f64(std::optional<double>& d) {
    bool present;
    if (!boolean(present)) return false;
    d.reset();
    if (!present) return true;
    double v;
    if (!f64(v)) return false;
    d = v;
    return true;
  }
  // Enums are stored as one byte; values above `max` are corruption, never a cast of garbage.
  template <typename E>
  bool enumeration(E& e, E max) {
    std::uint8_t b;
    if (!u8(b) || b > static_cast<std::uint8_t>(max)) return false;
    e = static_cast<E>(b);
    return true;
  }

  bool at_end() const { return in_.empty(); }
  std::size_t remaining() const { return in_.size(); }

 private:
  // As in ByteWriter: one load on a little-endian host (a decoded candle hour is 360 fields).
  template <typename U>
  bool get_le(U& v) {
    if (in_.size() < sizeof(U)) return false;
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(&v, in_.data(), sizeof(U));
    } else {
      v = 0;
      for (std::size_t i = 0; i < sizeof(U); ++i) v |= U{static_cast<std::uint8_t>(in_[i])} << (8 * i);
    }
    in_.remove_prefix(sizeof(U));
    return true;
  }

  std::string_view in_;
};

}  // namespace slob::plugins::lmdb
