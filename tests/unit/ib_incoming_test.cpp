// Decoders of the TWS -> client messages at 176 (ib-api.md §6), built from field lists written
// out from the document, and the robustness rules: truncated, non-numeric or unknown input is an
// error value.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "incoming.hpp"
#include "wire.hpp"

using namespace slob::plugins::ib;

namespace {

std::string payload(const std::vector<std::string>& fields) {
  FieldWriter w;
  for (const auto& f : fields) w.add(f);
  return w.payload();
}

template <typename T>
T decode_as(const std::vector<std::string>& fields) {
  auto r = decode_incoming(payload(fields));
  INFO(r.status().message());
  REQUIRE(r.is_ok());
  REQUIRE(std::holds_alternative<T>(*r));
  return std::get<T>(*r);
}

std::vector<std::string> open_order_fields() {
  // 128 fields for a plain order, indices as in the §6 openOrder table.
  std::vector<std::string> f(128, "");
  f[0] = "5"; f[1] = "1002";
  f[2] = "637533641"; f[3] = "NQ"; f[4] = "FUT"; f[5] = "20260320"; f[6] = "0"; f[7] = "";
  f[8] = "20"; f[9] = "CME"; f[10] = "USD"; f[11] = "NQH6"; f[12] = "NQ";
  f[13] = "SELL"; f[14] = "1"; f[15] = "LMT"; f[16] = "21100.5"; f[17] = "1.7976931348623157E308";
  f[18] = "GTC"; f[19] = "slob:s1"; f[20] = "DU123"; f[21] = ""; f[22] = "0";
  f[23] = "slob:s1:tp"; f[24] = "7"; f[25] = "55501";
  f[58] = "1001";
  f[71] = "0"; f[72] = "0"; f[73] = "0";
  f[82] = "0";
  f[86] = "PreSubmitted";
  f[103] = "0";
  return f;
}

}  // namespace

TEST_CASE("server hello: exactly two fields", "[ib][decode]") {
  auto h = decode_server_hello(payload({"176", "20260106 09:30:00 EST"}));
  REQUIRE(h.is_ok());
  CHECK(h->server_version == 176);
  CHECK(h->connection_time == "20260106 09:30:00 EST");
  CHECK_FALSE(decode_server_hello(payload({"176"})).is_ok());
  CHECK_FALSE(decode_server_hello(payload({"17x", "t"})).is_ok());
}

TEST_CASE("error, nextValidId, managedAccounts, currentTime", "[ib][decode]") {
  const auto e = decode_as<ErrorMsg>({"4", "2", "-1", "2104", "Market data farm connection is OK:usfarm", ""});
  CHECK(e.id == -1);
  CHECK(e.code == 2104);
  CHECK(e.message == "Market data farm connection is OK:usfarm");
  CHECK(decode_as<NextValidId>({"9", "1", "1001"}).order_id == 1001);
  CHECK(decode_as<ManagedAccounts>({"15", "1", "DU123,DU456,"}).accounts ==
        std::vector<std::string>{"DU123", "DU456"});
  CHECK(decode_as<CurrentTime>({"49", "1", "1767711900"}).epoch_seconds == 1767711900);
}

TEST_CASE("contractDetails: 40 fields, expiry with a time is split", "[ib][decode]") {
  std::vector<std::string> f(40, "");
  f[0] = "10"; f[1] = "3"; f[2] = "NQ"; f[3] = "CONTFUT"; f[4] = "20260320 08:30 US/Central";
  f[5] = "0"; f[7] = "CME"; f[8] = "USD"; f[9] = "NQH6"; f[10] = "NQ"; f[11] = "NQ";
  f[12] = "637533641"; f[13] = "0.25"; f[14] = "20"; f[19] = "E-mini Nasdaq-100";
  f[25] = "US/Central"; f[26] = "20260105:1700-20260106:1600;20260107:CLOSED";
  f[30] = "0"; f[35] = "20260320";
  const auto m = decode_as<ContractDetailsMsg>(f);
  CHECK(m.req_id == 3);
  CHECK(m.contract.con_id == 637533641);
  CHECK(m.contract.sec_type == "CONTFUT");
  CHECK(m.contract.last_trade_date == "20260320");
  CHECK(m.contract.local_symbol == "NQH6");
  CHECK(m.contract.multiplier == "20");
  CHECK(m.contract.trading_class == "NQ");
  CHECK(m.min_tick == 0.25);
  CHECK(m.time_zone_id == "US/Central");
  CHECK(m.trading_hours == "20260105:1700-20260106:1600;20260107:CLOSED");
  CHECK(m.real_expiration_date == "20260320");

  // secIdList with one pair shifts the tail by two.
  auto g = f;
  g[30] = "1";
  g.insert(g.begin() + 31, {"ISIN", "X"});
  CHECK(decode_as<ContractDetailsMsg>(g).real_expiration_date == "20260320");
}

TEST_CASE("realtimeBar, historicalData and historicalDataUpdate field orders", "[ib][decode]") {
  const auto rt = decode_as<RealtimeBarMsg>(
      {"50", "3", "6", "1767711900", "21000", "21001.5", "20999.25", "21001", "12", "21000.6", "9"});
  CHECK(rt.req_id == 6);
  CHECK(rt.time == 1767711900);
  CHECK(rt.high == 21001.5);
  CHECK(rt.low == 20999.25);
  CHECK(rt.volume == 12);
  CHECK(rt.count == 9);

  const auto h = decode_as<HistoricalDataMsg>({"17", "5", "20260106 09:00:00", "20260106 10:00:00", "2",
                                               "1767690000", "1", "2", "0.5", "1.5", "100", "1.2", "10",
                                               "1767690060", "1.5", "2.5", "1.25", "2", "50", "-1", "5"});
  REQUIRE(h.bars.size() == 2);
  CHECK(h.bars[0].date == "1767690000");
  CHECK(h.bars[0].low == 0.5);
  CHECK(h.bars[1].close == 2);
  CHECK(h.bars[1].volume == 50);

  const auto u = decode_as<HistoricalDataUpdateMsg>({"90", "5", "3", "1767690120", "10", "11", "12", "9", "10.5", "7"});
  CHECK(u.bar.open == 10);
  CHECK(u.bar.close == 11);
  CHECK(u.bar.high == 12);
  CHECK(u.bar.low == 9);
  CHECK(u.bar.wap == 10.5);
  CHECK(u.bar.volume == 7);
}

TEST_CASE("orderStatus: 12 fields", "[ib][decode]") {
  const auto s = decode_as<OrderStatusMsg>(
      {"3", "1001", "Filled", "1", "0", "21000.25", "55500", "0", "21000.25", "7", "", "0"});
  CHECK(s.order_id == 1001);
  CHECK(s.status == "Filled");
  CHECK(s.filled == 1);
  CHECK(s.avg_fill_price == 21000.25);
  CHECK(s.perm_id == 55500);
}

TEST_CASE("openOrder: 128 fields, orderRef, permId, parentId and status", "[ib][decode]") {
  const auto m = decode_as<OpenOrderMsg>(open_order_fields()).order;
  CHECK(m.order_id == 1002);
  CHECK(m.contract.local_symbol == "NQH6");
  CHECK(m.action == "SELL");
  CHECK(m.quantity == 1);
  CHECK(m.limit_price == 21100.5);
  CHECK_FALSE(m.aux_price.has_value());  // Java max double = unset
  CHECK(m.oca_group == "slob:s1");
  CHECK(m.order_ref == "slob:s1:tp");
  CHECK(m.client_id == 7);
  CHECK(m.perm_id == 55501);
  CHECK(m.parent_id == 1001);
  CHECK(m.status == "PreSubmitted");
}

TEST_CASE("openOrder conditional groups shift the status field", "[ib][decode]") {
  auto f = open_order_fields();
  f[62] = "LMT";  // deltaNeutralOrderType set: 8 more fields after idx 63
  f.insert(f.begin() + 64, 8, "");
  // comboLegs count (was idx 71, now 79) = 1 -> 8 fields
  f[79] = "1";
  f.insert(f.begin() + 80, 8, "x");
  const auto m = decode_as<OpenOrderMsg>(f).order;
  CHECK(m.status == "PreSubmitted");
}

TEST_CASE("execDetails: 31 fields with orderRef", "[ib][decode]") {
  const std::vector<std::string> f = {"11", "-1", "1001", "637533641", "NQ", "FUT", "20260320", "0", "",
                                      "20", "CME", "USD", "NQH6", "NQ", "0000e1a7.6789.01.01",
                                      "20260106 15:25:03 UTC", "DU123", "CME", "BOT", "1", "21000.25",
                                      "55500", "7", "0", "1", "21000.25", "slob:s1:entry", "", "", "", "1"};
  REQUIRE(f.size() == 31);
  const auto e = decode_as<ExecDetailsMsg>(f);
  CHECK(e.req_id == -1);
  CHECK(e.order_id == 1001);
  CHECK(e.exec_id == "0000e1a7.6789.01.01");
  CHECK(e.side == "BOT");
  CHECK(e.shares == 1);
  CHECK(e.price == 21000.25);
  CHECK(e.order_ref == "slob:s1:entry");
  CHECK(e.time == "20260106 15:25:03 UTC");
}

TEST_CASE("commissionReport with max-double unset fields", "[ib][decode]") {
  const auto c = decode_as<CommissionReportMsg>(
      {"59", "1", "0000e1a7.6789.01.01", "2.25", "USD", "1.7976931348623157E308", "1.7976931348623157E308", ""});
  CHECK(c.commission == 2.25);
  CHECK_FALSE(c.realized_pnl.has_value());
}

TEST_CASE("position, account summary and the end markers", "[ib][decode]") {
  const auto p = decode_as<PositionMsg>({"61", "3", "DU123", "637533641", "NQ", "FUT", "20260320", "0", "",
                                         "20", "CME", "USD", "NQH6", "NQ", "-2", "420005"});
  CHECK(p.position == -2);
  CHECK(p.avg_cost == 420005);
  const auto a = decode_as<AccountSummaryMsg>({"63", "1", "9", "DU123", "NetLiquidation", "100000.5", "USD"});
  CHECK(a.tag == "NetLiquidation");
  CHECK(a.value == "100000.5");
  CHECK(decode_as<ContractDetailsEnd>({"52", "1", "3"}).req_id == 3);
  CHECK(decode_as<ExecDetailsEnd>({"55", "1", "8"}).req_id == 8);
  CHECK(decode_as<AccountSummaryEnd>({"64", "1", "9"}).req_id == 9);
  decode_as<OpenOrderEnd>({"53", "1"});
  decode_as<PositionEnd>({"62", "1"});
  decode_as<CompletedOrdersEnd>({"102"});
  CHECK(decode_as<MarketDataTypeMsg>({"58", "1", "6", "3"}).type == 3);
  CHECK(decode_as<Ignored>({"81", "6", "0.25", "", "3"}).id == 81);
}

TEST_CASE("robustness: unknown id, truncation, non-numeric fields are errors", "[ib][decode]") {
  CHECK_FALSE(decode_incoming(payload({"999", "1"})).is_ok());
  CHECK_FALSE(decode_incoming(payload({"abc"})).is_ok());
  CHECK_FALSE(decode_incoming(payload({""})).is_ok());
  CHECK_FALSE(decode_incoming(std::string("9\0" "1\0" "100", 7)).is_ok());  // last field not terminated
  CHECK_FALSE(decode_incoming(payload({"9", "1"})).is_ok());
  CHECK_FALSE(decode_incoming(payload({"9", "1", "10x"})).is_ok());
  CHECK_FALSE(decode_incoming(payload({"3", "1001", "Filled", "one"})).is_ok());
  // A hostile bar count cannot drive an allocation or a loop.
  CHECK_FALSE(decode_incoming(payload({"17", "5", "a", "b", "2000000000"})).is_ok());
  auto f = open_order_fields();
  f.resize(80);
  const auto r = decode_incoming(payload(f));
  REQUIRE_FALSE(r.is_ok());
  CHECK_THAT(r.status().message(), Catch::Contains("openOrder") && Catch::Contains("truncated"));
}
