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

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "slob/sdk/time.hpp"

namespace slob::plugins::slob {

class JsonWriter {
 public:
  explicit JsonWriter(std::size_t expected = 640) {
    out_.reserve(expected);
    out_ += '{';
  }

  // `key` is nullptr for an element of an array.
  void str(const char* key, std::string_view v) {
    name(key);
    out_ += '"';
    out_ += v;
    out_ += '"';
  }
  void null(const char* key) {
    name(key);
    out_ += "null";
  }
  void num(const char* key, double v) {
    if (!std::isfinite(v)) return null(key);
    name(key);
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
  }
  void integer(const char* key, std::int64_t v) {
    name(key);
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
  }
  // sdk::format_rfc3339's output, without its snprintf for the whole-second case.
  void time(const char* key, sdk::Time t) {
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const auto secs = duration_cast<seconds>(t - day).count();
    std::int64_t y = 0;
    unsigned m = 0, d = 0;
    sdk::detail::civil_from_days(day.time_since_epoch().count(), y, m, d);
    if (t != day + seconds(secs) || y < 0 || y > 9999) return str(key, sdk::format_rfc3339(t));
    char b[22] = "0000-00-00T00:00:00Z\"";
    auto put2 = [&](int at, long long v) {
      b[at] = static_cast<char>('0' + v / 10);
      b[at + 1] = static_cast<char>('0' + v % 10);
    };
    put2(0, y / 100);
    put2(2, y % 100);
    put2(5, m);
    put2(8, d);
    put2(11, secs / 3600);
    put2(14, secs / 60 % 60);
    put2(17, secs % 60);
    name(key);
    out_ += '"';
    out_.append(b, 21);
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
    out_ += '}';
    return std::move(out_);
  }

 private:
  void name(const char* key) {
    if (!first_) out_ += ',';
    first_ = false;
    if (!key) return;
    out_ += '"';
    out_ += key;
    out_ += "\":";
  }
  void open(const char* key, char bracket) {
    name(key);
    out_ += bracket;
    first_ = true;
  }
  void close(char bracket) {
    out_ += bracket;
    first_ = false;
  }

  std::string out_;
  bool first_ = true;  // nothing written yet in the innermost open object or array
};

}  // namespace slob::plugins::slob
