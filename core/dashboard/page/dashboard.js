// The dashboard's script. Its configuration is the JSON element #dashboard-config that
// dashboard_page.cpp puts into the page:
//   {"mode": "live", "url": "api/dashboard", "refresh_ms": N}  poll `url` (relative to the page)
//                                                               every N ms and redraw;
//   {"mode": "report", "data": {...}}                           draw the embedded data once.
// The data is the host's "dashboard" view (docs/dashboard.md). Every text that comes from it
// enters the page through textContent or an SVG text node, never as markup.
"use strict";
(function () {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const MINUS = "\u2212";

  const state = {
    config: null,
    data: null,            // the document drawn last
    period: "daily",       // the totals tab shown
    sortKey: "exit_time",  // the trade table's order, kept across redraws
    sortDir: -1,
    lastUpdate: null,      // Date of the last document received (live)
    failures: 0,
    zone: "UTC",
  };

  // ---- small helpers -------------------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    if (attrs) for (const k of Object.keys(attrs)) {
      if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, String(attrs[k]));
    }
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG_NS, tag);
    if (attrs) for (const k of Object.keys(attrs)) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function isNum(v) { return typeof v === "number" && isFinite(v); }

  const fmt2 = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const fmt0 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

  function price(v) { return isNum(v) ? fmt2.format(v) : "–"; }
  function money(v) {
    if (!isNum(v)) return "–";
    const s = fmt2.format(Math.abs(v));
    return v > 0 ? "+" + s : v < 0 ? MINUS + s : s;
  }
  function moneyShort(v) {
    const a = Math.abs(v);
    const s = a >= 10000 ? fmt0.format(a / 1000) + "k" : a >= 1000 ? (a / 1000).toFixed(1) + "k" : fmt0.format(a);
    return v < 0 ? MINUS + s : s;
  }
  function tone(v) { return !isNum(v) || v === 0 ? "zero" : v > 0 ? "pos" : "neg"; }

  // Times are shown in the trading day's zone ([risk] timezone), the zone the totals use.
  function timeFormat(options) {
    try {
      return new Intl.DateTimeFormat("sv-SE", Object.assign({ timeZone: state.zone, hourCycle: "h23" }, options));
    } catch (e) {
      return new Intl.DateTimeFormat("sv-SE", Object.assign({ timeZone: "UTC", hourCycle: "h23" }, options));
    }
  }
  function when(iso, options) {
    if (!iso) return "–";
    const d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso);
    return timeFormat(options || { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).format(d);
  }
  // "6 Jan": the chart's axis.
  function day(iso) {
    const d = new Date(iso);
    if (isNaN(d.getTime())) return "";
    try {
      return new Intl.DateTimeFormat("en-GB", { timeZone: state.zone, day: "numeric", month: "short" }).format(d);
    } catch (e) {
      return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short" }).format(d);
    }
  }
  const SHORT = { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" };
  function clock(d) { return timeFormat({ hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(d); }

  function words(s) { return String(s || "").replace(/_/g, " "); }

  // ---- banner and connection -----------------------------------------------------------

  function drawBanner(d) {
    const b = d.banner || {};
    const st = String(b.state || "Unknown");
    const banner = $("banner");
    banner.setAttribute("data-state", st);
    $("banner-state").textContent = st === "SafeMode" ? "Safe mode" : st;
    let reason = b.reason || "";
    if (st === "Halted" && b.until) reason += (reason ? " · " : "") + "until " + when(b.until);
    if (st === "Report") reason = "stored history, generated " + when(d.generated_at);
    $("banner-reason").textContent = reason;
    $("banner-reason").title = reason;

    const health = $("health");
    clear(health);
    const broker = d.status && d.status.broker;
    if (broker) {
      for (const [name, key] of [["Orders", "orders"], ["Market data", "market_data"]]) {
        const h = String(broker[key] || "unknown");
        const chip = el("span", { class: "chip", "data-channel": key, "data-health": h }, name + " " + h);
        if (broker.reason) chip.title = broker.reason;
        health.appendChild(chip);
      }
    }
    $("mode").textContent = d.mode === "report" ? "REPORT" : "LIVE";
  }

  function drawConnection() {
    const c = $("connection");
    const text = $("connection-text");
    if (state.config.mode !== "live") {
      c.setAttribute("data-state", "static");
      text.textContent = "";
      return;
    }
    if (state.failures > 0) {
      c.setAttribute("data-state", "lost");
      document.body.setAttribute("data-connection", "lost");
      text.textContent = "Connection lost" + (state.lastUpdate ? " · last update " + clock(state.lastUpdate) : "") + " · retrying";
    } else if (state.lastUpdate) {
      c.setAttribute("data-state", "ok");
      document.body.setAttribute("data-connection", "ok");
      text.textContent = "Updated " + clock(state.lastUpdate);
    }
    $("last-updated").textContent = state.lastUpdate ? "Last updated " + clock(state.lastUpdate) + " (" + state.zone + ")" : "Waiting for the first update";
  }

  // ---- KPIs ----------------------------------------------------------------------------

  function kpi(label, value, valueTone, sub) {
    const box = el("div", { class: "kpi" });
    box.appendChild(el("div", { class: "kpi-label" }, label));
    box.appendChild(el("div", { class: "kpi-value " + (valueTone || "") }, value));
    box.appendChild(el("div", { class: "kpi-sub" }, sub || "\u00a0"));
    return box;
  }

  function drawKpis(d) {
    const s = (d.pnl && d.pnl.summary) || {};
    const r = d.risk || {};
    const box = $("kpis");
    clear(box);
    const decided = (s.wins || 0) + (s.losses || 0);
    box.appendChild(kpi("Total P&L", money(s.pnl), tone(s.pnl), (s.trades || 0) + " closed trades"));
    box.appendChild(kpi("Today", money(r.realised_pnl), tone(r.realised_pnl), "trading day " + (r.day || "–")));
    box.appendChild(kpi("Win rate", decided ? Math.round(100 * s.wins / decided) + "%" : "–", "",
                        (s.wins || 0) + " won · " + (s.losses || 0) + " lost"));
    box.appendChild(kpi("Average trade", s.trades ? money(s.pnl / s.trades) : "–", s.trades ? tone(s.pnl) : "", "per closed trade"));
    box.appendChild(kpi("Best / worst", isNum(s.best) ? money(s.best) : "–", tone(s.best),
                        isNum(s.worst) ? "worst " + money(s.worst) : ""));
    box.appendChild(kpi("Max drawdown", isNum(s.max_drawdown) && s.max_drawdown > 0 ? MINUS + fmt2.format(s.max_drawdown) : "0.00",
                        s.max_drawdown > 0 ? "neg" : "zero", "peak to trough, closed trades"));
  }

  // ---- charts --------------------------------------------------------------------------

  // Round tick values covering [lo, hi].
  function ticks(lo, hi, count) {
    if (lo === hi) { lo -= 1; hi += 1; }
    const raw = (hi - lo) / count;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map(m => m * mag).find(s => s >= raw) || 10 * mag;
    const out = [];
    for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
    if (out[out.length - 1] < hi) out.push(out[out.length - 1] + step);
    return out;
  }

  function chartWidth(box) { return Math.max(320, Math.floor(box.getBoundingClientRect().width) || 800); }

  function emptyChart(box, height, message) {
    const w = chartWidth(box);
    const s = svg("svg", { viewBox: "0 0 " + w + " " + height, height: height, role: "img" });
    s.appendChild(svg("text", { x: w / 2, y: height / 2, "text-anchor": "middle", class: "empty" }, message));
    box.appendChild(s);
  }

  // The equity curve: cumulative realised P&L after each closed trade (one point per trade).
  function drawPnlChart(d) {
    const box = $("pnl-chart");
    clear(box);
    const pnl = d.pnl || {};
    const curve = pnl.curve || [];
    $("pnl-note").textContent = curve.length ? "cumulative realised, " + curve.length + " trades" : "";
    const H = 280;
    if (!curve.length) { emptyChart(box, H, "No closed trades yet"); return; }
    const W = chartWidth(box);
    const pad = { l: 64, r: 18, t: 16, b: 30 };
    const values = [pnl.start || 0].concat(curve.map(p => p.cumulative));
    const t = ticks(Math.min(0, ...values), Math.max(0, ...values), 4);
    const lo = t[0], hi = t[t.length - 1];
    const x = i => pad.l + (W - pad.l - pad.r) * (values.length === 1 ? 0.5 : i / (values.length - 1));
    const y = v => pad.t + (H - pad.t - pad.b) * (1 - (v - lo) / (hi - lo));

    const s = svg("svg", { viewBox: "0 0 " + W + " " + H, height: H, role: "img", "aria-label": "P&L curve" });
    const defs = svg("defs");
    const grad = svg("linearGradient", { id: "pnl-area-fill", x1: 0, y1: 0, x2: 0, y2: 1 });
    grad.appendChild(svg("stop", { offset: "0%", "stop-color": "#5aa3f0", "stop-opacity": 0.32 }));
    grad.appendChild(svg("stop", { offset: "100%", "stop-color": "#5aa3f0", "stop-opacity": 0.02 }));
    defs.appendChild(grad);
    s.appendChild(defs);

    for (const v of t) {
      s.appendChild(svg("line", { x1: pad.l, x2: W - pad.r, y1: y(v), y2: y(v), class: v === 0 ? "zero-line" : "grid-line" }));
      s.appendChild(svg("text", { x: pad.l - 10, y: y(v) + 4, "text-anchor": "end", class: "axis-label" }, moneyShort(v)));
    }
    const pts = values.map((v, i) => [x(i), y(v)]);
    const line = pts.map((p, i) => (i ? "L" : "M") + p[0].toFixed(1) + " " + p[1].toFixed(1)).join(" ");
    const base = y(Math.max(lo, Math.min(hi, 0)));
    s.appendChild(svg("path", { d: line + " L" + pts[pts.length - 1][0].toFixed(1) + " " + base.toFixed(1) +
                                     " L" + pts[0][0].toFixed(1) + " " + base.toFixed(1) + " Z",
                                fill: "url(#pnl-area-fill)", class: "area" }));
    s.appendChild(svg("path", { d: line, class: "curve", id: "pnl-line" }));

    curve.forEach((p, i) => {
      const c = svg("circle", { cx: pts[i + 1][0], cy: pts[i + 1][1], r: curve.length > 120 ? 2 : 4,
                                class: "point " + (p.pnl > 0 ? "win" : p.pnl < 0 ? "loss" : "flat") });
      c.appendChild(svg("title", null, p.id + " · " + when(p.time) + " · " + money(p.pnl) + " · total " + money(p.cumulative)));
      s.appendChild(c);
    });

    // Dates under a few evenly spaced trades.
    const labels = Math.min(curve.length, Math.max(2, Math.floor((W - pad.l - pad.r) / 110)));
    const seen = new Set();
    for (let k = 0; k < labels; k++) {
      const i = labels === 1 ? 0 : Math.round(k * (curve.length - 1) / (labels - 1));
      if (seen.has(i)) continue;
      seen.add(i);
      const anchor = curve.length === 1 ? "middle" : i === 0 ? "start" : i === curve.length - 1 ? "end" : "middle";
      s.appendChild(svg("text", { x: pts[i + 1][0], y: H - 8, "text-anchor": anchor, class: "axis-label" },
                        day(curve[i].time)));
    }
    box.appendChild(s);
  }

  function drawPeriods(d) {
    const rows = (d.pnl && d.pnl[state.period]) || [];
    for (const b of document.querySelectorAll(".tabs button")) {
      b.setAttribute("aria-selected", b.getAttribute("data-period") === state.period ? "true" : "false");
    }
    $("period-note").textContent = rows.length ? rows.length + " " + ({ daily: "trading days", weekly: "ISO weeks", monthly: "months" })[state.period] : "";

    const box = $("period-chart");
    clear(box);
    const H = 150;
    if (!rows.length) {
      emptyChart(box, H, "No closed trades yet");
    } else {
      const W = chartWidth(box);
      const pad = { l: 64, r: 18, t: 18, b: 24 };
      const t = ticks(Math.min(0, ...rows.map(r => r.pnl)), Math.max(0, ...rows.map(r => r.pnl)), 3);
      const lo = t[0], hi = t[t.length - 1];
      const y = v => pad.t + (H - pad.t - pad.b) * (1 - (v - lo) / (hi - lo));
      const slot = (W - pad.l - pad.r) / rows.length;
      const bw = Math.max(2, Math.min(46, slot * 0.66));
      const s = svg("svg", { viewBox: "0 0 " + W + " " + H, height: H, role: "img", "aria-label": "P&L by period" });
      for (const v of t) {
        s.appendChild(svg("line", { x1: pad.l, x2: W - pad.r, y1: y(v), y2: y(v), class: v === 0 ? "zero-line" : "grid-line" }));
        s.appendChild(svg("text", { x: pad.l - 10, y: y(v) + 4, "text-anchor": "end", class: "axis-label" }, moneyShort(v)));
      }
      const every = Math.max(1, Math.ceil(rows.length / Math.floor((W - pad.l - pad.r) / 76)));
      rows.forEach((r, i) => {
        const cx = pad.l + slot * (i + 0.5);
        const top = y(Math.max(0, r.pnl)), bottom = y(Math.min(0, r.pnl));
        const rect = svg("rect", { x: (cx - bw / 2).toFixed(1), y: top.toFixed(1), width: bw.toFixed(1),
                                   height: Math.max(1, bottom - top).toFixed(1), rx: 2,
                                   class: r.pnl >= 0 ? "bar-pos" : "bar-neg", "data-period": r.period });
        rect.appendChild(svg("title", null, r.period + ": " + money(r.pnl) + " (" + r.trades + " trades)"));
        s.appendChild(rect);
        if ((rows.length - 1 - i) % every === 0) {
          s.appendChild(svg("text", { x: cx, y: H - 6, "text-anchor": "middle", class: "axis-label" }, r.period));
        }
      });
      box.appendChild(s);
    }

    const body = document.querySelector("#periods tbody");
    clear(body);
    if (!rows.length) body.appendChild(emptyRow(5, "No closed trades yet"));
    for (const r of rows.slice().reverse()) {
      const tr = el("tr", { "data-period": r.period });
      tr.appendChild(el("td", null, r.period));
      tr.appendChild(el("td", { class: "num" }, r.trades));
      tr.appendChild(el("td", { class: "num" }, r.wins));
      tr.appendChild(el("td", { class: "num" }, r.losses));
      tr.appendChild(el("td", { class: "num " + tone(r.pnl) }, money(r.pnl)));
      body.appendChild(tr);
    }
  }

  // ---- risk ----------------------------------------------------------------------------

  function drawRisk(d) {
    const r = d.risk || {};
    $("risk-day").textContent = (r.day ? r.day + " · " : "") + (r.timezone || "");
    const used = r.trades_used || 0, max = r.max_trades_per_day || 0;
    $("risk-trades").textContent = used + " of " + max;
    const pips = $("risk-trade-pips");
    clear(pips);
    for (let i = 0; i < Math.min(max, 20); i++) pips.appendChild(el("span", { class: "pip" + (i < used ? " used" : "") }));
    pips.setAttribute("data-full", used >= max && max > 0 ? "true" : "false");

    const loss = r.loss_used || 0, limit = r.max_daily_loss || 0;
    const share = limit > 0 ? Math.min(1, loss / limit) : 0;
    $("risk-loss").textContent = fmt2.format(loss) + " of " + fmt2.format(limit);
    const bar = $("risk-loss-bar");
    bar.firstElementChild.style.width = (share * 100).toFixed(1) + "%";
    bar.setAttribute("data-level", share >= 0.8 ? "bad" : share >= 0.5 ? "warn" : "ok");
    bar.setAttribute("aria-valuenow", loss);
    bar.setAttribute("aria-valuemax", limit);
    $("risk-pnl").textContent = "realised today " + money(r.realised_pnl) + " · " + Math.round(share * 100) + "% of the daily limit used";

    const p = r.position || {};
    const n = p.contracts || 0;
    const pos = $("risk-position");
    pos.textContent = n === 0 ? "Flat" : (n > 0 ? "Long " : "Short ") + Math.abs(n) + " " + (p.symbol || "");
    pos.className = n > 0 ? "pos" : n < 0 ? "neg" : "zero";
    $("risk-position-sub").textContent = (p.open_trades || 0) + " open trade" + (p.open_trades === 1 ? "" : "s");

    // Whether a new bracket may go out now, as the order gate decides: safe mode and a halt
    // block it, a state other than Running pauses it, the day's trade limit ends it.
    const entries = $("risk-entries");
    const state = (d.banner || {}).state || "";
    const halted = !!r.halted;
    const limitUsed = used >= max && max > 0;
    let verdict = "Allowed", why = "";
    if (state === "SafeMode") { verdict = "Blocked"; why = "safe mode: clear it with slob-ctl clear-safe-mode"; }
    else if (halted) { verdict = "Halted"; why = r.halt_reason || ""; }
    else if (limitUsed) { verdict = "Limit reached"; why = "the day's trade limit is used"; }
    else if (state !== "Running" && state !== "Report") { verdict = "Paused"; why = "the host is " + state; }
    entries.textContent = verdict;
    entries.className = verdict === "Allowed" ? "pos" : verdict === "Paused" ? "warn" : "neg";
    $("risk-entries-sub").textContent = why;
  }

  // ---- tables --------------------------------------------------------------------------

  function emptyRow(cols, text) {
    const tr = el("tr", { class: "empty" });
    tr.appendChild(el("td", { colspan: cols, class: "empty" }, text));
    return tr;
  }

  function dirTag(direction) {
    const d = String(direction || "");
    return el("span", { class: "tag " + d.toLowerCase() }, d);
  }

  function tradeValue(t, key) {
    if (key === "rr") return t.setup ? t.setup.rr : null;
    return t[key];
  }

  function sortedTrades(trades) {
    const th = document.querySelector('#trades th[data-key="' + state.sortKey + '"]');
    const numeric = th && th.getAttribute("data-type") === "num";
    const dir = state.sortDir;
    return trades.slice().sort((a, b) => {
      const va = tradeValue(a, state.sortKey), vb = tradeValue(b, state.sortKey);
      const na = va === null || va === undefined, nb = vb === null || vb === undefined;
      if (na || nb) return na === nb ? 0 : na ? 1 : -1;  // missing values last either way
      const c = numeric ? va - vb : String(va).localeCompare(String(vb));
      return c === 0 ? String(a.id).localeCompare(String(b.id)) * dir : c * dir;
    });
  }

  function drawTrades(d) {
    const trades = d.trades || [];
    for (const th of document.querySelectorAll("#trades th")) {
      const k = th.getAttribute("data-key");
      if (k === state.sortKey) th.setAttribute("aria-sort", state.sortDir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    }
    const body = document.querySelector("#trades tbody");
    clear(body);
    if (!trades.length) body.appendChild(emptyRow(12, "No closed trades yet"));
    for (const t of sortedTrades(trades)) {
      const tr = el("tr", { "data-id": t.id, "data-pnl": t.pnl, "data-exit-reason": t.exit_reason });
      tr.appendChild(el("td", { class: "id" }, t.id));
      const dc = el("td"); dc.appendChild(dirTag(t.direction)); tr.appendChild(dc);
      tr.appendChild(el("td", { class: "num" }, t.quantity));
      tr.appendChild(el("td", { class: "time" }, when(t.entry_time)));
      tr.appendChild(el("td", { class: "num" }, price(t.entry_price)));
      tr.appendChild(el("td", { class: "num" }, price(t.stop)));
      tr.appendChild(el("td", { class: "num" }, price(t.target)));
      tr.appendChild(el("td", { class: "time" }, when(t.exit_time)));
      tr.appendChild(el("td", { class: "num" }, price(t.exit_price)));
      const rc = el("td");
      rc.appendChild(el("span", { class: "tag " + String(t.exit_reason || "").replace(/[^a-z_]/g, "") }, words(t.exit_reason) || "–"));
      tr.appendChild(rc);
      const rr = tradeValue(t, "rr");
      tr.appendChild(el("td", { class: "num" }, isNum(rr) ? rr.toFixed(2) : "–"));
      tr.appendChild(el("td", { class: "num pnl " + tone(t.pnl) }, money(t.pnl)));
      body.appendChild(tr);
    }
    const foot = document.querySelector("#trades tfoot");
    clear(foot);
    if (trades.length) {
      const sum = trades.reduce((a, t) => a + (isNum(t.pnl) ? t.pnl : 0), 0);
      const tr = el("tr");
      tr.appendChild(el("td", { colspan: 11 }, trades.length + " trades"));
      tr.appendChild(el("td", { class: "num " + tone(sum), id: "trades-total" }, money(sum)));
      foot.appendChild(tr);
    }
    const total = d.trades_total || trades.length;
    $("trades-note").textContent = (total > trades.length ? "the newest " + trades.length + " of " + total : total + " closed") +
                                   " · times in " + state.zone + " · click a heading to sort";
  }

  function drawSetups(d) {
    const setups = d.setups || [];
    const body = document.querySelector("#setups tbody");
    clear(body);
    $("setups-note").textContent = setups.length ? setups.length + " live" : "";
    if (!setups.length) body.appendChild(emptyRow(7, "No setup in progress"));
    for (const s of setups) {
      const rep = s.report || {};
      const tr = el("tr", { "data-id": s.id, "data-stage": s.state });
      tr.appendChild(el("td", { class: "id" }, s.id));
      const dc = el("td"); dc.appendChild(dirTag(s.direction)); tr.appendChild(dc);
      const sc = el("td"); sc.appendChild(el("span", { class: "tag stage" }, words(s.state))); tr.appendChild(sc);
      tr.appendChild(el("td", { class: "num" }, price(rep.entry)));
      tr.appendChild(el("td", { class: "num" }, price(rep.stop)));
      tr.appendChild(el("td", { class: "num" }, price(rep.target)));
      tr.appendChild(el("td", { class: "time", title: when(s.updated) }, when(s.updated, SHORT)));
      body.appendChild(tr);
    }

    const open = d.open_positions || [];
    const pbody = document.querySelector("#positions tbody");
    clear(pbody);
    $("positions-note").textContent = open.length ? open.length + " open" : "";
    if (!open.length) pbody.appendChild(emptyRow(7, "Flat: no open position"));
    for (const t of open) {
      const tr = el("tr", { "data-id": t.id });
      tr.appendChild(el("td", { class: "id" }, t.id));
      const dc = el("td"); dc.appendChild(dirTag(t.direction)); tr.appendChild(dc);
      tr.appendChild(el("td", { class: "num" }, t.quantity));
      tr.appendChild(el("td", { class: "num" }, price(t.entry_price)));
      tr.appendChild(el("td", { class: "num" }, price(t.stop)));
      tr.appendChild(el("td", { class: "num" }, price(t.target)));
      tr.appendChild(el("td", { class: "time", title: when(t.entry_time) }, when(t.entry_time, SHORT)));
      pbody.appendChild(tr);
    }
  }

  function drawAlerts(d) {
    const alerts = d.alerts || [];
    const list = $("alerts");
    clear(list);
    $("alerts-note").textContent = alerts.length ? "newest first · " + alerts.length : "";
    if (!alerts.length) list.appendChild(el("li", { class: "empty" }, "No warnings or errors"));
    for (const a of alerts) {
      const li = el("li", { "data-severity": a.severity, "data-type": a.type });
      li.appendChild(el("span", { class: "sev " + String(a.severity || "").replace(/[^a-z]/g, "") }, a.severity));
      const head = el("div", { class: "alert-head" });
      head.appendChild(el("span", { class: "alert-type" }, a.type));
      head.appendChild(el("span", { class: "alert-subject" }, a.subject));
      head.appendChild(el("span", { class: "alert-time" }, when(a.time)));
      li.appendChild(head);
      li.appendChild(el("div", { class: "alert-reason" }, a.reason));
      list.appendChild(li);
    }
  }

  function drawFooter(d) {
    const st = d.status || {};
    const bits = [];
    if (d.mode === "report") bits.push("report generated " + when(d.generated_at) + " from the store");
    if (st.version) bits.push("slob-host " + st.version);
    if (st.pid) bits.push("pid " + st.pid);
    if (st.market_time) bits.push("market time " + when(st.market_time));
    bits.push("times in " + state.zone);
    $("footer-info").textContent = bits.join(" · ");
    if (d.mode === "report") $("last-updated").textContent = "Generated " + when(d.generated_at, {
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  // ---- drawing and polling -------------------------------------------------------------

  function draw() {
    const d = state.data;
    if (!d) return;
    state.zone = (d.risk && d.risk.timezone) || "UTC";
    document.body.setAttribute("data-mode", d.mode === "report" ? "report" : "live");
    drawBanner(d);
    drawKpis(d);
    drawPnlChart(d);
    drawPeriods(d);
    drawRisk(d);
    drawTrades(d);
    drawSetups(d);
    drawAlerts(d);
    drawFooter(d);
    drawConnection();
  }

  function showError(message) {
    let box = $("page-error");
    if (!box) {
      box = el("div", { id: "page-error", role: "alert" });
      document.body.insertBefore(box, document.querySelector("main"));
    }
    box.textContent = message;
  }

  function poll() {
    const cfg = state.config;
    const controller = typeof AbortController === "function" ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), Math.max(5000, 2 * cfg.refresh_ms)) : null;
    fetch(cfg.url, { cache: "no-store", headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined })
      .then(r => {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(data => {
        state.data = data;
        state.lastUpdate = new Date();
        state.failures = 0;
        draw();
      })
      .catch(() => {
        state.failures += 1;
        drawConnection();
      })
      .finally(() => {
        if (timer) clearTimeout(timer);
        setTimeout(poll, cfg.refresh_ms);
      });
  }

  function wire() {
    for (const b of document.querySelectorAll(".tabs button")) {
      b.addEventListener("click", () => {
        state.period = b.getAttribute("data-period");
        if (state.data) drawPeriods(state.data);
      });
    }
    for (const th of document.querySelectorAll("#trades th[data-key]")) {
      th.addEventListener("click", () => {
        const key = th.getAttribute("data-key");
        if (state.sortKey === key) state.sortDir = -state.sortDir;
        else { state.sortKey = key; state.sortDir = th.getAttribute("data-type") === "num" ? -1 : 1; }
        if (state.data) drawTrades(state.data);
      });
    }
    let resize = null;
    window.addEventListener("resize", () => {
      clearTimeout(resize);
      resize = setTimeout(() => { if (state.data) { drawPnlChart(state.data); drawPeriods(state.data); } }, 150);
    });
  }

  function start() {
    const node = $("dashboard-config");
    let cfg = null;
    try { cfg = JSON.parse(node ? node.textContent : ""); } catch (e) { cfg = null; }
    if (!cfg || typeof cfg !== "object") { showError("This page has no valid dashboard data."); return; }
    state.config = cfg;
    wire();
    if (cfg.mode === "report") {
      if (!cfg.data || typeof cfg.data !== "object") { showError("This report has no valid dashboard data."); return; }
      state.data = cfg.data;
      draw();
      return;
    }
    cfg.refresh_ms = Math.max(250, Number(cfg.refresh_ms) || 5000);
    document.body.setAttribute("data-mode", "live");
    $("mode").textContent = "LIVE";
    drawConnection();
    poll();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
