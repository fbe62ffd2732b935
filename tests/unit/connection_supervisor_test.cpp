// The reconnect policy on simulated time: first attempt at once, then 1 s doubling to 60 s with
// jitter in [d/2, d], attempts bounded, maintenance failures not counted.

#include <catch2/catch.hpp>

#include "runtime/connection_supervisor.hpp"
#include "runtime/simulated_clock.hpp"

using namespace std::chrono_literals;
using slob::core::BackoffPolicy;
using slob::core::ConnectionSupervisor;

namespace {

struct Harness {
  slob::core::SimulatedClock clock;
  std::vector<slob::sdk::Time> attempts;
  std::optional<std::int64_t> exhausted;
  bool maintenance = false;
  ConnectionSupervisor sup;

  explicit Harness(BackoffPolicy p)
      : sup(clock, p,
            {[this](std::int64_t) { attempts.push_back(clock.now()); },
             [this](std::int64_t n) { exhausted = n; }, [this] { return maintenance; }},
            7) {}
  // Fails every attempt as it is made, until `n` attempts or exhaustion.
  void fail_all(std::size_t n) {
    const std::size_t base = attempts.size();
    for (std::size_t i = base; i < base + n && !exhausted; ++i) {
      while (attempts.size() <= i) clock.advance(100ms);
      sup.attempt_failed("refused");
    }
  }
};

}  // namespace

TEST_CASE("backoff doubles from the initial step up to the maximum", "[supervisor]") {
  Harness h({1s, 60s, 10, 5});
  CHECK(h.sup.base_delay(2) == 1s);
  CHECK(h.sup.base_delay(3) == 2s);
  CHECK(h.sup.base_delay(4) == 4s);
  CHECK(h.sup.base_delay(8) == 60s);
  CHECK(h.sup.base_delay(20) == 60s);
}

TEST_CASE("startup: first attempt at once, jittered delays, safe mode after the budget", "[supervisor]") {
  Harness h({1s, 60s, 10, 5});
  h.sup.start_initial();
  REQUIRE(h.attempts.size() == 1);
  CHECK(h.attempts[0] == slob::sdk::Time{});
  h.sup.attempt_failed("refused");
  h.fail_all(9);
  REQUIRE(h.exhausted);
  CHECK(*h.exhausted == 10);
  REQUIRE(h.attempts.size() == 10);
  for (std::size_t i = 1; i < h.attempts.size(); ++i) {
    const auto gap = h.attempts[i] - h.attempts[i - 1];
    const auto base = h.sup.base_delay(static_cast<std::int64_t>(i) + 1);
    INFO("attempt " << i + 1);
    CHECK(gap >= base / 2);
    CHECK(gap <= base + 100ms);  // the harness advances in 100 ms steps
  }
}

TEST_CASE("after a loss the runtime budget applies, success resets it", "[supervisor]") {
  Harness h({1s, 60s, 10, 5});
  h.sup.start_after_loss();  // attempt 1 at once
  h.sup.attempt_failed("refused");
  h.fail_all(1);
  CHECK_FALSE(h.exhausted);
  while (h.attempts.size() < 3) h.clock.advance(100ms);
  h.sup.connected();
  CHECK(h.sup.attempts() == 0);
  h.sup.start_after_loss();
  h.sup.attempt_failed("refused");
  h.fail_all(4);
  REQUIRE(h.exhausted);
  CHECK(*h.exhausted == 5);
}

TEST_CASE("failures inside a maintenance window are retried but not counted", "[supervisor]") {
  Harness h({1s, 4s, 3, 3});
  h.maintenance = true;
  h.sup.start_initial();
  h.sup.attempt_failed("refused");
  h.fail_all(7);
  CHECK_FALSE(h.exhausted);
  CHECK(h.attempts.size() == 8);
  h.maintenance = false;
  h.fail_all(11);
  REQUIRE(h.exhausted);
  CHECK(*h.exhausted == 3);
}

TEST_CASE("slow retry keeps trying at the maximum step forever", "[supervisor]") {
  Harness h({1s, 10s, 1, 1});
  h.sup.retry_slowly();
  h.fail_all(6);
  CHECK_FALSE(h.exhausted);
  REQUIRE(h.attempts.size() == 6);
  for (std::size_t i = 1; i < h.attempts.size(); ++i) CHECK(h.attempts[i] - h.attempts[i - 1] >= 5s);
  h.sup.cancel();
  h.clock.advance(1h);
  CHECK(h.attempts.size() == 6);
}

TEST_CASE("a fatal failure (clientId in use) backs off to the maximum step, not the doubling one", "[supervisor]") {
  Harness h({1s, 30s, 4, 4});
  h.sup.start_initial();
  for (int i = 0; i < 3; ++i) {
    REQUIRE(h.attempts.size() == static_cast<std::size_t>(i + 1));
    h.sup.attempt_failed("clientId 7 already in use (326)", /*fatal=*/true);
    while (h.attempts.size() == static_cast<std::size_t>(i + 1)) h.clock.advance(100ms);
    const auto gap = h.attempts[i + 1] - h.attempts[i];
    INFO("attempt " << i + 2);
    CHECK(gap >= 15s);  // [max/2, max], where the doubling step would be 1 s, 2 s, 4 s
    CHECK(gap <= 30s + 100ms);
  }
  h.sup.attempt_failed("clientId 7 already in use (326)", true);
  REQUIRE(h.exhausted);
  CHECK(*h.exhausted == 4);
  CHECK(h.sup.last_failure() == "clientId 7 already in use (326)");
}
