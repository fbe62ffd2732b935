// IbBroker: gateway errors and notices, and what they mean for each channel's health
// (ib-api.md §7): connectivity 1100/1101/1102/2110, farm notices, 326, 1300, pacing, and errors
// that belong to a request or an order.
#include "ib_broker.hpp"

namespace slob::plugins::ib {

void IbBroker::feed_health(bool healthy, const std::string& reason) {
  if (phase_ != Phase::kReady) return;
  emit(sdk::Channel::kMarketData, healthy && !farm_degraded_ ? sdk::Health::kUp : sdk::Health::kDegraded, reason);
}

void IbBroker::handle_error(const ErrorMsg& e) {
  const std::string text = std::to_string(e.code) + " (id " + std::to_string(e.id) + "): " + e.message;
  switch (e.code) {
    case 326:
      saw_326_ = true;
      host_.logger().error("SLOB_IB_CLIENT_ID_IN_USE", text);
      return;
    case 1100:
    case 2110:
      orders_offline_ = true;
      host_.logger().warn("SLOB_IB_ORDERS_OFFLINE", text);
      emit(sdk::Channel::kOrders, sdk::Health::kDegraded, "IB connectivity lost (" + std::to_string(e.code) + "); no new orders");
      emit(sdk::Channel::kMarketData, sdk::Health::kDegraded, "IB connectivity lost (" + std::to_string(e.code) + ")");
      return;
    case 1101:
      orders_offline_ = false;
      host_.logger().warn("SLOB_IB_RESTORED_DATA_LOST", text);
      emit(sdk::Channel::kOrders, sdk::Health::kUp, "IB connectivity restored (1101)");
      feed_.resubscribe();
      emit(sdk::Channel::kMarketData, farm_degraded_ ? sdk::Health::kDegraded : sdk::Health::kUp,
           "restored with data lost (1101): resubscribed", false, true);
      return;
    case 1102:
      orders_offline_ = false;
      host_.logger().info("SLOB_IB_RESTORED", text);
      emit(sdk::Channel::kOrders, sdk::Health::kUp, "IB connectivity restored (1102)");
      feed_.verify();
      emit(sdk::Channel::kMarketData, farm_degraded_ ? sdk::Health::kDegraded : sdk::Health::kUp,
           "restored, data maintained (1102)");
      return;
    case 2103:
    case 2105:
      farm_degraded_ = true;
      host_.logger().warn("SLOB_IB_FARM_DEGRADED", text);
      emit(sdk::Channel::kMarketData, sdk::Health::kDegraded, e.message);
      return;
    case 2104:
    case 2106:
    case 2158:
      host_.logger().info("SLOB_IB_FARM_OK", text);
      if (farm_degraded_) {
        farm_degraded_ = false;
        if (phase_ == Phase::kReady && feed_.running() && !orders_offline_)
          emit(sdk::Channel::kMarketData, sdk::Health::kUp, e.message);
      }
      return;
    case 2107:
    case 2108:
      host_.logger().info("SLOB_IB_FARM_INACTIVE", text);
      return;
    case 1300:
      host_.logger().error("SLOB_IB_CONNECTION_LOST", text);
      lose("TWS socket port changed (1300)", false);
      return;
    case 100:
      host_.logger().error("SLOB_IB_PACING_VIOLATION", text);
      return;
    default:
      break;
  }
  if (e.id > 0 && feed_.on_error(e.id, e.code, e.message)) return;
  if (e.id > 0 && e.id == contract_req_id_) {
    host_.logger().error("SLOB_IB_CONTRACT_NOT_FOUND", text);
    return;  // contractDetailsEnd will not come; the request timeout retries
  }
  if (e.id > 0 && tracker_.knows(e.id)) {
    if (auto r = tracker_.on_error(e.id, e.code, e.message)) {
      host_.logger().warn("SLOB_IB_ORDER_ERROR", text);
      if (listener_) listener_->on_order(*r);
      return;
    }
  }
  if (e.code >= 2100 && e.code <= 2199) host_.logger().info("SLOB_IB_GATEWAY_NOTICE", text);
  else host_.logger().warn("SLOB_IB_GATEWAY_ERROR", text);
}

}  // namespace slob::plugins::ib
