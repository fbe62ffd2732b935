#pragma once

// Market data value types. Prices are doubles in the instrument's points (NQ: tick 0.25, which
// doubles represent exactly); times are the bar's own start time from the data source, never the
// time of receipt.

#include <cstdint>

#include "slob/sdk/time.hpp"

namespace slob::sdk {

// What a broker delivers: a bar of any span (5-second real-time bars, 1-minute historical bars)
// or, with span zero, a single trade tick (open = high = low = close = price).
struct Bar {
  Time start;
  Duration span{0};
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;
  bool backfill = false;  // from a historical request, not the live stream
};

// A completed 1-minute candle as the core's candle builder emits it: start aligned to the minute.
struct Candle {
  Time start;
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;

  bool operator==(const Candle&) const = default;
};

}  // namespace slob::sdk
