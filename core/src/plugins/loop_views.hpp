#pragma once

// HostServices::read_view from any thread (sdk/host_services.hpp). The host's views read state
// only the loop thread may touch, so:
//  - on the loop thread the view is read at once;
//  - on any other thread (a plugin's own server thread) the read is posted to the loop and the
//    caller waits for its result, at most `bound`: after it, kUnavailable "the host is busy"
//    (the loop is in a long handler, or not running at all);
//  - after close(), a call off the loop returns kUnavailable at once, and so does every call
//    already waiting.
// close() is what keeps a plugin's stop() from waiting on itself: the host calls it on the loop
// before it stops or destroys the instance, whose stop() may join a thread that waits here for
// the very loop that is running stop().
//
// Threading: read() and close() from any thread. A posted read that nobody waits for any more
// is skipped when its turn comes; one that runs holds no reference to this object (it may be
// gone by then), only the shared wait state.

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "slob/sdk/status.hpp"
#include "slob/sdk/time.hpp"

namespace boost::asio {
class io_context;
}

namespace slob::core {

class LoopViews {
 public:
  using Reader = std::function<sdk::Result<std::string>(std::string_view)>;
  static constexpr sdk::Duration kDefaultBound = std::chrono::seconds(2);

  // `loop_thread` runs `io`; `reader` (unset: no views here) is called on it only.
  LoopViews(boost::asio::io_context& io, std::thread::id loop_thread, Reader reader,
            sdk::Duration bound = kDefaultBound);
  ~LoopViews() { close(); }
  LoopViews(const LoopViews&) = delete;
  LoopViews& operator=(const LoopViews&) = delete;

  sdk::Result<std::string> read(std::string_view view) const;
  void close();

 private:
  struct Waits {
    std::mutex mutex;
    std::condition_variable done;
    bool closed = false;
  };

  boost::asio::io_context& io_;
  std::thread::id loop_thread_;
  Reader reader_;
  sdk::Duration bound_;
  std::shared_ptr<Waits> waits_ = std::make_shared<Waits>();
};

}  // namespace slob::core
