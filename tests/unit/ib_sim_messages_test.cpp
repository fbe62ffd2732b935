// The simulator's server-side encoders decoded by the plugin's decoders: field counts from
// ib-api.md §6 and a full round trip of every order-related message.
#include <catch2/catch.hpp>

#include "incoming.hpp"
#include "server_messages.hpp"
#include "wire.hpp"

using namespace slob;
using namespace slob::plugins::ib;
using namespace slob::tools::ib_gateway_sim;

namespace {

std::size_t count_fields(const std::string& p) {
  auto f = split_fields(p);
  REQUIRE(f.is_ok());
  return f->size();
}

SimOrder order() {
  SimOrder o;
  o.order_id = 101;
  o.client_id = 7;
  o.perm_id = 900000002;
  o.contract.con_id = 600202603;
  o.contract.symbol = "NQ";
  o.contract.sec_type = "FUT";
  o.contract.last_trade_date = "20260320";
  o.contract.multiplier = "20";
  o.contract.exchange = "CME";
  o.contract.currency = "USD";
  o.contract.local_symbol = "NQH6";
  o.contract.trading_class = "NQ";
  o.action = "SELL";
  o.quantity = 1;
  o.order_type = "STP";
  o.aux_price = 20990.5;
  o.tif = "GTC";
  o.oca_group = "slob:s";
  o.oca_type = 1;
  o.account = "DU1";
  o.order_ref = "slob:s:sl";
  o.parent_id = 100;
  o.status = SimOrderStatus::kFilled;
  o.filled = 1;
  o.completed_time = "20260106 10:00:00 UTC";
  return o;
}

}  // namespace

TEST_CASE("openOrder has 128 fields and decodes back", "[ib][sim]") {
  const auto p = msg_open_order(order());
  CHECK(count_fields(p) == 128);
  auto m = decode_incoming(p);
  REQUIRE(m.is_ok());
  const auto& o = std::get<OpenOrderMsg>(*m).order;
  CHECK(o.order_id == 101);
  CHECK(o.order_ref == "slob:s:sl");
  CHECK(o.parent_id == 100);
  CHECK(o.perm_id == 900000002);
  CHECK(o.client_id == 7);
  CHECK(o.aux_price == 20990.5);
  CHECK_FALSE(o.limit_price.has_value());
  CHECK(o.status == "Filled");
  CHECK(o.oca_group == "slob:s");
}

TEST_CASE("completedOrder decodes with status, filled and completed time", "[ib][sim]") {
  auto m = decode_incoming(msg_completed_order(order()));
  REQUIRE(m.is_ok());
  const auto& o = std::get<CompletedOrderMsg>(*m).order;
  CHECK(o.order_ref == "slob:s:sl");
  CHECK(o.perm_id == 900000002);
  CHECK(o.status == "Filled");
  CHECK(o.filled == 1);
  CHECK(o.completed_time == "20260106 10:00:00 UTC");
  CHECK(o.completed_status == "Filled");
}

TEST_CASE("contractDetails has 40 fields, execDetails 31, position 16", "[ib][sim]") {
  FrontMonth fm;
  fm.contract = order().contract;
  fm.time_zone_id = "UTC";
  fm.trading_hours = "20260106:0000-20260107:0000";
  const auto cd = msg_contract_details(3, fm, "CONTFUT");
  CHECK(count_fields(cd) == 40);
  auto m = decode_incoming(cd);
  REQUIRE(m.is_ok());
  CHECK(std::get<ContractDetailsMsg>(*m).contract.con_id == 600202603);
  CHECK(std::get<ContractDetailsMsg>(*m).contract.last_trade_date == "20260320");

  SimExecution e;
  e.exec_id = "x.1";
  e.contract = fm.contract;
  e.epoch_seconds = 1767693600;
  e.side = "BOT";
  e.shares = 1;
  e.price = 21000;
  e.order_ref = "slob:s:entry";
  const auto ed = msg_exec_details(-1, e);
  CHECK(count_fields(ed) == 31);
  auto x = decode_incoming(ed);
  REQUIRE(x.is_ok());
  CHECK(std::get<ExecDetailsMsg>(*x).order_ref == "slob:s:entry");
  CHECK(std::get<ExecDetailsMsg>(*x).time == "20260106 10:00:00 UTC");

  SimPosition pos;
  pos.contract = fm.contract;
  pos.quantity = 1;
  pos.avg_cost = 420000;
  CHECK(count_fields(msg_position(pos)) == 16);
  CHECK(count_fields(msg_order_status(order())) == 12);
  CHECK(count_fields(msg_error(-1, 2104, "ok")) == 6);
}
