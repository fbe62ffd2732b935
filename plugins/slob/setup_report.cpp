#include "setup_report.hpp"

#include "json_writer.hpp"

namespace slob::plugins::slob {
namespace {

std::optional<double> real(const std::optional<double>& p, sdk::Direction d) {
  if (!p) return std::nullopt;
  return to_real(*p, d);
}

}  // namespace

ReportView report_view(const Candidate& c) {
  const sdk::Direction d = c.direction;
  const bool is_short = d == sdk::Direction::kShort;
  ReportView v;
  v.state = c.state;
  v.reason = c.reason;
  v.liq1_time = c.liq1_time;
  v.liq1_price = to_real(c.liq1_price, d);
  // Short space calls the swept extreme "high" and the pullback "low"; LONG swaps them back.
  v.high = is_short ? c.high : to_real(c.low, d);
  v.high_time = is_short ? c.high_time : c.low_time;
  v.high_confirm_time = is_short ? c.high_confirm_time : c.low_confirm_time;
  v.low = is_short ? c.low : to_real(c.high, d);
  v.low_time = is_short ? c.low_time : c.high_time;
  v.low_confirm_time = is_short ? c.low_confirm_time : c.high_confirm_time;
  if (c.liq2) {
    v.liq2_time = c.liq2->start;
    v.liq2_price = to_real(c.liq2->high, d);
    v.spike = to_real(c.spike_high, d);
  }
  if (c.nowick) v.nowick_time = c.nowick->start;
  v.entry_time = c.entry_time;
  v.entry = real(c.entry, d);
  v.stop = real(c.stop, d);
  v.target = real(c.target, d);
  v.rr = c.rr;
  v.end_time = c.end_time;
  return v;
}

std::string report_json(const Candidate& c, const ReportView& v) {
  JsonWriter w;
  w.str("id", c.id);
  w.str("direction", sdk::direction_name(c.direction));
  w.str("trading_day", c.trading_day);
  w.str("state", state_name(v.state));
  if (v.reason == Reason::kNone) w.null("reason");
  else w.str("reason", reason_name(v.reason));
  w.time("liq1_time", v.liq1_time);
  w.num("liq1_price", v.liq1_price);
  w.num("high", v.high);
  w.time("high_time", v.high_time);
  w.time("high_confirm_time", v.high_confirm_time);
  w.num("low", v.low);
  w.time("low_time", v.low_time);
  w.time("low_confirm_time", v.low_confirm_time);
  w.time("liq2_time", v.liq2_time);
  w.num("liq2_price", v.liq2_price);
  w.time("nowick_time", v.nowick_time);
  w.num("spike", v.spike);
  w.time("entry_time", v.entry_time);
  w.num("entry", v.entry);
  w.num("stop", v.stop);
  w.num("target", v.target);
  w.num("rr", v.rr);
  w.num("lse_high", c.lse_high);
  w.num("lse_low", c.lse_low);
  w.time("end_time", v.end_time);
  return w.finish();
}

sdk::SetupRecord setup_record(const Candidate& c, const ReportView& v, sdk::Time updated) {
  sdk::SetupRecord r;
  r.id = c.id;
  r.direction = c.direction;
  r.state = state_name(v.state);
  r.live = c.active();
  r.report = report_json(c, v);
  r.updated = updated;
  return r;
}

}  // namespace slob::plugins::slob
