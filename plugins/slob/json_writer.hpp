#pragma once

// A JSON writer that appends by hand in one pass, for what this plugin writes often: setup
// reports (every change of every setup) and the exported state (every checkpoint). An
// ordered_json object costs a linear key search per field and a tree of allocations; this
// costs an append. Every string written is ours — ids, day keys, enum names, RFC 3339 times —
// and none needs escaping, so none is escaped. Numbers are the shortest text that reads back as
// the same double (std::to_chars); a non-finite one is written as null, as nlohmann writes it.
//
//   JsonWriter w;            // the top-level object is open
//   w.num("price", 1.5);
//   w.begin_array("list"); w.begin_object(nullptr); ...; w.end_object(); w.end_array();
//   std::string text = w.finish();

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "slob/sdk/time.hpp"

namespace slob::plugins::slob {

class JsonWriter {
 public:
  explicit JsonWriter(std::size_t expected = 640) {
    out_.resize(expected);
    put('{');
  }

  // `key` is nullptr for an element of an array.
  void str(const char* key, std::string_view v) {
    name(key);
    reserve_more(v.size() + 2);
    char* p = out_.data() + size_;
    *p++ = '"';
    std::memcpy(p, v.data(), v.size());
    p[v.size()] = '"';
    size_ += v.size() + 2;
  }
  void null(const char* key) {
    name(key);
    put("null");
  }
  void num(const char* key, double v) {
    if (!std::isfinite(v)) return null(key);
    name(key);
    char buf[32];
    char* end = quarter(v, buf);
    if (!end) end = std::to_chars(buf, buf + sizeof buf, v).ptr;
    put(std::string_view(buf, static_cast<std::size_t>(end - buf)));
  }

  // std::to_chars's text for a whole number of quarters below 100,000 in magnitude (every NQ
  // price: a tick is 0.25), without its shortest-representation search, which was most of a
  // setup report's cost. For these values the shortest text is the exact decimal and fixed
  // notation is never longer than scientific (5-digit integers tie, and to_chars picks fixed).
  // nullptr for anything else, zero included (its sign). `buf` holds at least 10 chars.
  static char* quarter(double v, char* buf) {
    const double q = v * 4;  // exact: a power of two
    if (!(v != 0 && v > -1e5 && v < 1e5) || q != static_cast<double>(static_cast<std::int64_t>(q)))
      return nullptr;
    std::int64_t quarters = static_cast<std::int64_t>(q);
    char* p = buf;
    if (quarters < 0) {
      *p++ = '-';
      quarters = -quarters;
    }
    p = std::to_chars(p, buf + 10, quarters / 4).ptr;
    static constexpr const char* kFraction[] = {"", ".25", ".5", ".75"};
    for (const char* f = kFraction[quarters % 4]; *f; ++f) *p++ = *f;
    return p;
  }
  void integer(const char* key, std::int64_t v) {
    name(key);
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    put(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
  }
  // sdk::format_rfc3339's output, without its snprintf for the whole-second case.
  // The date part is kept from the last time written: the times of one report mostly share a
  // day, and the calendar conversion was half of writing one.
  void time(const char* key, sdk::Time t) {
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const auto secs = duration_cast<seconds>(t - day).count();
    if (t != day + seconds(secs)) return str(key, sdk::format_rfc3339(t));
    auto put2 = [](char* b, int at, long long v) {
      b[at] = static_cast<char>('0' + v / 10);
      b[at + 1] = static_cast<char>('0' + v % 10);
    };
    if (!date_day_ || *date_day_ != day) {
      std::int64_t y = 0;
      unsigned m = 0, d = 0;
      sdk::detail::civil_from_days(day.time_since_epoch().count(), y, m, d);
      if (y < 0 || y > 9999) return str(key, sdk::format_rfc3339(t));
      put2(date_, 0, y / 100);
      put2(date_, 2, y % 100);
      put2(date_, 5, m);
      put2(date_, 8, d);
      date_day_ = day;
    }
    char b[22] = "0000-00-00T00:00:00Z\"";
    std::memcpy(b, date_, 10);
    put2(b, 11, secs / 3600);
    put2(b, 14, secs / 60 % 60);
    put2(b, 17, secs % 60);
    name(key);
    put('"');
    put(std::string_view(b, 21));
  }
  void time(const char* key, const std::optional<sdk::Time>& t) {
    if (t) time(key, *t);
    else null(key);
  }
  void num(const char* key, const std::optional<double>& v) {
    if (v) num(key, *v);
    else null(key);
  }

  void begin_object(const char* key) { open(key, '{'); }
  void end_object() { close('}'); }
  void begin_array(const char* key) { open(key, '['); }
  void end_array() { close(']'); }

  // Closes the top-level object.
  std::string finish() {
    put('}');
    out_.resize(size_);
    return std::move(out_);
  }

 private:
  void name(const char* key) {
    if (!first_) put(',');
    first_ = false;
    if (!key) return;
    const std::size_t n = std::strlen(key);
    reserve_more(n + 3);
    char* p = out_.data() + size_;
    *p++ = '"';
    std::memcpy(p, key, n);
    p += n;
    *p++ = '"';
    *p = ':';
    size_ += n + 3;
  }
  void open(const char* key, char bracket) {
    name(key);
    put(bracket);
    first_ = true;
  }
  void close(char bracket) {
    put(bracket);
    first_ = false;
  }

  // The text is written into out_'s own storage, sized ahead, with size_ the length so far: a
  // std::string append per piece (a capacity check and a length update each, three pieces a
  // key) was a third of a setup report.
  void reserve_more(std::size_t n) {
    if (size_ + n > out_.size()) out_.resize(std::max(2 * out_.size(), size_ + n));
  }
  void put(char c) {
    reserve_more(1);
    out_[size_++] = c;
  }
  void put(std::string_view s) {
    reserve_more(s.size());
    std::memcpy(out_.data() + size_, s.data(), s.size());
    size_ += s.size();
  }

  std::string out_;
  std::size_t size_ = 0;
  std::optional<sdk::Time> date_day_;  // the day date_ holds ("YYYY-MM-DD"), once one was written
  char date_[10] = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0'};
  bool first_ = true;  // nothing written yet in the innermost open object or array
};

}  // namespace slob::plugins::slob
