#include "control/record_json.hpp"

#include <cstdint>
#include <ostream>
#include <string>

#include "slob/sdk/events.hpp"

namespace slob::core {

namespace {

nlohmann::json time_or_null(const std::optional<sdk::Time>& t) {
  return t ? nlohmann::json(sdk::format_rfc3339(*t)) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json to_json(const sdk::SetupRecord& r) {
  nlohmann::json j{{"id", r.id},
                   {"direction", sdk::direction_name(r.direction)},
                   {"state", r.state},
                   {"live", r.live},
                   {"updated", sdk::format_rfc3339(r.updated)}};
  auto report = nlohmann::json::parse(r.report, nullptr, /*allow_exceptions=*/false);
  if (report.is_discarded()) {
    j["report"] = nullptr;
    j["report_raw"] = r.report;
  } else {
    j["report"] = std::move(report);
  }
  return j;
}

nlohmann::json to_json(const sdk::JournalEntry& r) {
  return {{"client_ref", r.client_ref},
          {"setup_id", r.setup_id},
          {"leg", sdk::leg_name(r.leg)},
          {"symbol", r.symbol},
          {"side", sdk::side_name(r.side)},
          {"type", sdk::order_type_name(r.type)},
          {"quantity", r.quantity},
          {"price", r.price},
          {"broker_order_id", r.broker_order_id},
          {"perm_id", r.perm_id},
          {"state", sdk::order_state_name(r.state)},
          {"filled", r.filled},
          {"created", sdk::format_rfc3339(r.created)},
          {"updated", sdk::format_rfc3339(r.updated)},
          {"note", r.note}};
}

nlohmann::json to_json(const sdk::FillRecord& r) {
  return {{"exec_id", r.exec_id},
          {"client_ref", r.client_ref},
          {"broker_order_id", r.broker_order_id},
          {"symbol", r.symbol},
          {"side", sdk::side_name(r.side)},
          {"quantity", r.quantity},
          {"price", r.price},
          {"time", sdk::format_rfc3339(r.time)},
          {"commission", r.commission}};
}

nlohmann::json to_json(const sdk::TradeRecord& r) {
  return {{"id", r.id},
          {"symbol", r.symbol},
          {"direction", sdk::direction_name(r.direction)},
          {"quantity", r.quantity},
          {"entry_price", r.entry_price},
          {"entry_time", sdk::format_rfc3339(r.entry_time)},
          {"exit_price", r.exit_price ? nlohmann::json(*r.exit_price) : nlohmann::json(nullptr)},
          {"exit_time", time_or_null(r.exit_time)},
          {"pnl", r.pnl},
          {"commission", r.commission},
          {"exit_reason", r.exit_reason},
          {"open", r.open()}};
}

nlohmann::json to_json(const sdk::AuditEvent& r) {
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& f : r.fields) fields[f.key] = f.value;
  return {{"sequence", r.sequence},
          {"time", sdk::format_rfc3339(r.time)},
          {"type", r.type},
          {"severity", sdk::severity_name(r.severity)},
          {"subject", r.subject},
          {"reason", r.reason},
          {"fields", std::move(fields)}};
}

nlohmann::json to_json(const sdk::Candle& r) {
  return {{"start", sdk::format_rfc3339(r.start)}, {"open", r.open},   {"high", r.high},
          {"low", r.low},                          {"close", r.close}, {"volume", r.volume}};
}

nlohmann::json to_json(const sdk::HostState& r) {
  return {{"safe_mode", r.safe_mode},
          {"safe_mode_reason", r.safe_mode_reason},
          {"safe_mode_since", time_or_null(r.safe_mode_since)},
          {"halted", r.halted},
          {"halt_reason", r.halt_reason},
          {"halted_until", time_or_null(r.halted_until)},
          {"order_id_high_water", r.order_id_high_water},
          {"risk_day", r.risk_day},
          {"trades_today", r.trades_today},
          {"realised_pnl_today", r.realised_pnl_today}};
}

nlohmann::json to_json(const sdk::StrategyCheckpoint& r) {
  return {{"plugin", r.plugin}, {"last_candle", time_or_null(r.last_candle)}, {"state", r.state}};
}

namespace {

struct KindNames {
  const char* kind;
  const char* key;  // the field that names a record of the kind
};

KindNames names_of(sdk::RecordKind kind) {
  switch (kind) {
    case sdk::RecordKind::kSetups: return {"setups", "id"};
    case sdk::RecordKind::kOrders: return {"orders", "client_ref"};
    case sdk::RecordKind::kFills: return {"fills", "exec_id"};
    case sdk::RecordKind::kTrades: return {"trades", "id"};
    case sdk::RecordKind::kEvents: return {"events", "sequence"};
    case sdk::RecordKind::kCandles: return {"candles", "start"};
  }
  return {"records", "id"};
}

}  // namespace

sdk::Status export_records(sdk::Store& store, sdk::RecordKind kind, std::ostream& out) {
  bool write_failed = false;
  sdk::Status bad_record;
  std::uint64_t count = 0;
  auto emit = [&](const auto& record) {
    const nlohmann::json j = to_json(record);
    ++count;
    std::string line;
    try {
      line = j.dump();
    } catch (const nlohmann::json::type_error& e) {
      // Strings in the store are UTF-8 as the daemon wrote them: other bytes are damage. The
      // record is named with those bytes replaced, and nothing is guessed into the export.
      const KindNames n = names_of(kind);
      const auto key = j.find(n.key);
      bad_record = sdk::Status::corruption(
          std::string("export ") + n.kind + ": record " + std::to_string(count) +
          (key == j.end() ? std::string()
                          : std::string(" (") + n.key + " " +
                                key->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + ")") +
          " holds a string that is not UTF-8; the store may be damaged (" + e.what() + ")");
      return false;
    }
    out << line << '\n';
    write_failed = !out;
    return !write_failed;
  };
  sdk::Status status;
  switch (kind) {
    case sdk::RecordKind::kSetups: status = store.scan_setups(emit); break;
    case sdk::RecordKind::kOrders: status = store.scan_orders(emit); break;
    case sdk::RecordKind::kFills: status = store.scan_fills(emit); break;
    case sdk::RecordKind::kTrades: status = store.scan_trades(emit); break;
    case sdk::RecordKind::kEvents: status = store.scan_events(0, emit); break;
    case sdk::RecordKind::kCandles: status = store.scan_candles(sdk::Time::min(), emit); break;
  }
  if (!status) return status;
  if (!bad_record) return bad_record;
  if (write_failed || !out.flush()) return sdk::Status::io_error("export: cannot write output");
  return sdk::Status::ok();
}

}  // namespace slob::core
