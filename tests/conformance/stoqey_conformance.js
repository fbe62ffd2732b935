#!/usr/bin/env node
// Drives tools/ib-gateway-sim with @stoqey/ib 1.6.10, a third-party TWS API client, to prove the
// simulator speaks the real protocol at server version 176 and not a private dialect.
//
// usage: node stoqey_conformance.js <path/to/ib-gateway-sim> <work-dir>
// Exit 0 on success, 1 on a failed check (one line naming the step), 77 when node_modules is
// missing (CTest SKIP_RETURN_CODE).
"use strict";

const path = require("path");
const fs = require("fs");
const net = require("net");
const { spawn } = require("child_process");

let ib;
try {
  ib = require(path.join(__dirname, "node_modules", "@stoqey", "ib"));
} catch (e) {
  console.log("SKIP: @stoqey/ib is not installed; run `npm ci` in " + __dirname);
  process.exit(77);
}
const { IBApi, EventName, SecType, OrderAction, OrderType, BarSizeSetting, WhatToShow } = ib;

const simPath = process.argv[2];
const workDir = process.argv[3];
if (!simPath || !workDir) {
  console.error("usage: stoqey_conformance.js <ib-gateway-sim> <work-dir>");
  process.exit(2);
}
fs.mkdirSync(workDir, { recursive: true });
const portFile = path.join(workDir, "ports");
const logFile = path.join(workDir, "inbound.log");
for (const f of [portFile, logFile]) fs.rmSync(f, { force: true });

const sim = spawn(simPath, ["--port-file", portFile, "--log", logFile, "--bar-interval-ms", "50",
                            "--next-valid-id", "500", "--price", "21000", "--exit-on-stdin-eof"],
                  { stdio: ["pipe", "inherit", "inherit"] });
const killSim = () => { if (sim.exitCode === null) { try { process.kill(sim.pid, "SIGTERM"); } catch (_) {} } };
process.on("exit", killSim);

function fail(step, detail) {
  console.error(`FAIL [${step}]: ${detail}`);
  killSim();
  process.exit(1);
}

function waitFor(step, predicate, timeoutMs = 5000) {
  return new Promise((resolve) => {
    const start = Date.now();
    const poll = () => {
      const v = predicate();
      if (v) return resolve(v);
      if (Date.now() - start > timeoutMs) return fail(step, `timed out after ${timeoutMs} ms`);
      setTimeout(poll, 10);
    };
    poll();
  });
}

function control(port, command) {
  return new Promise((resolve) => {
    const sock = net.connect(port, "127.0.0.1", () => sock.write(command + "\n"));
    let buf = "";
    sock.on("data", (d) => {
      buf += d.toString();
      if (buf.includes("\n")) { sock.end(); resolve(buf.trim()); }
    });
    sock.on("error", (e) => fail("control " + command, e.message));
  });
}

function makeClient(port, events) {
  const api = new IBApi({ host: "127.0.0.1", port });
  const on = (name, fn) => api.on(name, fn);
  on(EventName.connected, () => events.push(["connected"]));
  on(EventName.disconnected, () => events.push(["disconnected"]));
  on(EventName.nextValidId, (id) => events.push(["nextValidId", id]));
  on(EventName.managedAccounts, (a) => events.push(["managedAccounts", a]));
  on(EventName.error, (err, code, reqId) => events.push(["error", code, reqId, err && err.message]));
  on(EventName.info, (msg, code) => events.push(["info", code, msg]));
  on(EventName.currentTime, (t) => events.push(["currentTime", t]));
  on(EventName.contractDetails, (reqId, cd) => events.push(["contractDetails", reqId, cd]));
  on(EventName.contractDetailsEnd, (reqId) => events.push(["contractDetailsEnd", reqId]));
  on(EventName.historicalData, (reqId, time, o, h, l, c, v) => events.push(["historicalData", reqId, time, o, h, l, c, v]));
  on(EventName.realtimeBar, (reqId, t, o, h, l, c, v) => events.push(["realtimeBar", reqId, t, o, h, l, c, v]));
  on(EventName.openOrder, (id, contract, order, state) => events.push(["openOrder", id, contract, order, state]));
  on(EventName.orderStatus, (id, status, filled) => events.push(["orderStatus", id, status, filled]));
  on(EventName.execDetails, (reqId, contract, e) => events.push(["execDetails", reqId, contract, e]));
  on(EventName.execDetailsEnd, (reqId) => events.push(["execDetailsEnd", reqId]));
  on(EventName.commissionReport, (r) => events.push(["commissionReport", r]));
  on(EventName.position, (acct, contract, pos, avg) => events.push(["position", acct, contract, pos, avg]));
  on(EventName.positionEnd, () => events.push(["positionEnd"]));
  on(EventName.openOrderEnd, () => events.push(["openOrderEnd"]));
  return api;
}

const find = (events, name, pred = () => true) => events.find((e) => e[0] === name && pred(e));
const all = (events, name, pred = () => true) => events.filter((e) => e[0] === name && pred(e));

async function main() {
  const ports = await waitFor("simulator start", () => {
    try {
      const text = fs.readFileSync(portFile, "utf8");
      const api = /api=(\d+)/.exec(text), ctl = /control=(\d+)/.exec(text);
      return api && ctl ? { api: +api[1], control: +ctl[1] } : null;
    } catch (_) { return null; }
  });

  // 1. connect: handshake, startApi, managedAccounts + nextValidId, farm notices.
  let ev = [];
  let api = makeClient(ports.api, ev);
  api.connect(11);
  await waitFor("connect", () => find(ev, "nextValidId") && find(ev, "managedAccounts"));
  if (find(ev, "nextValidId")[1] !== 500) fail("connect", "nextValidId " + find(ev, "nextValidId")[1]);
  if (find(ev, "managedAccounts")[1] !== "DU1234567") fail("connect", "accounts " + find(ev, "managedAccounts")[1]);
  await waitFor("farm notices", () => all(ev, "info").length + all(ev, "error", (e) => e[1] === 2104).length >= 1);

  // 2. currentTime.
  api.reqCurrentTime();
  const ct = await waitFor("currentTime", () => find(ev, "currentTime"));
  if (Math.abs(ct[1] - Date.now() / 1000) > 60) fail("currentTime", "time " + ct[1]);

  // 3. contract details for the continuous future on CME -> the front month.
  api.reqContractDetails(1, { symbol: "NQ", secType: SecType.CONTFUT, exchange: "CME", currency: "USD" });
  await waitFor("contractDetails", () => find(ev, "contractDetailsEnd", (e) => e[1] === 1));
  const cd = find(ev, "contractDetails", (e) => e[1] === 1);
  if (!cd) fail("contractDetails", "no details");
  const c = cd[2].contract;
  if (c.secType !== "CONTFUT" || !(c.conId > 0) || !/^NQ[HMUZ]\d$/.test(c.localSymbol) || c.multiplier != 20)
    fail("contractDetails", JSON.stringify(c));
  if (!cd[2].tradingHours || cd[2].minTick !== 0.25) fail("contractDetails", "tradingHours/minTick " + cd[2].minTick);
  const fut = { conId: c.conId, symbol: "NQ", secType: SecType.FUT, exchange: "CME", currency: "USD",
                lastTradeDateOrContractMonth: c.lastTradeDateOrContractMonth };

  // 4. historical 1-minute bars.
  api.reqHistoricalData(2, fut, "", "1800 S", BarSizeSetting.MINUTES_ONE, WhatToShow.TRADES, 0, 2, false);
  await waitFor("historicalData", () => find(ev, "historicalData", (e) => e[1] === 2 && String(e[2]).startsWith("finished")));
  const bars = all(ev, "historicalData", (e) => e[1] === 2 && !String(e[2]).startsWith("finished"));
  if (bars.length < 29 || bars.length > 31) fail("historicalData", bars.length + " bars");
  for (const b of bars) if (!(b[4] >= b[3] && b[4] >= b[6] && b[5] <= b[3] && b[5] <= b[6])) fail("historicalData", "bad OHLC " + b);

  // 5. 5-second real-time bars.
  api.reqRealTimeBars(3, fut, 5, WhatToShow.TRADES, false);
  await waitFor("realtimeBar", () => all(ev, "realtimeBar", (e) => e[1] === 3).length >= 3);
  const rt = all(ev, "realtimeBar", (e) => e[1] === 3);
  if (rt[1][2] - rt[0][2] !== 5) fail("realtimeBar", "bars not 5 s apart: " + rt[0][2] + " " + rt[1][2]);
  const last = rt[rt.length - 1][6];

  // 6. a bracket: parent LMT (transmit false), TP LMT and SL STP children in one OCA group.
  const P = find(ev, "nextValidId")[1];
  const common = { totalQuantity: 1, tif: "GTC", ocaType: 1 };
  api.placeOrder(P, fut, { ...common, orderId: P, action: OrderAction.BUY, orderType: OrderType.LMT,
                           lmtPrice: last + 20, transmit: false, orderRef: "conf:1:entry", ocaType: 0 });
  api.placeOrder(P + 1, fut, { ...common, orderId: P + 1, action: OrderAction.SELL, orderType: OrderType.LMT,
                               lmtPrice: last + 500, parentId: P, ocaGroup: "conf:1", transmit: false, orderRef: "conf:1:tp" });
  api.placeOrder(P + 2, fut, { ...common, orderId: P + 2, action: OrderAction.SELL, orderType: OrderType.STP,
                               auxPrice: last - 500, parentId: P, ocaGroup: "conf:1", transmit: true, orderRef: "conf:1:sl" });
  await waitFor("bracket openOrder", () => [P, P + 1, P + 2].every((id) => find(ev, "openOrder", (e) => e[1] === id)));
  const refs = [P, P + 1, P + 2].map((id) => find(ev, "openOrder", (e) => e[1] === id)[3].orderRef);
  if (refs.join() !== "conf:1:entry,conf:1:tp,conf:1:sl") fail("bracket orderRef", refs.join());
  if (find(ev, "openOrder", (e) => e[1] === P + 2)[3].parentId !== P) fail("bracket parentId", "child parentId");

  // 7. fills: the parent fills on the next bar, with execDetails and commissionReport.
  await waitFor("entry fill", () => find(ev, "orderStatus", (e) => e[1] === P && e[2] === "Filled"));
  const fill = await waitFor("execDetails", () => find(ev, "execDetails", (e) => e[3].orderId === P));
  if (fill[3].orderRef !== "conf:1:entry" || fill[3].side !== "BOT" || fill[3].shares !== 1)
    fail("execDetails", JSON.stringify(fill[3]));
  await waitFor("commissionReport", () => find(ev, "commissionReport", (e) => e[1].execId === fill[3].execId && e[1].commission === 2.25));

  // 8. positions after the entry.
  api.reqPositions();
  await waitFor("positionEnd", () => find(ev, "positionEnd"));
  const pos = find(ev, "position", (e) => e[2].symbol === "NQ");
  if (!pos || pos[3] !== 1) fail("position", pos ? "qty " + pos[3] : "none");

  // 9. the stop triggers; its OCA sibling (take-profit) is cancelled.
  const ctl = await control(ports.control, "price " + (last - 600));
  if (ctl !== "ok") fail("control price", ctl);
  await waitFor("stop fill", () => find(ev, "orderStatus", (e) => e[1] === P + 2 && e[2] === "Filled"));
  await waitFor("OCA cancel", () => find(ev, "orderStatus", (e) => e[1] === P + 1 && e[2] === "Cancelled"));

  // 10. executions since midnight: both fills, each with its orderRef.
  api.reqExecutions(4, {});
  await waitFor("execDetailsEnd", () => find(ev, "execDetailsEnd", (e) => e[1] === 4));
  const execs = all(ev, "execDetails", (e) => e[1] === 4).map((e) => e[3].orderRef).sort();
  if (execs.join() !== "conf:1:entry,conf:1:sl") fail("reqExecutions", execs.join());

  // 11. open orders: nothing left working.
  api.reqOpenOrders();
  await waitFor("openOrderEnd", () => find(ev, "openOrderEnd"));

  // 12. reconnect after the gateway drops every connection.
  await control(ports.control, "drop");
  await waitFor("drop seen", () => find(ev, "disconnected"));
  api.disconnect();
  ev = [];
  api = makeClient(ports.api, ev);
  api.connect(11);
  await waitFor("reconnect", () => find(ev, "nextValidId") && find(ev, "managedAccounts"));
  if (find(ev, "nextValidId")[1] < P + 3) fail("reconnect", "nextValidId went back to " + find(ev, "nextValidId")[1]);
  api.reqPositions();
  await waitFor("positions after reconnect", () => find(ev, "positionEnd"));
  if (find(ev, "position", (e) => e[2].symbol === "NQ" && e[3] !== 0)) fail("positions after reconnect", "still open");

  // 13. a clientId in use is refused with 326.
  await control(ports.control, "clientid-in-use 12");
  const ev2 = [];
  const api2 = makeClient(ports.api, ev2);
  api2.connect(12);
  // stoqey reports id -1 notices through `info`, others through `error`; either carries the code.
  await waitFor("326", () => find(ev2, "error", (e) => e[1] === 326) || find(ev2, "info", (e) => e[1] === 326));
  await waitFor("326 closes the socket", () => find(ev2, "disconnected"));
  api2.disconnect();
  api.disconnect();

  // The simulator's inbound log shows stoqey's placeOrder with the 115-field layout.
  const placed = fs.readFileSync(logFile, "utf8").split("\n").filter((l) => l.startsWith("3|"));
  if (placed.length !== 3) fail("inbound log", placed.length + " placeOrder lines");
  for (const l of placed) {
    const n = l.split("|").length;
    if (n !== 115) fail("inbound log", "placeOrder with " + n + " fields: " + l);
  }
  console.log("conformance: all checks passed (connect, currentTime, contract details, history, " +
              "real-time bars, bracket, fills, commissions, positions, OCA, executions, open orders, " +
              "reconnect, 326)");
  killSim();
  process.exit(0);
}

main().catch((e) => fail("exception", e && e.stack ? e.stack : String(e)));
