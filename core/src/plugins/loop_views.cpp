#include "plugins/loop_views.hpp"

#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace slob::core {

LoopViews::LoopViews(boost::asio::io_context& io, std::thread::id loop_thread, Reader reader,
                     sdk::Duration bound)
    : io_(io), loop_thread_(loop_thread), reader_(std::move(reader)), bound_(bound) {}

sdk::Result<std::string> LoopViews::read(std::string_view view) const {
  if (!reader_) return sdk::Status::unavailable("no host views in this command");
  if (std::this_thread::get_id() == loop_thread_) return reader_(view);

  // One call's result, guarded by waits_->mutex. `wanted` turns false when the caller gave up.
  struct Call {
    std::optional<sdk::Result<std::string>> result;
    bool wanted = true;
  };
  auto call = std::make_shared<Call>();
  {
    std::lock_guard lock(waits_->mutex);
    if (waits_->closed) return sdk::Status::unavailable("the plugin is stopping");
  }
  boost::asio::post(io_, [waits = waits_, call, reader = reader_, name = std::string(view)] {
    {
      std::lock_guard lock(waits->mutex);
      if (!call->wanted) return;
    }
    auto result = reader(name);  // on the loop, without the lock: it may take a while
    std::lock_guard lock(waits->mutex);
    call->result = std::move(result);
    waits->done.notify_all();
  });
  std::unique_lock lock(waits_->mutex);
  waits_->done.wait_for(lock, bound_, [&] { return call->result || waits_->closed; });
  call->wanted = false;
  if (call->result) return std::move(*call->result);
  if (waits_->closed) return sdk::Status::unavailable("the plugin is stopping");
  return sdk::Status::unavailable("the host is busy (no answer from its loop within " +
                                  sdk::format_duration(bound_) + ")");
}

void LoopViews::close() {
  std::lock_guard lock(waits_->mutex);
  waits_->closed = true;
  waits_->done.notify_all();
}

}  // namespace slob::core
