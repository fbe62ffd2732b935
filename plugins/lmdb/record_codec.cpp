#include "record_codec.hpp"

#include "byte_codec.hpp"
#include "slob/sdk/events.hpp"

namespace slob::plugins::lmdb {

namespace {

// Record tags: one byte each, ASCII so a hex dump is readable.
constexpr std::uint8_t kTagSetup = 'S';
constexpr std::uint8_t kTagJournal = 'J';
constexpr std::uint8_t kTagFill = 'F';
constexpr std::uint8_t kTagTrade = 'T';
constexpr std::uint8_t kTagEvent = 'E';
constexpr std::uint8_t kTagCandle = 'C';
constexpr std::uint8_t kTagHostState = 'H';
constexpr std::uint8_t kTagCheckpoint = 'K';
constexpr std::uint8_t kTagObserverCursor = 'O';

constexpr std::uint8_t kVersion1 = 1;
// Host state: + daily risk counters. Audit event: type, severity and fields in place of the
// free-form kind (SDK 2.1's event stream).
constexpr std::uint8_t kVersion2 = 2;

ByteWriter start(std::uint8_t tag, std::uint8_t version = kVersion1) {
  ByteWriter w;
  w.u8(tag);
  w.u8(version);
  return w;
}

// Accepts encoding versions 1..newest of `tag`; the version read goes to *version_out.
sdk::Status check_header(ByteReader& r, std::uint8_t tag, const char* what,
                         std::uint8_t newest = kVersion1, std::uint8_t* version_out = nullptr) {
  std::uint8_t got_tag = 0;
  std::uint8_t version = 0;
  if (!r.u8(got_tag) || !r.u8(version)) {
    return sdk::Status::corruption(std::string(what) + " value is shorter than its header");
  }
  if (got_tag != tag) {
    return sdk::Status::corruption(std::string(what) + " value has record tag " +
                                   std::to_string(got_tag) + ", expected " + std::to_string(tag));
  }
  if (version < kVersion1 || version > newest) {
    return sdk::Status::corruption(std::string(what) + " value has unknown encoding version " +
                                   std::to_string(version));
  }
  if (version_out) *version_out = version;
  return sdk::Status::ok();
}

// The type and severity of a version-1 event, written before the event catalogue
// (sdk/events.hpp) by the trading engine of SDK 2.0 as a free-form kind and subject. A kind
// that catalogue never had becomes "legacy.<kind>", so no old event is lost or guessed at.
std::string event_type_of_v1(const std::string& kind, const std::string& subject) {
  namespace t = sdk::event_type;
  const auto starts = [&](std::string_view prefix) { return subject.rfind(prefix, 0) == 0; };
  const auto ends = [&](std::string_view suffix) {
    return subject.size() >= suffix.size() &&
           subject.compare(subject.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (kind == "transition") return ends("->SafeMode") ? t::kSafeModeEntered : t::kLifecycle;
  if (kind == "safe_mode" && subject == "entered") return t::kSafeModeEntered;
  if (kind == "safe_mode" && subject == "cleared") return t::kSafeModeCleared;
  if (kind == "halt" && subject == "halt") return t::kHalted;
  if (kind == "halt" && subject == "resume") return t::kResumed;
  if (kind == "risk") return t::kHalted;
  if (kind == "order") {
    if (starts("skipped")) return t::kOrderSkipped;
    if (starts("flatten")) return t::kFlattenSent;
    return t::kOrderSent;
  }
  if (kind == "reconcile") return t::kReconcileFinding;
  if (kind == "reload") return subject == "refused" ? t::kReloadRefused : t::kReloadApplied;
  if (kind == "command") return t::kCommand;
  return "legacy." + kind;
}

sdk::Status finish(const ByteReader& r, bool fields_ok, const char* what) {
  if (!fields_ok) return sdk::Status::corruption(std::string(what) + " value is truncated or has a bad field");
  if (!r.at_end()) return sdk::Status::corruption(std::string(what) + " value has trailing bytes");
  return sdk::Status::ok();
}

}  // namespace

std::string encode(const sdk::SetupRecord& r) {
  ByteWriter w = start(kTagSetup);
  w.str(r.id);
  w.u8(static_cast<std::uint8_t>(r.direction));
  w.str(r.state);
  w.boolean(r.live);
  w.str(r.report);
  w.time(r.updated);
  return w.take();
}

sdk::Status decode(std::string_view in, sdk::SetupRecord& out) {
  ByteReader r(in);
  if (auto s = check_header(r, kTagSetup, "setup"); !s) return s;
  const bool ok = r.str(out.id) && r.enumeration(out.direction, sdk::Direction::kShort) &&
                  r.str(out.state) && r.boolean(out.live) && r.str(out.report) &&
                  r.time(out.updated);
  return finish(r, ok, "setup");
}

std::string encode(const sdk::JournalEntry& r) {
  ByteWriter w = start(kTagJournal);
  w.str(r.client_ref);
  w.str(r.setup_id);
  w.u8(static_cast<std::uint8_t>(r.leg));
  w.str(r.symbol);
  w.u8(static_cast<std::uint8_t>(r.side));
  w.u8(static_cast<std::uint8_t>(r.type));
  w.i64(r.quantity);
  w.f64(r.price);
  w.i64(r.broker_order_id);
  w.i64(r.perm_id);
  w.u8(static_cast<std::uint8_t>(r.state));
  w.i64(r.filled);
  w.time(r.created);
  w.time(r.updated);
  w.str(r.note);
  return w.take();
}

sdk::Status decode(std::string_view in, sdk::JournalEntry& out) {
  ByteReader r(in);
  if (auto s = check_header(r, kTagJournal, "journal entry"); !s) return s;
  const bool ok = r.str(out.client_ref) && r.str(out.setup_id) &&
                  r.enumeration(out.leg, sdk::Leg::kStopLoss) && r.str(out.symbol) &&
                  r.enumeration(out.side, sdk::Side::kSell) &&
                  r.enumeration(out.type, sdk::OrderType::kMarket) && r.i64(out.quantity) &&
                  r.f64(out.price) && r.i64(out.broker_order_id) && r.i64(out.perm_id) &&
                  r.enumeration(out.state, sdk::OrderState::kUnknown) && r.i64(out.filled) &&
                  r.time(out.created) && r.time(out.updated) && r.str(out.note);
  return finish(r, ok, "journal entry");
}

std::string encode(const sdk::FillRecord& r) {
  ByteWriter w = start(kTagFill);
  w.str(r.exec_id);
  w.str(r.client_ref);
  w.i64(r.broker_order_id);
  w.str(r.symbol);
  w.u8(static_cast<std::uint8_t>(r.side));
  w.i64(r.quantity);
  w.f64(r.price);
  w.time(r.time);
  w.f64(r.commission);
  return w.take();
}

sdk::Status decode(std::string_view in, sdk::FillRecord& out) {
  ByteReader r(in);
  if (auto s = check_header(r, kTagFill, "fill"); !s) return s;
  const bool ok = r.str(out.exec_id) && r.str(out.client_ref) && r.i64(out.broker_order_id) &&
                  r.str(out.symbol) && r.enumeration(out.side, sdk::Side::kSell) &&
                  r.i64(out.quantity) && r.f64(out.price) && r.time(out.time) &&
                  r.f64(out.commission);
  return finish(r, ok, "fill");
}

std::string encode(const sdk::TradeRecord& r) {
  ByteWriter w = start(kTagTrade);
  w.str(r.id);
  w.str(r.symbol);
  w.u8(static_cast<std::uint8_t>(r.direction));
  w.i64(r.quantity);
  w.f64(r.entry_price);
  w.time(r.entry_time);
  w.opt_f64(r.exit_price);
  w.opt_time(r.exit_time);
  w.f64(r.pnl);
  w.f64(r.commission);
  w.str(r.exit_reason);
  return w.take();
}

sdk::Status decode(std::string_view in, sdk::TradeRecord& out) {
  ByteReader r(in);
  if (auto s = check_header(r, kTagTrade, "trade"); !s) return s;
  const bool ok = r.str(out.id) && r.str(out.symbol) &&
                  r.enumeration(out.direction, sdk::Direction::kShort) && r.i64(out.quantity) &&
                  r.f64(out.entry_price) && r.time(out.entry_time) && r.opt_f64(out.exit_price) &&
                  r.opt_time(out.exit_time) && r.f64(out.pnl) && r.f64(out.commission) &&
                  r.str(out.exit_reason);
  return finish(r, ok, "trade");
}

std::string encode(const sdk::AuditEvent& r) {
  ByteWriter w = start(kTagEvent, kVersion2);
  w.u64(r.sequence);
  w.time(r.time);
  w.str(r.type);
  w.u8(static_cast<std::uint8_t>(r.severity));
  w.str(r.subject);
  w.str(r.reason);
  w.u32(static_cast<std::uint32_t>(r.fields.size()));
  for (const auto& f : r.fields) {
    w.str(f.key);
    w.str(f.value);
  }
  return w.take();
}

sdk::Status decode(std::string_view in, sdk::AuditEvent& out) {
  ByteReader r(in);
  std::uint8_t version = 0;
  if (auto s = check_header(r, kTagEvent, "audit event", kVersion2, &version); !s) return s;
  out.fields.clear();
  if (version == kVersion1) {
    std::string kind;
    const bool ok = r.u64(out.sequence) && r.time(out.time) && r.str(kind) &&
                    r.str(out.subject) && r.str(out.reason);
    if (ok) {
      out.type = event_type_of_v1(kind, out.subject);
      const sdk::EventTypeInfo* info = sdk::find_event_type(out.type);
      out.severity = info ? info->severity : sdk::Severity::kInfo;
    }
    return finish(r, ok, "audit event");
  }
  std::uint32_t count = 0;
  bool ok = r.u64(out.sequence) && r.time(out.time) && r.str(out.type) &&
            r.enumeration(out.severity, sdk::Severity::kCritical) && r.str(out.subject) &&
            r.str(out.reason) && r.u32(count);
  // Each field takes at least 8 bytes: a damaged count fails here, not in a huge reserve.
  ok = ok && count <= r.remaining() / 8;
  for (std::uint32_t i = 0; ok && i < count; ++i) {
    sdk::EventField f;
    ok = r.str(f.key) && r.str(f.value);
    if (ok) out.fields.push_back(std::move(f));
  }
  return finish(r, ok, "audit event");
}

std::string encode(const sdk::ObserverCursor& r) {
  ByteWriter w = start(kTagObserverCursor);
  w.str(r.observer);
  w.u64(r.delivered_through);
  w.time(r.updated);
  return w.take();
}

sdk::Status decode(std::string_view in, sdk::ObserverCursor& out) {
  ByteReader r(in);
  if (auto s = check_header(r, kTagObserverCursor, "observer cursor"); !s) return s;
  const bool ok = r.str(out.observer) && r.u64(out.delivered_through) && r.time(out.updated);
  return finish(r, ok, "observer cursor");
}

std::string encode(const sdk::Candle& r) {
  ByteWriter w = start(kTagCandle);
  w.time(r.start);
  w.f64(r.open);
  w.f64(r.high);
  w.f64(r.low);
  w.f64(r.close);
  w.f64(r.volume);
  return w.take();
}

sdk::Status decode(std::string_view in, sdk::Candle& out) {
  ByteReader r(in);
  if (auto s = check_header(r, kTagCandle, "candle"); !s) return s;
  const bool ok = r.time(out.start) && r.f64(out.open) && r.f64(out.high) && r.f64(out.low) &&
                  r.f64(out.close) && r.f64(out.volume);
  return finish(r, ok, "candle");
}

std::string encode(const sdk::HostState& r) {
  ByteWriter w = start(kTagHostState, kVersion2);
  w.boolean(r.safe_mode);
  w.str(r.safe_mode_reason);
  w.opt_time(r.safe_mode_since);
  w.boolean(r.halted);
  w.str(r.halt_reason);
  w.opt_time(r.halted_until);
  w.i64(r.order_id_high_water);
  w.str(r.risk_day);
  w.i64(r.trades_today);
  w.f64(r.realised_pnl_today);
  return w.take();
}

sdk::Status decode(std::string_view in, sdk::HostState& out) {
  ByteReader r(in);
  std::uint8_t version = 0;
  if (auto s = check_header(r, kTagHostState, "host state", kVersion2, &version); !s) return s;
  bool ok = r.boolean(out.safe_mode) && r.str(out.safe_mode_reason) &&
            r.opt_time(out.safe_mode_since) && r.boolean(out.halted) &&
            r.str(out.halt_reason) && r.opt_time(out.halted_until) &&
            r.i64(out.order_id_high_water);
  // Version 1 (before the daily risk counters) decodes with them at their defaults.
  if (ok && version >= kVersion2)
    ok = r.str(out.risk_day) && r.i64(out.trades_today) && r.f64(out.realised_pnl_today);
  return finish(r, ok, "host state");
}

std::string encode(const sdk::StrategyCheckpoint& r) {
  ByteWriter w = start(kTagCheckpoint);
  w.str(r.plugin);
  w.opt_time(r.last_candle);
  w.str(r.state);
  return w.take();
}

sdk::Status decode(std::string_view in, sdk::StrategyCheckpoint& out) {
  ByteReader r(in);
  if (auto s = check_header(r, kTagCheckpoint, "strategy checkpoint"); !s) return s;
  const bool ok = r.str(out.plugin) && r.opt_time(out.last_candle) && r.str(out.state);
  return finish(r, ok, "strategy checkpoint");
}

std::string sequence_key(std::uint64_t sequence) {
  std::string key(8, '\0');
  for (int i = 0; i < 8; ++i) key[7 - i] = static_cast<char>((sequence >> (8 * i)) & 0xff);
  return key;
}

std::string time_key(sdk::Time t) {
  const auto biased = static_cast<std::uint64_t>(t.time_since_epoch().count()) ^ (1ull << 63);
  return sequence_key(biased);
}

bool decode_time_key(std::string_view key, sdk::Time& t) {
  std::uint64_t biased = 0;
  if (!decode_sequence_key(key, biased)) return false;
  t = sdk::Time{sdk::Duration{static_cast<std::int64_t>(biased ^ (1ull << 63))}};
  return true;
}

bool decode_sequence_key(std::string_view key, std::uint64_t& sequence) {
  if (key.size() != 8) return false;
  sequence = 0;
  for (char c : key) sequence = (sequence << 8) | static_cast<std::uint8_t>(c);
  return true;
}

}  // namespace slob::plugins::lmdb
