#pragma once

// Turns a host bracket into IB's three placeOrder legs (ib-api.md §5.2): the parent limit (or
// stop) entry with transmit=0, the take-profit limit and the stop-loss stop as children with
// parentId, both children in one OCA group (type 1), and only the last leg transmitting, so a
// crash between legs leaves nothing live. Every leg carries its client reference in orderRef.
//
// Threading: none; pure.

#include <cstdint>
#include <string>
#include <vector>

#include "outgoing.hpp"
#include "slob/sdk/orders.hpp"
#include "slob/sdk/status.hpp"

namespace slob::plugins::ib {

struct PlacedLeg {
  std::int64_t order_id = 0;
  const sdk::OrderLeg* leg = nullptr;
  OrderFields fields;
};

struct LegDefaults {
  std::string tif = "GTC";
  bool outside_rth = true;
  std::string account;
};

// Validates the bracket (positive quantity, distinct positive ids rising entry < tp < sl or any
// distinct order, above `min_order_id`, prices on the right side of the entry) and builds the legs
// in sending order: entry, take-profit, stop-loss.
sdk::Result<std::vector<PlacedLeg>> build_bracket(const sdk::BracketOrder& order, const LegDefaults& defaults,
                                                  std::int64_t min_order_id);

// The OCA group name of a bracket's children: unique per setup.
std::string oca_group_for(const std::string& setup_id);

}  // namespace slob::plugins::ib
