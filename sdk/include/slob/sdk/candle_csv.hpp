#pragma once

// Reader for the 1-minute bar files of ARCHITECTURE §10:
//   time,open,high,low,close,volume
//   2026-01-06T15:25:00Z,25450.25,25452.00,25449.50,25451.75,312
// `time` is the bar's start in RFC 3339 UTC. Shared by the sim broker, the strategy scan command,
// tools and benchmarks so every reader agrees on the format and on its error messages.
//
// Errors name the file and line: "data.csv:17: open is not a number: \"25x\"".

#include <charconv>
#include <cstdint>
#include <cmath>
#include <istream>
#include <string>
#include <string_view>

#include "slob/sdk/market.hpp"
#include "slob/sdk/status.hpp"
#include "slob/sdk/time.hpp"

namespace slob::sdk {

inline constexpr std::string_view kCandleCsvHeader = "time,open,high,low,close,volume";

class CandleCsvReader {
 public:
  // `in` must outlive the reader; `file_name` is used in messages only.
  CandleCsvReader(std::istream& in, std::string file_name)
      : in_(in), file_name_(std::move(file_name)) {}

  // Reads the next row into `out`. Returns true for a row, false at the end of the file, or an
  // error for a malformed header or row (times must be whole minutes and strictly increasing,
  // prices finite with low <= open, close <= high).
  Result<bool> next(Candle& out) {
    std::string_view line;
    while (next_line(line)) {
      ++line_no_;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line_no_ == 1) {
        if (line != kCandleCsvHeader)
          return fail("expected header \"" + std::string(kCandleCsvHeader) + "\"");
        continue;
      }
      if (line.empty()) continue;
      auto parsed = parse_row(line, out);
      if (!parsed.is_ok()) return parsed;
      return true;
    }
    if (line_no_ == 0) return fail("empty file, expected header");
    return false;
  }

  int line() const { return line_no_; }

  // Parses one data row (no header) with the same checks, without ordering against a previous
  // row. Exposed for benchmarks and tests of the row format.
  static Status parse_fields(std::string_view line, Candle& out, std::string& why) {
    if (parse_common_row(line, out)) return Status::ok();
    return parse_fields_strict(line, out, why);
  }

 private:
  // The rows our data files hold, "2026-01-06T15:25:00Z,25450.25,25452,25449.5,25451.75,312"
  // (a whole-minute time without fraction, plain decimals), read in one pass without splitting
  // the line first: the general path below cost about 1,600 instructions a row, this about 750.
  // Anything else — another form, or any check failing — returns false and the row goes the
  // general way, which accepts the same rows with the same values and words the errors.
  static bool parse_common_row(std::string_view line, Candle& out) {
    static constexpr std::size_t kTimeChars = 20;  // YYYY-MM-DDTHH:MM:SSZ
    if (line.size() < kTimeChars + 1) return false;
    const char* p = line.data();
    const char* const end = p + line.size();
    auto digit = [&](std::size_t at, unsigned& v) {
      const unsigned d = static_cast<unsigned>(p[at]) - '0';
      v = v * 10 + d;
      return d <= 9;
    };
    unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    const bool time_digits = digit(0, y) & digit(1, y) & digit(2, y) & digit(3, y) & digit(5, mo) &
                        digit(6, mo) & digit(8, d) & digit(9, d) & digit(11, h) & digit(12, h) &
                        digit(14, mi) & digit(15, mi) & digit(17, se) & digit(18, se);
    if (!time_digits || p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':' || p[16] != ':' ||
        p[19] != 'Z' || p[20] != ',' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        se != 0)
      return false;
    double v[5];
    p += kTimeChars + 1;
    for (int i = 0; i < 5; ++i) {
      p = read_plain_decimal(p, end, v[i]);
      if (!p) return false;
      if (i < 4) {
        if (p == end || *p != ',') return false;
        ++p;
      }
    }
    if (p != end || !consistent(v)) return false;  // a seventh field, or a bar to be worded
    using namespace std::chrono;
    const auto days = detail::days_from_civil(y, mo, d);
    out = Candle{Time{} + sys_days::duration(days) + hours(h) + minutes(mi), v[0], v[1], v[2], v[3], v[4]};
    return true;
  }

  // Accumulates the decimal digits from `p` into `value`; returns the first non-digit. Locals
  // only: through references the loop stored both at every digit (13 instructions a digit).
  static const char* scan_digits(const char* p, const char* end, std::uint64_t& value) {
    std::uint64_t v = value;
    for (; p != end && static_cast<unsigned>(*p - '0') <= 9; ++p) v = v * 10 + static_cast<std::uint64_t>(*p - '0');
    value = v;
    return p;
  }

  // The common "25450.25" from `p`: digits, then optionally '.' and digits, at most 15 digits
  // in all, read exactly — digits and the power of ten are both exact doubles, so their quotient
  // is the correctly rounded value, the one from_chars gives (Clinger's fast path). Returns the
  // first character after it, or nullptr for anything else (sign, exponent, more digits, ".5",
  // "12."), which the strict path reads with from_chars.
  static const char* read_plain_decimal(const char* p, const char* end, double& out) {
    std::uint64_t value = 0;  // wraps only beyond 19 digits, refused below anyway
    const char* q = scan_digits(p, end, value);
    const std::ptrdiff_t whole = q - p;
    if (whole == 0) return nullptr;
    std::ptrdiff_t decimals = 0;
    if (q != end && *q == '.') {
      const char* const fraction_end = scan_digits(q + 1, end, value);
      decimals = fraction_end - (q + 1);
      if (decimals == 0) return nullptr;
      q = fraction_end;
    }
    if (whole + decimals > 15) return nullptr;
    out = static_cast<double>(value) / kPow10[decimals];
    return q;
  }

  // v = open, high, low, close, volume.
  static bool consistent(const double (&v)[5]) {
    return !(v[2] > v[1] || v[2] > v[0] || v[2] > v[3] || v[0] > v[1] || v[3] > v[1] || v[4] < 0);
  }

  static Status parse_fields_strict(std::string_view line, Candle& out, std::string& why) {
    std::string_view fields[6];
    std::size_t n = 0;
    std::size_t pos = 0;
    while (n < 6) {
      const std::size_t comma = line.find(',', pos);
      fields[n++] = line.substr(pos, comma == std::string_view::npos ? line.npos : comma - pos);
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
      if (n == 6) {
        why = "too many fields (expected 6)";
        return Status::invalid_argument(why);
      }
    }
    if (n != 6) {
      why = "expected 6 fields, got " + std::to_string(n);
      return Status::invalid_argument(why);
    }
    auto t = parse_rfc3339(fields[0]);
    if (!t) {
      why = "time is not RFC 3339 UTC: " + quoted(fields[0]);
      return Status::invalid_argument(why);
    }
    if (t->time_since_epoch() % std::chrono::minutes(1) != Duration::zero()) {
      why = "time is not at a whole minute: " + quoted(fields[0]);
      return Status::invalid_argument(why);
    }
    static constexpr const char* kNames[] = {"time", "open", "high", "low", "close", "volume"};
    double v[5];
    for (int i = 0; i < 5; ++i) {
      const std::string_view f = fields[i + 1];
      if (const char* e = f.data() + f.size(); read_plain_decimal(f.data(), e, v[i]) == e) continue;
      const auto r = std::from_chars(f.data(), f.data() + f.size(), v[i]);
      if (f.empty() || r.ec != std::errc() || r.ptr != f.data() + f.size() || !std::isfinite(v[i])) {
        why = std::string(kNames[i + 1]) + " is not a number: " + quoted(f);
        return Status::invalid_argument(why);
      }
    }
    if (!consistent(v)) {
      why = "inconsistent bar: need low <= open, close <= high and volume >= 0";
      return Status::invalid_argument(why);
    }
    out = Candle{*t, v[0], v[1], v[2], v[3], v[4]};
    return Status::ok();
  }

  // A field as an error shows it: quoted, and cut after kShownChars so that a 2 MB field in a
  // hostile file gives a one-line message, not a 2 MB one.
  static std::string quoted(std::string_view field) {
    static constexpr std::size_t kShownChars = 40;
    if (field.size() <= kShownChars) return "\"" + std::string(field) + "\"";
    return "\"" + std::string(field.substr(0, kShownChars)) + "...\" (" + std::to_string(field.size()) +
           " bytes)";
  }

  static constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

  Result<bool> parse_row(std::string_view line, Candle& out) {
    std::string why;
    Candle c;
    if (!parse_fields(line, c, why).is_ok()) return fail(why);
    if (have_previous_ && c.start <= previous_) {
      return fail("time " + format_rfc3339(c.start) + " is not after the previous row's " +
                  format_rfc3339(previous_));
    }
    previous_ = c.start;
    have_previous_ = true;
    out = c;
    return Status::ok().is_ok();
  }

  // The next line without its '\n' (a last line without one counts, as with std::getline).
  // The stream is read in blocks: a getline into a fresh std::string per row was a tenth of
  // the parse. The view is valid until the next call.
  bool next_line(std::string_view& line) {
    for (;;) {
      const std::size_t nl = buffer_.find('\n', pos_);
      if (nl != std::string::npos) {
        line = std::string_view(buffer_).substr(pos_, nl - pos_);
        pos_ = nl + 1;
        return true;
      }
      if (eof_) {
        if (pos_ >= buffer_.size()) return false;
        line = std::string_view(buffer_).substr(pos_);
        pos_ = buffer_.size();
        return true;
      }
      buffer_.erase(0, pos_);
      pos_ = 0;
      const std::size_t kept = buffer_.size();
      buffer_.resize(kept + kBlock);
      in_.read(buffer_.data() + kept, static_cast<std::streamsize>(kBlock));
      buffer_.resize(kept + static_cast<std::size_t>(in_.gcount()));
      if (!in_) eof_ = true;
    }
  }

  Status fail(const std::string& message) const {
    return Status::invalid_argument(file_name_ + ":" + std::to_string(line_no_) + ": " + message);
  }

  static constexpr std::size_t kBlock = 1 << 16;

  std::istream& in_;
  std::string file_name_;
  std::string buffer_;
  std::size_t pos_ = 0;
  bool eof_ = false;
  int line_no_ = 0;
  Time previous_{};
  bool have_previous_ = false;
};

}  // namespace slob::sdk
