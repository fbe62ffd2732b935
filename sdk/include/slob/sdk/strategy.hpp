#pragma once

// The strategy: completed candles in, setup updates and bracket intents out (ARCHITECTURE §4).
//
// Contract:
// - on_candle() receives completed 1-minute candles in strictly increasing start order;
//   on_hole() tells it a minute had no data (the core never invents a candle).
// - A finished setup appears in exactly one SetupUpdate, whose outcome says how it finished
//   (kComplete or kInvalidated); a complete setup yields exactly one BracketIntent, in the same
//   output. The core counts setups by outcome only: the record's state name is the strategy's
//   own vocabulary, shown to operators, never interpreted.
// - export_state()/import_state() round-trip everything: a new instance that imports the export
//   of another continues every active setup exactly where it was.
// - Called on the loop thread only. Deterministic: the same input gives the same output.

#include <string>
#include <string_view>
#include <vector>

#include "slob/sdk/market.hpp"
#include "slob/sdk/orders.hpp"
#include "slob/sdk/plugin.hpp"
#include "slob/sdk/records.hpp"
#include "slob/sdk/status.hpp"

namespace slob::sdk {

// The strategy asks for an order; the core sizes it, journals it and sends it (or skips it).
struct BracketIntent {
  std::string setup_id;
  Direction direction = Direction::kShort;
  double entry = 0;
  double stop = 0;
  double target = 0;
  Time time;  // start of the candle that triggered it
};

enum class SetupOutcome {
  kActive,       // still developing: later updates follow
  kComplete,     // finished with an entry (its BracketIntent is in the same output)
  kInvalidated,  // finished without one
};

struct SetupUpdate {
  SetupRecord record;  // record.live == false once finished
  SetupOutcome outcome = SetupOutcome::kActive;

  bool finished() const { return outcome != SetupOutcome::kActive; }
};

struct StrategyOutput {
  std::vector<SetupUpdate> updates;  // every setup whose record changed on this input
  std::vector<BracketIntent> intents;

  bool empty() const { return updates.empty() && intents.empty(); }
};

class Strategy : public Plugin {
 public:
  virtual Result<StrategyOutput> on_candle(const Candle& candle) = 0;
  virtual Result<StrategyOutput> on_hole(Time minute_start) = 0;

  virtual Result<std::string> export_state() const = 0;
  // Replaces this instance's state. On failure the instance keeps its previous state.
  virtual Status import_state(std::string_view state) = 0;
};

}  // namespace slob::sdk
