#include "bracket.hpp"

#include <set>

namespace slob::plugins::ib {
namespace {

std::string action_for(sdk::Side s) { return s == sdk::Side::kBuy ? "BUY" : "SELL"; }

OrderFields leg_fields(const sdk::OrderLeg& leg, std::int64_t quantity, const LegDefaults& d) {
  OrderFields f;
  f.action = action_for(leg.side);
  f.quantity = quantity;
  f.tif = d.tif;
  f.account = d.account;
  f.order_ref = leg.client_ref;
  f.outside_rth = d.outside_rth;  // children do not inherit it: set on every leg
  switch (leg.type) {
    case sdk::OrderType::kLimit:
      f.order_type = "LMT";
      f.limit_price = leg.price;
      break;
    case sdk::OrderType::kStop:
      f.order_type = "STP";
      f.aux_price = leg.price;
      break;
    case sdk::OrderType::kMarket:
      f.order_type = "MKT";
      break;
  }
  return f;
}

}  // namespace

std::string oca_group_for(const std::string& setup_id) {
  return std::string(sdk::kClientRefPrefix) + setup_id;
}

sdk::Result<std::vector<PlacedLeg>> build_bracket(const sdk::BracketOrder& o, const LegDefaults& d,
                                                  std::int64_t min_order_id) {
  const std::string what = "bracket " + o.setup_id + ": ";
  if (o.quantity <= 0) return sdk::Status::invalid_argument(what + "quantity must be positive");
  const sdk::OrderLeg* legs[] = {&o.entry, &o.take_profit, &o.stop_loss};
  std::set<std::int64_t> ids;
  for (const auto* leg : legs) {
    if (leg->client_ref.empty()) return sdk::Status::invalid_argument(what + "a leg has no client reference");
    if (leg->broker_order_id < min_order_id) {
      return sdk::Status::invalid_argument(what + "order id " + std::to_string(leg->broker_order_id) +
                                           " of " + leg->client_ref + " is below the next usable id " +
                                           std::to_string(min_order_id) + " (ids are never reused)");
    }
    if (!ids.insert(leg->broker_order_id).second) {
      return sdk::Status::invalid_argument(what + "order ids must be distinct");
    }
    if (leg->type != sdk::OrderType::kMarket && !(leg->price > 0)) {
      return sdk::Status::invalid_argument(what + leg->client_ref + " needs a positive price");
    }
  }
  const sdk::Side entry_side = o.direction == sdk::Direction::kLong ? sdk::Side::kBuy : sdk::Side::kSell;
  const sdk::Side exit_side = entry_side == sdk::Side::kBuy ? sdk::Side::kSell : sdk::Side::kBuy;
  if (o.entry.side != entry_side || o.take_profit.side != exit_side || o.stop_loss.side != exit_side) {
    return sdk::Status::invalid_argument(what + "leg sides do not match the direction");
  }
  if (o.take_profit.type != sdk::OrderType::kLimit || o.stop_loss.type != sdk::OrderType::kStop ||
      o.entry.type == sdk::OrderType::kMarket) {
    return sdk::Status::invalid_argument(what + "expects a limit/stop entry, a limit take-profit and a stop stop-loss");
  }
  const bool long_side = entry_side == sdk::Side::kBuy;
  if (long_side ? !(o.take_profit.price > o.entry.price && o.stop_loss.price < o.entry.price)
                : !(o.take_profit.price < o.entry.price && o.stop_loss.price > o.entry.price)) {
    return sdk::Status::invalid_argument(what + "take-profit and stop-loss must lie on either side of the entry");
  }

  std::vector<PlacedLeg> out;
  const std::int64_t parent = o.entry.broker_order_id;
  PlacedLeg entry{parent, &o.entry, leg_fields(o.entry, o.quantity, d)};
  entry.fields.transmit = false;
  entry.fields.parent_id = 0;
  out.push_back(entry);
  for (const sdk::OrderLeg* leg : {&o.take_profit, &o.stop_loss}) {
    PlacedLeg child{leg->broker_order_id, leg, leg_fields(*leg, o.quantity, d)};
    child.fields.parent_id = parent;
    child.fields.oca_group = oca_group_for(o.setup_id);
    child.fields.oca_type = 1;
    child.fields.transmit = leg == &o.stop_loss;  // the last leg releases all three
    out.push_back(child);
  }
  return out;
}

}  // namespace slob::plugins::ib
