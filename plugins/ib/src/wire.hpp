#pragma once

// The TWS API wire format (ib-api.md §2): after the client's raw `API\0` prefix, every message in
// both directions is a uint32 big-endian length followed by a payload of NUL-terminated text
// fields. This file knows framing and field encoding only, never message layouts.
//
// Threading: none; plain values. Nothing here throws: malformed input yields a Status.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slob/sdk/status.hpp"

namespace slob::plugins::ib {

// Versions we advertise. 176 is the only one the field tables are written for, so a server that
// negotiates lower is refused, and we never advertise 201+ (protobuf framing).
inline constexpr int kClientMinVersion = 100;
inline constexpr int kClientMaxVersion = 176;
inline constexpr int kRequiredServerVersion = 176;

// The official reader treats a longer frame as a bad length (client error 507).
inline constexpr std::size_t kMaxFrameLength = 0xFFFFFF;

inline constexpr std::int64_t kUnsetInt = 2147483647;
inline constexpr std::int64_t kUnsetLong = 9223372036854775807LL;

// `API\0` followed by the framed (NUL-less) version range "v100..176".
std::string encode_handshake_prefix(int min_version = kClientMinVersion,
                                    int max_version = kClientMaxVersion);

// uint32 BE length + payload. Precondition: payload.size() <= kMaxFrameLength.
std::string frame(std::string_view payload);

// Builds one payload field by field. Unset numbers are written as empty fields (what ib_async and
// stoqey send to real TWS); bools as 0/1.
class FieldWriter {
 public:
  FieldWriter& add(std::string_view text);
  FieldWriter& add(const char* text) { return add(std::string_view(text)); }
  FieldWriter& add(std::int64_t value);
  FieldWriter& add(int value) { return add(static_cast<std::int64_t>(value)); }
  FieldWriter& add_bool(bool value) { return add(std::string_view(value ? "1" : "0")); }
  FieldWriter& add_double(double value);
  FieldWriter& add_double(std::optional<double> value);
  FieldWriter& add_empty() { return add(std::string_view()); }
  FieldWriter& add_empties(int count);

  // The payload so far, and whether every string was printable ASCII (the official client
  // refuses anything else with code 579; so do the encoders built on this).
  const std::string& payload() const { return payload_; }
  std::size_t field_count() const { return fields_; }
  bool ascii_ok() const { return ascii_ok_; }

 private:
  std::string payload_;
  std::size_t fields_ = 0;
  bool ascii_ok_ = true;
};

// Shortest round-trip decimal text with '.', e.g. 21000.25 -> "21000.25", 0 -> "0".
std::string format_double(double value);

// Splits a payload into fields. Fails (corruption) when the payload does not end with NUL.
sdk::Result<std::vector<std::string_view>> split_fields(std::string_view payload);

// Incremental frame extraction from a byte stream.
class FrameReader {
 public:
  void append(std::string_view bytes) { buffer_.append(bytes); }
  // An ok result with a value is one complete payload; ok without a value means more bytes are
  // needed; an error (length above the limit) means the stream cannot be resynchronised.
  sdk::Result<std::optional<std::string>> next();
  std::size_t buffered() const { return buffer_.size() - start_; }

 private:
  std::string buffer_;
  std::size_t start_ = 0;
};

// Sequential typed reads over one message's fields. The first failure sticks: later reads return
// neutral values and status() names the message, field index and offending text.
class FieldReader {
 public:
  FieldReader(std::string_view message_name, std::vector<std::string_view> fields,
              std::size_t start = 0)
      : name_(message_name), fields_(std::move(fields)), pos_(start) {}

  std::string str();
  std::string_view view();
  // Empty, the int sentinel and the long sentinel read as nullopt.
  std::optional<std::int64_t> opt_int();
  std::int64_t int_or(std::int64_t fallback) { return opt_int().value_or(fallback); }
  // Empty, max double in Java or Python spelling read as nullopt; "Infinity" is +inf.
  std::optional<double> opt_double();
  double double_or(double fallback) { return opt_double().value_or(fallback); }
  // Empty reads as false (what the official decoders do).
  bool boolean();
  // Skips `count` fields; fails at once when fewer are left.
  void skip(std::size_t count);
  // Reads a repeat count whose items take `per_item` fields each; fails when negative or when
  // the items cannot fit in the rest of the message (so a hostile count never drives a loop).
  std::size_t count(std::size_t per_item);

  bool ok() const { return status_.is_ok(); }
  const sdk::Status& status() const { return status_; }
  std::size_t position() const { return pos_; }
  std::size_t remaining() const { return pos_ < fields_.size() ? fields_.size() - pos_ : 0; }
  bool at_end() const { return pos_ >= fields_.size(); }

 private:
  const std::string_view* take();
  void fail(const std::string& what);

  std::string_view name_;
  std::vector<std::string_view> fields_;
  std::size_t pos_;
  sdk::Status status_;
};

// Standalone field parsers (exposed for tests and the simulator).
std::optional<std::int64_t> parse_int_field(std::string_view text, bool& valid);
std::optional<double> parse_double_field(std::string_view text, bool& valid);

}  // namespace slob::plugins::ib
