#include "wire.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace slob::plugins::ib {

std::string encode_handshake_prefix(int min_version, int max_version) {
  std::string out("API", 3);
  out.push_back('\0');
  out += frame("v" + std::to_string(min_version) + ".." + std::to_string(max_version));
  return out;
}

std::string frame(std::string_view payload) {
  const auto n = static_cast<std::uint32_t>(payload.size());
  std::string out;
  out.reserve(4 + payload.size());
  out.push_back(static_cast<char>((n >> 24) & 0xFF));
  out.push_back(static_cast<char>((n >> 16) & 0xFF));
  out.push_back(static_cast<char>((n >> 8) & 0xFF));
  out.push_back(static_cast<char>(n & 0xFF));
  out.append(payload);
  return out;
}

FieldWriter& FieldWriter::add(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7E) ascii_ok_ = false;
  }
  payload_.append(text);
  payload_.push_back('\0');
  ++fields_;
  return *this;
}

FieldWriter& FieldWriter::add(std::int64_t value) { return add(std::string_view(std::to_string(value))); }

FieldWriter& FieldWriter::add_double(double value) {
  return add(std::string_view(format_double(value)));
}

FieldWriter& FieldWriter::add_double(std::optional<double> value) {
  return value ? add_double(*value) : add_empty();
}

FieldWriter& FieldWriter::add_empties(int count) {
  for (int i = 0; i < count; ++i) add_empty();
  return *this;
}

std::string format_double(double value) {
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, r.ptr);
}

sdk::Result<std::vector<std::string_view>> split_fields(std::string_view payload) {
  if (payload.empty() || payload.back() != '\0') {
    return sdk::Status::corruption("message is not NUL-terminated (truncated field)");
  }
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (std::size_t i = 0; i < payload.size(); ++i) {
    if (payload[i] == '\0') {
      fields.push_back(payload.substr(start, i - start));
      start = i + 1;
    }
  }
  return fields;
}

sdk::Result<std::optional<std::string>> FrameReader::next() {
  if (buffered() < 4) return std::optional<std::string>{};
  const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + start_);
  const std::uint32_t n = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                          (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
  if (n > kMaxFrameLength) {
    return sdk::Status::corruption("frame length " + std::to_string(n) + " exceeds the limit of " +
                                   std::to_string(kMaxFrameLength));
  }
  if (buffered() < 4 + static_cast<std::size_t>(n)) return std::optional<std::string>{};
  std::string payload = buffer_.substr(start_ + 4, n);
  start_ += 4 + n;
  // Compact once the consumed prefix dominates, so a long session does not grow the buffer.
  if (start_ > 65536 && start_ * 2 > buffer_.size()) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  return std::optional<std::string>(std::move(payload));
}

std::optional<std::int64_t> parse_int_field(std::string_view text, bool& valid) {
  valid = true;
  if (text.empty()) return std::nullopt;
  std::int64_t v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) {
    valid = false;
    return std::nullopt;
  }
  if (v == kUnsetInt || v == kUnsetLong) return std::nullopt;
  return v;
}

std::optional<double> parse_double_field(std::string_view text, bool& valid) {
  valid = true;
  if (text.empty()) return std::nullopt;
  if (text == "Infinity" || text == "inf") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity" || text == "-inf") return -std::numeric_limits<double>::infinity();
  double v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec == std::errc::result_out_of_range) return std::nullopt;  // beyond max double: unset
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || std::isnan(v)) {
    valid = false;
    return std::nullopt;
  }
  // 1.7976931348623157E308 (Java) and 1.7976931348623157e+308 (Python) both mean unset.
  if (v >= std::numeric_limits<double>::max()) return std::nullopt;
  return v;
}

const std::string_view* FieldReader::take() {
  if (!status_.is_ok()) return nullptr;
  if (pos_ >= fields_.size()) {
    fail("message truncated: field " + std::to_string(pos_) + " missing");
    return nullptr;
  }
  return &fields_[pos_++];
}

void FieldReader::fail(const std::string& what) {
  if (status_.is_ok()) status_ = sdk::Status::corruption(std::string(name_) + ": " + what);
}

std::string FieldReader::str() { return std::string(view()); }

std::string_view FieldReader::view() {
  const auto* f = take();
  return f ? *f : std::string_view();
}

std::optional<std::int64_t> FieldReader::opt_int() {
  const auto* f = take();
  if (!f) return std::nullopt;
  bool valid = false;
  auto v = parse_int_field(*f, valid);
  if (!valid) {
    fail("field " + std::to_string(pos_ - 1) + " is not an integer: \"" +
         std::string(f->substr(0, 40)) + "\"");
  }
  return v;
}

std::optional<double> FieldReader::opt_double() {
  const auto* f = take();
  if (!f) return std::nullopt;
  bool valid = false;
  auto v = parse_double_field(*f, valid);
  if (!valid) {
    fail("field " + std::to_string(pos_ - 1) + " is not a number: \"" +
         std::string(f->substr(0, 40)) + "\"");
  }
  return v;
}

bool FieldReader::boolean() {
  const auto* f = take();
  if (!f || f->empty()) return false;
  if (*f == "0" || *f == "false") return false;
  if (*f == "1" || *f == "true") return true;
  fail("field " + std::to_string(pos_ - 1) + " is not a boolean: \"" +
       std::string(f->substr(0, 40)) + "\"");
  return false;
}

void FieldReader::skip(std::size_t count) {
  if (!status_.is_ok()) return;
  if (count > remaining()) {
    fail("message truncated: " + std::to_string(count) + " fields expected at field " +
         std::to_string(pos_) + ", " + std::to_string(remaining()) + " left");
    return;
  }
  pos_ += count;
}

std::size_t FieldReader::count(std::size_t per_item) {
  const auto n = opt_int().value_or(0);
  if (!ok()) return 0;
  if (n < 0 || static_cast<std::size_t>(n) * per_item > remaining()) {
    fail("count " + std::to_string(n) + " at field " + std::to_string(pos_ - 1) +
         " exceeds the message");
    return 0;
  }
  return static_cast<std::size_t>(n);
}

}  // namespace slob::plugins::ib
