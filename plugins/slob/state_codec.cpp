#include "state_codec.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "json_writer.hpp"

namespace slob::plugins::slob {
namespace {

using Json = nlohmann::ordered_json;

// Decoding errors travel as this exception inside this file only; decode_state() turns them
// into a Status, so nothing crosses the plugin boundary.
struct DecodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void write_bar(JsonWriter& w, const char* key, const std::optional<ShortBar>& b) {
  if (!b) return w.null(key);
  w.begin_object(key);
  w.time("start", b->start);
  w.num("open", b->open);
  w.num("high", b->high);
  w.num("low", b->low);
  w.num("close", b->close);
  w.end_object();
}

const Json& field(const Json& obj, const char* name) {
  if (!obj.is_object()) throw DecodeError("expected an object");
  const auto it = obj.find(name);
  if (it == obj.end()) throw DecodeError(std::string("missing field \"") + name + "\"");
  return *it;
}

double num(const Json& obj, const char* name) {
  const Json& v = field(obj, name);
  if (!v.is_number()) throw DecodeError(std::string("field \"") + name + "\" must be a number");
  return v.get<double>();
}

std::int64_t integer(const Json& obj, const char* name) {
  const Json& v = field(obj, name);
  if (!v.is_number_integer())
    throw DecodeError(std::string("field \"") + name + "\" must be an integer");
  return v.get<std::int64_t>();
}

std::string str(const Json& obj, const char* name) {
  const Json& v = field(obj, name);
  if (!v.is_string()) throw DecodeError(std::string("field \"") + name + "\" must be a string");
  return v.get<std::string>();
}

sdk::Time parse_time(const Json& v, const char* name) {
  if (v.is_string()) {
    if (auto t = sdk::parse_rfc3339(v.get<std::string>())) return *t;
  }
  throw DecodeError(std::string("field \"") + name + "\" must be an RFC 3339 UTC time");
}

sdk::Time time(const Json& obj, const char* name) { return parse_time(field(obj, name), name); }

std::optional<sdk::Time> opt_time(const Json& obj, const char* name) {
  const Json& v = field(obj, name);
  if (v.is_null()) return std::nullopt;
  return parse_time(v, name);
}

std::optional<double> opt_num(const Json& obj, const char* name) {
  if (field(obj, name).is_null()) return std::nullopt;
  return num(obj, name);
}

ShortBar bar(const Json& v) {
  return {time(v, "start"), num(v, "open"), num(v, "high"), num(v, "low"), num(v, "close")};
}

std::optional<ShortBar> opt_bar(const Json& obj, const char* name) {
  const Json& v = field(obj, name);
  if (v.is_null()) return std::nullopt;
  return bar(v);
}

// One element of "candidates", its fields in their usual order.
void write_candidate(JsonWriter& w, const Candidate& c) {
  w.begin_object(nullptr);
  w.str("id", c.id);
  w.str("direction", sdk::direction_name(c.direction));
  w.str("trading_day", c.trading_day);
  w.time("cutoff", c.cutoff);
  w.num("lse_high", c.lse_high);
  w.num("lse_low", c.lse_low);
  w.str("state", state_name(c.state));
  w.time("liq1_time", c.liq1_time);
  w.num("liq1_price", c.liq1_price);
  w.num("high", c.high);
  w.time("high_time", c.high_time);
  w.integer("high_count", c.high_count);
  w.time("high_confirm_time", c.high_confirm_time);
  w.num("low", c.low);
  w.time("low_time", c.low_time);
  w.integer("low_count", c.low_count);
  w.time("low_confirm_time", c.low_confirm_time);
  write_bar(w, "nowick_seen", c.nowick_seen);
  write_bar(w, "nowick", c.nowick);
  write_bar(w, "liq2", c.liq2);
  w.num("spike_high", c.spike_high);
  w.integer("entry_wait", c.entry_wait);
  w.end_object();
}

Candidate candidate(const Json& j) {
  Candidate c;
  c.id = str(j, "id");
  if (c.id.empty() || c.id.find(':') != std::string::npos)
    throw DecodeError("candidate id \"" + c.id + "\" is not a valid setup id");
  const std::string dir = str(j, "direction");
  if (dir == "SHORT") c.direction = sdk::Direction::kShort;
  else if (dir == "LONG") c.direction = sdk::Direction::kLong;
  else throw DecodeError("candidate " + c.id + ": unknown direction \"" + dir + "\"");
  c.trading_day = str(j, "trading_day");
  c.cutoff = time(j, "cutoff");
  c.lse_high = num(j, "lse_high");
  c.lse_low = num(j, "lse_low");
  const auto state = state_from_name(str(j, "state"));
  // Only active candidates are exported; a finished one in the state is corruption.
  if (!state || *state == State::kSetupComplete || *state == State::kInvalidated)
    throw DecodeError("candidate " + c.id + ": not an active state");
  c.state = *state;
  c.liq1_time = time(j, "liq1_time");
  c.liq1_price = num(j, "liq1_price");
  c.high = num(j, "high");
  c.high_time = time(j, "high_time");
  c.high_count = integer(j, "high_count");
  c.high_confirm_time = opt_time(j, "high_confirm_time");
  c.low = num(j, "low");
  c.low_time = time(j, "low_time");
  c.low_count = integer(j, "low_count");
  c.low_confirm_time = opt_time(j, "low_confirm_time");
  c.nowick_seen = opt_bar(j, "nowick_seen");
  c.nowick = opt_bar(j, "nowick");
  c.liq2 = opt_bar(j, "liq2");
  c.spike_high = num(j, "spike_high");
  c.entry_wait = integer(j, "entry_wait");
  if (c.state == State::kWaitingEntry && (!c.liq2 || !c.nowick))
    throw DecodeError("candidate " + c.id + ": WAITING_ENTRY without LIQ #2 or no-wick candle");
  return c;
}

}  // namespace

// Written by hand (JsonWriter): the state is exported at every checkpoint, and building an
// ordered_json tree for it cost as much as the strategy's own work on the candles between two.
std::string encode_state(const EngineState& s) {
  JsonWriter w(256 + 768 * s.candidates.size());
  w.str("format", kStateFormat);
  w.integer("version", kStateVersion);
  w.str("day", s.day);
  w.num("lse_high", s.lse_high);
  w.num("lse_low", s.lse_low);
  if (s.last_candle) {
    const sdk::Candle& c = *s.last_candle;
    w.begin_object("last_candle");
    w.time("start", c.start);
    w.num("open", c.open);
    w.num("high", c.high);
    w.num("low", c.low);
    w.num("close", c.close);
    w.num("volume", c.volume);
    w.end_object();
  } else {
    w.null("last_candle");
  }
  w.begin_array("candidates");
  for (const Candidate& c : s.candidates) write_candidate(w, c);
  w.end_array();
  return w.finish();
}

sdk::Result<EngineState> decode_state(std::string_view text) {
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return sdk::Status::corruption("slob state: not valid JSON");
  try {
    if (!j.is_object() || !j.contains("format") || j["format"] != kStateFormat)
      return sdk::Status::corruption("slob state: not a slob strategy state");
    const std::int64_t version = integer(j, "version");
    if (version != kStateVersion) {
      return sdk::Status::failed_precondition("slob state: version " + std::to_string(version) +
                                              " is not supported (expected " +
                                              std::to_string(kStateVersion) + ")");
    }
    EngineState s;
    s.day = str(j, "day");
    s.lse_high = opt_num(j, "lse_high");
    s.lse_low = opt_num(j, "lse_low");
    const Json& last = field(j, "last_candle");
    if (!last.is_null()) {
      s.last_candle = sdk::Candle{time(last, "start"), num(last, "open"), num(last, "high"),
                                  num(last, "low"), num(last, "close"), num(last, "volume")};
    }
    if (s.last_candle.has_value() == s.day.empty())
      throw DecodeError("\"day\" and \"last_candle\" must both be set or both be empty");
    const Json& cands = field(j, "candidates");
    if (!cands.is_array()) throw DecodeError("field \"candidates\" must be an array");
    for (const Json& c : cands) s.candidates.push_back(candidate(c));
    if (!s.candidates.empty() && !s.last_candle)
      throw DecodeError("active candidates without a last candle");
    return s;
  } catch (const std::exception& e) {
    return sdk::Status::corruption(std::string("slob state: ") + e.what());
  }
}

}  // namespace slob::plugins::slob
