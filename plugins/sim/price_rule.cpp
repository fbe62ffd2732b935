#include "price_rule.hpp"

#include <cmath>
#include <sstream>

namespace slob::plugins::sim {
namespace {

std::string shown(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

}  // namespace

std::optional<std::string> price_problem(double price, double tick_size) {
  if (!std::isfinite(price) || price <= 0) return shown(price) + " is not a positive price";
  if (price > kMaxPrice) return shown(price) + " is above the largest price accepted, " + shown(kMaxPrice);
  const double ticks = price / tick_size;
  if (std::fabs(ticks - std::round(ticks)) > 1e-6)
    return shown(price) + " is not a multiple of the tick size " + shown(tick_size);
  return std::nullopt;
}

}  // namespace slob::plugins::sim
