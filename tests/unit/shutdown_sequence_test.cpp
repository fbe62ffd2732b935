// The bounded shutdown on simulated time: ordered steps, per-step timeouts, total timeout,
// abort on a second signal.

#include <catch2/catch.hpp>

#include "runtime/shutdown_sequence.hpp"
#include "runtime/simulated_clock.hpp"
#include "test_host_services.hpp"

using namespace std::chrono_literals;
using slob::core::ShutdownSequence;
using slob::core::ShutdownStep;

namespace {

struct Harness {
  slob::core::SimulatedClock clock;
  slob::test::RecordingLogger log;
  std::optional<int> exited;
  std::optional<bool> finished;
  ShutdownSequence seq{clock, log, [this](int c) { exited = c; }};

  std::vector<std::string> messages(const std::string& id) const {
    std::vector<std::string> out;
    for (const auto& l : log.lines)
      if (l.id == id) out.push_back(l.text);
    return out;
  }
};

ShutdownStep instant(const std::string& name, std::vector<std::string>& ran) {
  return {name, [&ran, name](auto done) {
            ran.push_back(name);
            done();
          }};
}

}  // namespace

TEST_CASE("steps run in order and are logged as i/N", "[shutdown]") {
  Harness h;
  std::vector<std::string> ran;
  h.seq.start({instant("a", ran), instant("b", ran), instant("c", ran)}, 30s, 5s,
              [&](bool clean) { h.finished = clean; });
  h.clock.advance(1ms);
  CHECK(ran == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(h.finished);
  CHECK(*h.finished);
  CHECK(h.messages("SLOB_SHUTDOWN_STEP") ==
        std::vector<std::string>{"shutdown 1/3: a", "shutdown 2/3: b", "shutdown 3/3: c"});
  h.clock.advance(1h);
  CHECK_FALSE(h.exited);  // the total timer was cancelled
}

TEST_CASE("a step that never finishes times out and the rest still run", "[shutdown]") {
  Harness h;
  std::vector<std::string> ran;
  h.seq.start({instant("a", ran), {"hang", [](auto) {}}, instant("c", ran)}, 30s, 5s,
              [&](bool clean) { h.finished = clean; });
  h.clock.advance(4s);
  CHECK_FALSE(h.finished);
  h.clock.advance(2s);
  REQUIRE(h.finished);
  CHECK_FALSE(*h.finished);
  CHECK(ran == std::vector<std::string>{"a", "c"});
  CHECK(h.messages("SLOB_SHUTDOWN_STEP_TIMEOUT") ==
        std::vector<std::string>{"shutdown 2/3: hang did not finish within 5s; moving on"});
}

TEST_CASE("the total timeout exits at once naming what is left undone", "[shutdown]") {
  Harness h;
  std::vector<std::string> ran;
  h.seq.start({{"slow", [](auto) {}}, {"slower", [](auto) {}}, instant("never", ran)}, 7s, 5s,
              [&](bool clean) { h.finished = clean; });
  h.clock.advance(7s);
  REQUIRE(h.exited);
  CHECK(*h.exited == 1);
  CHECK(h.messages("SLOB_SHUTDOWN_TIMEOUT") ==
        std::vector<std::string>{"shutdown_timeout of 7s reached; exiting with code 1; left "
                                 "undone: slower, never"});
}

TEST_CASE("a second signal aborts at once", "[shutdown]") {
  Harness h;
  h.seq.start({{"hang", [](auto) {}}, {"persist", [](auto done) { done(); }}}, 30s, 5s,
              [&](bool clean) { h.finished = clean; });
  h.seq.abort("second signal (SIGTERM)");
  REQUIRE(h.exited);
  CHECK(*h.exited == 1);
  CHECK(h.messages("SLOB_SHUTDOWN_ABORTED") ==
        std::vector<std::string>{"second signal (SIGTERM): exiting at once with code 1; left "
                                 "undone: hang, persist"});
}
