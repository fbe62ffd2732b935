// Golden tests of the encoders against the field lists of ib-api.md §5 (server version 176).
// The expected lists are written out from the document's tables, index by index, so a shifted
// or missing field fails here rather than at a real gateway.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "outgoing.hpp"
#include "wire.hpp"

using namespace slob::plugins::ib;

namespace {

std::vector<std::string> fields_of(const Payload& p) {
  REQUIRE(p.is_ok());
  auto f = split_fields(*p);
  REQUIRE(f.is_ok());
  return {f->begin(), f->end()};
}

Contract nq_future() {
  Contract c;
  c.con_id = 637533641;
  c.symbol = "NQ";
  c.sec_type = "FUT";
  c.last_trade_date = "20260320";
  c.multiplier = "20";
  c.exchange = "CME";
  c.currency = "USD";
  c.local_symbol = "NQH6";
  c.trading_class = "NQ";
  return c;
}

const std::vector<std::string> kNqBlock = {"637533641", "NQ", "FUT", "20260320", "", "", "20",
                                           "CME", "", "USD", "NQH6", "NQ"};

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("startApi: 71, 2, clientId, capabilities", "[ib][golden]") {
  CHECK(fields_of(encode_start_api(7)) == std::vector<std::string>{"71", "2", "7", ""});
}

TEST_CASE("simple requests", "[ib][golden]") {
  CHECK(fields_of(encode_req_current_time()) == std::vector<std::string>{"49", "1"});
  CHECK(fields_of(encode_req_ids()) == std::vector<std::string>{"8", "1", "1"});
  CHECK(fields_of(encode_req_managed_accts()) == std::vector<std::string>{"17", "1"});
  CHECK(fields_of(encode_cancel_historical_data(4)) == std::vector<std::string>{"25", "1", "4"});
  CHECK(fields_of(encode_cancel_real_time_bars(4)) == std::vector<std::string>{"51", "1", "4"});
  CHECK(fields_of(encode_cancel_mkt_data(4)) == std::vector<std::string>{"2", "2", "4"});
  CHECK(fields_of(encode_req_market_data_type(3)) == std::vector<std::string>{"59", "1", "3"});
  CHECK(fields_of(encode_req_open_orders()) == std::vector<std::string>{"5", "1"});
  CHECK(fields_of(encode_req_all_open_orders()) == std::vector<std::string>{"16", "1"});
  CHECK(fields_of(encode_req_completed_orders(false)) == std::vector<std::string>{"99", "0"});
  CHECK(fields_of(encode_req_positions()) == std::vector<std::string>{"61", "1"});
  CHECK(fields_of(encode_cancel_positions()) == std::vector<std::string>{"64", "1"});
  CHECK(fields_of(encode_cancel_account_summary(9)) == std::vector<std::string>{"63", "1", "9"});
}

TEST_CASE("reqContractDetails: 19 fields, CONTFUT NQ on CME", "[ib][golden]") {
  Contract c;
  c.symbol = "NQ";
  c.sec_type = "CONTFUT";
  c.exchange = "CME";
  c.currency = "USD";
  const auto f = fields_of(encode_req_contract_details(3, c));
  CHECK(f.size() == 19);
  CHECK(f == std::vector<std::string>{"9", "8", "3", "0", "NQ", "CONTFUT", "", "", "", "", "CME", "",
                                      "USD", "", "", "0", "", "", ""});
}

TEST_CASE("reqHistoricalData: 23 fields, bar size before duration", "[ib][golden]") {
  HistoricalRequest r;
  r.bar_size = "1 min";
  r.duration = "3600 S";
  r.keep_up_to_date = true;
  const auto f = fields_of(encode_req_historical_data(5, nq_future(), r));
  CHECK(f.size() == 23);
  const auto expected = concat(concat({"20", "5"}, kNqBlock),
                               {"0", "", "1 min", "3600 S", "0", "TRADES", "2", "1", ""});
  CHECK(f == expected);
}

TEST_CASE("reqRealTimeBars: 19 fields, 5-second TRADES", "[ib][golden]") {
  const auto f = fields_of(encode_req_real_time_bars(6, nq_future(), "TRADES", false));
  CHECK(f.size() == 19);
  CHECK(f == concat(concat({"50", "3", "6"}, kNqBlock), {"5", "TRADES", "0", ""}));
}

TEST_CASE("reqMktData: 20 fields", "[ib][golden]") {
  const auto f = fields_of(encode_req_mkt_data(7, nq_future(), "", false));
  CHECK(f.size() == 20);
  CHECK(f == concat(concat({"1", "11", "7"}, kNqBlock), {"0", "", "0", "0", ""}));
}

TEST_CASE("cancelOrder: 4 fields with manualOrderCancelTime", "[ib][golden]") {
  CHECK(fields_of(encode_cancel_order(1001)) == std::vector<std::string>{"4", "1", "1001", ""});
}

TEST_CASE("reqExecutions: 10 fields", "[ib][golden]") {
  ExecutionFilter f;
  f.time = "20260106-00:00:00";
  f.symbol = "NQ";
  CHECK(fields_of(encode_req_executions(8, f)) ==
        std::vector<std::string>{"7", "3", "8", "0", "", "20260106-00:00:00", "NQ", "", "", ""});
}

TEST_CASE("reqAccountSummary: 5 fields", "[ib][golden]") {
  CHECK(fields_of(encode_req_account_summary(9, "All", "NetLiquidation")) ==
        std::vector<std::string>{"62", "1", "9", "All", "NetLiquidation"});
}

TEST_CASE("placeOrder: the exact 115-field layout of §5.1", "[ib][golden]") {
  OrderFields o;
  o.action = "SELL";
  o.quantity = 2;
  o.order_type = "STP";
  o.aux_price = 21010.5;
  o.tif = "GTC";
  o.oca_group = "slob:s1";
  o.oca_type = 1;
  o.account = "DU123";
  o.order_ref = "slob:s1:sl";
  o.transmit = true;
  o.parent_id = 1001;
  o.outside_rth = true;
  const auto f = fields_of(encode_place_order(1003, nq_future(), o));
  REQUIRE(f.size() == 115);

  std::vector<std::string> e(115, "");
  e[0] = "3";
  e[1] = "1003";
  for (std::size_t i = 0; i < 12; ++i) e[2 + i] = kNqBlock[i];
  e[16] = "SELL"; e[17] = "2"; e[18] = "STP"; e[19] = ""; e[20] = "21010.5";
  e[21] = "GTC"; e[22] = "slob:s1"; e[23] = "DU123";
  e[24] = ""; e[25] = "0"; e[26] = "slob:s1:sl";
  e[27] = "1"; e[28] = "1001";
  e[29] = "0"; e[30] = "0"; e[31] = "0"; e[32] = "0"; e[33] = "1"; e[34] = "0";
  e[36] = "0";
  e[44] = "0"; e[46] = "-1";
  e[47] = "1";
  e[53] = "0"; e[54] = "0";
  e[56] = "0";
  e[62] = "0";
  e[67] = "0";
  e[78] = "0"; e[81] = "0";
  e[82] = "0";
  e[85] = "0"; e[87] = "0"; e[88] = "0"; e[89] = "0";
  e[90] = "0";
  e[97] = "0";
  e[106] = "0"; e[107] = "0"; e[108] = "0";
  e[112] = "0";
  for (std::size_t i = 0; i < 115; ++i) {
    INFO("placeOrder field " << i);
    CHECK(f[i] == e[i]);
  }
}

TEST_CASE("placeOrder parent: limit price set, transmit 0, no parent", "[ib][golden]") {
  OrderFields o;
  o.action = "BUY";
  o.quantity = 1;
  o.order_type = "LMT";
  o.limit_price = 21000.25;
  o.order_ref = "slob:s1:entry";
  o.transmit = false;
  const auto f = fields_of(encode_place_order(1001, nq_future(), o));
  REQUIRE(f.size() == 115);
  CHECK(f[18] == "LMT");
  CHECK(f[19] == "21000.25");
  CHECK(f[20] == "");
  CHECK(f[26] == "slob:s1:entry");
  CHECK(f[27] == "0");
  CHECK(f[28] == "0");
}

TEST_CASE("encoders refuse non-printable text instead of sending it", "[ib][golden]") {
  OrderFields o;
  o.action = "BUY";
  o.order_type = "LMT";
  o.order_ref = std::string("bad\0ref", 7);
  const auto p = encode_place_order(1, nq_future(), o);
  REQUIRE_FALSE(p.is_ok());
  CHECK(p.status().code() == slob::sdk::StatusCode::kInvalidArgument);
}
