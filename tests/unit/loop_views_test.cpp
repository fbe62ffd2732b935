// LoopViews (core/src/plugins/loop_views.hpp): HostServices::read_view from any thread. A read
// off the loop runs on the loop; a loop that does not answer is waited for only as long as the
// bound; close() ends every wait at once.

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "plugins/loop_views.hpp"

using namespace std::chrono_literals;
using slob::core::LoopViews;

namespace {

// An io_context run by a thread of its own until destroyed.
struct RunningLoop {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work =
      boost::asio::make_work_guard(io);
  std::thread thread{[this] { io.run(); }};
  ~RunningLoop() {
    work.reset();
    io.stop();
    thread.join();
  }
};

// A thread that runs no loop, alive until the test ends (so its id is nobody else's).
struct OtherThread {
  std::promise<void> release;
  std::thread thread{[done = release.get_future()] { done.wait(); }};
  ~OtherThread() {
    release.set_value();
    thread.join();
  }
  std::thread::id id() const { return thread.get_id(); }
};

}  // namespace

TEST_CASE("loop views: a read from another thread runs on the loop thread", "[loop_views]") {
  RunningLoop loop;
  std::atomic<std::thread::id> ran_on{};
  LoopViews views(loop.io, loop.thread.get_id(), [&](std::string_view name) -> slob::sdk::Result<std::string> {
    ran_on = std::this_thread::get_id();
    return "{\"view\":\"" + std::string(name) + "\"}";
  });
  const auto r = views.read("status");
  REQUIRE(r);
  CHECK(*r == "{\"view\":\"status\"}");
  CHECK(ran_on.load() == loop.thread.get_id());
  CHECK(ran_on.load() != std::this_thread::get_id());
}

TEST_CASE("loop views: on the loop thread the view is read at once", "[loop_views]") {
  boost::asio::io_context io;  // not running: a posted read would never run
  int calls = 0;
  LoopViews views(io, std::this_thread::get_id(), [&](std::string_view) -> slob::sdk::Result<std::string> {
    ++calls;
    return std::string("{}");
  });
  CHECK(views.read("status"));
  CHECK(calls == 1);
}

TEST_CASE("loop views: a loop that does not answer within the bound is the host being busy",
          "[loop_views]") {
  boost::asio::io_context io;  // nobody runs it
  OtherThread loop_thread;
  int calls = 0;
  LoopViews views(io, loop_thread.id(),
                  [&](std::string_view) -> slob::sdk::Result<std::string> {
                    ++calls;
                    return std::string("{}");
                  },
                  50ms);
  const auto r = views.read("status");
  REQUIRE_FALSE(r);
  CHECK(r.status().code() == slob::sdk::StatusCode::kUnavailable);
  CHECK(r.status().message().find("the host is busy") != std::string::npos);
  io.poll();  // the abandoned read, when the loop gets to it, is skipped
  CHECK(calls == 0);
}

TEST_CASE("loop views: close() ends a wait at once and answers later calls at once",
          "[loop_views]") {
  boost::asio::io_context io;  // nobody runs it: only close() can end the wait
  OtherThread loop_thread;
  LoopViews views(io, loop_thread.id(),
                  [](std::string_view) -> slob::sdk::Result<std::string> { return std::string("{}"); },
                  std::chrono::hours(1));
  auto waiting = std::async(std::launch::async, [&] { return views.read("status"); });
  views.close();
  REQUIRE(waiting.wait_for(10s) == std::future_status::ready);
  const auto r = waiting.get();
  REQUIRE_FALSE(r);
  CHECK(r.status().message() == "the plugin is stopping");
  CHECK(views.read("status").status().message() == "the plugin is stopping");
}

TEST_CASE("loop views: without a reader (offline commands) every view is unavailable",
          "[loop_views]") {
  boost::asio::io_context io;
  LoopViews views(io, std::this_thread::get_id(), nullptr);
  CHECK(views.read("status").status().code() == slob::sdk::StatusCode::kUnavailable);
}
