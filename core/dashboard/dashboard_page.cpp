#include "dashboard/dashboard_page.hpp"

namespace slob::dashboard {

// Placeholder until the page lands (issue 22 work in progress).
std::string live_page(int refresh_ms) {
  return "<!doctype html><title>slob-host</title><p>refresh " + std::to_string(refresh_ms);
}

std::string static_report(std::string_view dashboard_json) {
  return "<!doctype html><title>slob-host report</title><pre>" + std::string(dashboard_json);
}

}  // namespace slob::dashboard
