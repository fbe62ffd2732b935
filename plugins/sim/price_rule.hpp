#pragma once

// The one rule for a price in the sim, for the bars it replays and the orders it takes: finite,
// above zero, at most kMaxPrice, and a whole number of ticks. A bar that breaks it refuses the
// whole data file (FILE:LINE); an order that breaks it is refused like at the exchange.
//
// Why a ceiling: a price is money once multiplied by the contract multiplier and a quantity. A
// bar at 1e308 is finite, yet its fill made P&L and equity -inf. Below 1e9 a price in ticks, and
// a P&L in cents of any realistic position, stay exact integers in a double (2^53 ≈ 9e15); no
// futures contract has traded near it.

#include <optional>
#include <string>

namespace slob::plugins::sim {

inline constexpr double kMaxPrice = 1e9;

// Why `price` is not a valid price at `tick_size` (> 0), or nullopt when it is.
std::optional<std::string> price_problem(double price, double tick_size);

}  // namespace slob::plugins::sim
