// The lifecycle transition table: every legal move, and every other move refused.

#include <catch2/catch.hpp>

#include <set>
#include <utility>

#include "runtime/lifecycle.hpp"

using slob::core::is_legal_transition;
using slob::core::Lifecycle;
using slob::core::LifecycleState;
using S = LifecycleState;

namespace {

const std::set<std::pair<S, S>>& legal() {
  static const std::set<std::pair<S, S>> table = [] {
    std::set<std::pair<S, S>> t = {
        {S::kStarting, S::kRecovering},     {S::kRecovering, S::kConnecting},
        {S::kRecovering, S::kSafeMode},     {S::kConnecting, S::kReconciling},
        {S::kConnecting, S::kSafeMode},     {S::kReconciling, S::kRunning},
        {S::kReconciling, S::kSafeMode},    {S::kReconciling, S::kReconnecting},
        {S::kRunning, S::kReconnecting},    {S::kRunning, S::kSafeMode},
        {S::kReconnecting, S::kReconciling}, {S::kReconnecting, S::kSafeMode},
        {S::kSafeMode, S::kConnecting},     {S::kDraining, S::kStopped},
        {S::kRunning, S::kReloading},       {S::kSafeMode, S::kReloading},
        {S::kReloading, S::kRunning},       {S::kReloading, S::kSafeMode},
        {S::kReloading, S::kConnecting},
    };
    for (S s : slob::core::kAllLifecycleStates)
      if (s != S::kDraining && s != S::kStopped) t.insert({s, S::kDraining});
    return t;
  }();
  return table;
}

}  // namespace

TEST_CASE("the transition table accepts exactly the designed moves", "[lifecycle]") {
  int legal_count = 0;
  for (S from : slob::core::kAllLifecycleStates) {
    for (S to : slob::core::kAllLifecycleStates) {
      const bool expected = legal().count({from, to}) > 0;
      INFO(slob::core::lifecycle_state_name(from) << " -> " << slob::core::lifecycle_state_name(to));
      CHECK(is_legal_transition(from, to) == expected);
      legal_count += expected;
    }
  }
  CHECK(legal_count == 27);
}

TEST_CASE("illegal transitions are refused and leave the state unchanged", "[lifecycle]") {
  const slob::sdk::Time t0{};
  Lifecycle lc(t0);
  std::vector<std::string> seen;
  lc.add_observer([&](const slob::core::Transition& t) {
    seen.push_back(std::string(slob::core::lifecycle_state_name(t.to)) + ":" + t.reason);
  });
  auto s = lc.transition(S::kRunning, "too early", t0);
  CHECK_FALSE(s.is_ok());
  CHECK(s.message() == "illegal lifecycle transition Starting -> Running (too early)");
  CHECK(lc.state() == S::kStarting);
  CHECK(seen.empty());

  const slob::sdk::Time t1 = t0 + std::chrono::seconds(5);
  REQUIRE(lc.transition(S::kRecovering, "loading", t1).is_ok());
  CHECK(lc.state() == S::kRecovering);
  CHECK(lc.since() == t1);
  CHECK(lc.reason() == "loading");
  REQUIRE(lc.transition(S::kSafeMode, "persisted", t1).is_ok());
  CHECK_FALSE(lc.transition(S::kRunning, "skip reconcile", t1).is_ok());
  REQUIRE(lc.transition(S::kDraining, "SIGTERM", t1).is_ok());
  CHECK_FALSE(lc.transition(S::kDraining, "again", t1).is_ok());
  REQUIRE(lc.transition(S::kStopped, "done", t1).is_ok());
  CHECK_FALSE(lc.transition(S::kDraining, "after stop", t1).is_ok());
  CHECK(seen == std::vector<std::string>{"Recovering:loading", "SafeMode:persisted",
                                         "Draining:SIGTERM", "Stopped:done"});
  CHECK(lc.transition_count() == 4);
}
