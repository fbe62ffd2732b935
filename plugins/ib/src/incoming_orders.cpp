// Decoders of openOrder (5) and completedOrder (101) at 176: long sequential layouts with
// conditional groups, read up to the last field the connector needs.
#include <string>

#include "incoming_detail.hpp"
#include "wire.hpp"

namespace slob::plugins::ib {
namespace {

// The 11-field contract of openOrder/completedOrder (no primaryExchange).
void read_order_contract(FieldReader& r, Contract& c) {
  c.con_id = r.int_or(0);
  c.symbol = r.str();
  c.sec_type = r.str();
  c.last_trade_date = split_expiry(r.view());
  c.strike = r.opt_double();
  c.right = r.str();
  c.multiplier = r.str();
  c.exchange = r.str();
  c.currency = r.str();
  c.local_symbol = r.str();
  c.trading_class = r.str();
}

void read_order_head(FieldReader& r, OrderMsg& o) {
  o.action = r.str();
  o.quantity = r.double_or(0);
  o.order_type = r.str();
  o.limit_price = r.opt_double();
  o.aux_price = r.opt_double();
  o.tif = r.str();
  o.oca_group = r.str();
  o.account = r.str();
  r.skip(2);  // openClose, origin
  o.order_ref = r.str();
}

// volatility .. deltaNeutralAuxPrice [+ delta-neutral block]. `dn_fields` differs between
// openOrder (8) and completedOrder (4: conId, shortSale, shortSaleSlot, designatedLocation).
void read_vol_params(FieldReader& r, std::size_t dn_fields) {
  r.skip(2);  // volatility, volatilityType
  const bool has_dn = !r.view().empty();
  r.skip(1);  // deltaNeutralAuxPrice
  if (has_dn) r.skip(dn_fields);
}

void read_combo_and_scale(FieldReader& r) {
  r.skip(8 * r.count(8));  // comboLegs
  r.skip(r.count(1));      // orderComboLegs
  r.skip(2 * r.count(2));  // smartComboRoutingParams
  r.skip(2);               // scaleInitLevelSize, scaleSubsLevelSize
  const auto increment = r.opt_double();
  if (increment && *increment > 0) r.skip(7);
  if (!r.view().empty()) r.skip(1);  // hedgeType [+ hedgeParam]
}

void read_algo(FieldReader& r) {
  if (!r.view().empty()) r.skip(2 * r.count(2));  // algoStrategy [+ params]
}

}  // namespace

sdk::Result<Incoming> decode_open_order(FieldReader& r) {
  OrderMsg o;
  o.order_id = r.int_or(0);
  read_order_contract(r, o.contract);
  read_order_head(r, o);
  o.client_id = r.int_or(0);
  o.perm_id = r.int_or(0);
  r.skip(5);  // outsideRth, hidden, discretionaryAmt, goodAfterTime, sharesAllocation
  r.skip(4);  // faGroup, faMethod, faPercentage, faProfile (below 177)
  r.skip(5);  // modelCode, goodTillDate, rule80A, percentOffset, settlingFirm
  r.skip(3);  // shortSaleSlot, designatedLocation, exemptCode
  r.skip(6);  // auctionStrategy, startingPrice, stockRefPrice, delta, stockRange*
  r.skip(6);  // displaySize, blockOrder, sweepToFill, allOrNone, minQty, ocaType
  r.skip(3);  // eTradeOnly, firmQuoteOnly, nbboPriceCap
  o.parent_id = r.int_or(0);
  r.skip(1);  // triggerMethod
  read_vol_params(r, 8);
  r.skip(4);  // continuousUpdate, referencePriceType, trailStopPrice, trailingPercent
  r.skip(3);  // basisPoints, basisPointsType, comboLegsDescrip
  read_combo_and_scale(r);
  r.skip(4);  // optOutSmartRouting, clearingAccount, clearingIntent, notHeld
  if (r.boolean()) r.skip(3);  // deltaNeutralContract
  read_algo(r);
  r.skip(2);  // solicited, whatIf
  o.status = r.str();
  r.skip(9);  // margin before/change/after
  r.skip(4);  // commission, min, max, currency
  o.warning_text = r.str();
  return finish(r, OpenOrderMsg{std::move(o)});
}

sdk::Result<Incoming> decode_completed_order(FieldReader& r) {
  // Layout of IB's EOrderDecoder for completed orders at 176 (no order id, no clientId).
  OrderMsg o;
  read_order_contract(r, o.contract);
  read_order_head(r, o);
  o.perm_id = r.int_or(0);
  r.skip(4);  // outsideRth, hidden, discretionaryAmt, goodAfterTime
  r.skip(4);  // faGroup, faMethod, faPercentage, faProfile
  r.skip(5);  // modelCode, goodTillDate, rule80A, percentOffset, settlingFirm
  r.skip(3);  // shortSaleSlot, designatedLocation, exemptCode
  r.skip(3);  // startingPrice, stockRefPrice, delta
  r.skip(2);  // stockRangeLower, stockRangeUpper
  r.skip(6);  // displaySize, sweepToFill, allOrNone, minQty, ocaType, triggerMethod
  read_vol_params(r, 4);
  r.skip(2);  // continuousUpdate, referencePriceType
  r.skip(2);  // trailStopPrice, trailingPercent
  r.skip(1);  // comboLegsDescrip
  read_combo_and_scale(r);
  r.skip(3);  // clearingAccount, clearingIntent, notHeld
  if (r.boolean()) r.skip(3);
  read_algo(r);
  r.skip(1);  // solicited
  o.status = r.str();
  r.skip(2);  // randomizeSize, randomizePrice
  if (o.order_type == "PEG BENCH") r.skip(5);
  const auto conditions = r.count(1);
  if (!r.ok()) return r.status();
  if (conditions > 0) {
    // Conditions have per-type layouts the connector does not model; the fields it needs are
    // all read, so stop here rather than guess.
    return Incoming(CompletedOrderMsg{std::move(o)});
  }
  r.skip(2);  // trailStopPrice, lmtPriceOffset
  r.skip(4);  // cashQty, dontUseAutoPriceForHedge, isOmsContainer, autoCancelDate
  o.filled = r.opt_double();
  r.skip(6);  // refFuturesConId, autoCancelParent, shareholder, imbalanceOnly, routeToBbo, parentPermId
  o.completed_time = r.str();
  o.completed_status = r.str();
  return finish(r, CompletedOrderMsg{std::move(o)});
}

}  // namespace slob::plugins::ib
