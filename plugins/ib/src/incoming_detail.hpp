#pragma once

// Internal to the decoders (incoming.cpp, incoming_orders.cpp): shared helpers and the order
// decoders' entry points. Not part of the codec's interface.

#include <string>
#include <string_view>

#include "incoming.hpp"
#include "wire.hpp"

namespace slob::plugins::ib {

template <typename T>
sdk::Result<Incoming> finish(FieldReader& r, T value) {
  if (!r.ok()) return r.status();
  return Incoming(std::move(value));
}

// lastTradeDateOrContractMonth may carry a time after a space or '-': keep the date only.
inline std::string split_expiry(std::string_view text) {
  const auto cut = text.find_first_of(" -");
  return std::string(text.substr(0, cut));
}

sdk::Result<Incoming> decode_open_order(FieldReader& r);
sdk::Result<Incoming> decode_completed_order(FieldReader& r);

}  // namespace slob::plugins::ib
