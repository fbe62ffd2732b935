#include "dashboard/dashboard_page.hpp"

#include <algorithm>
#include <cstring>

#include "dashboard/page_text.hpp"

namespace slob::dashboard {
namespace {

// JSON text that stays inert inside a <script> element: '<', '>' and '&' can only occur inside
// JSON strings, where \u003c, \u003e and \u0026 are the same characters, so no "</script>" or
// "<!--" in the data can end the element early.
std::string script_safe(std::string_view json) {
  std::string out;
  out.reserve(json.size() + json.size() / 16);
  for (char c : json) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
  return out;
}

// The page with its configuration (`config_json`, an object) where the marker is.
std::string page_with(std::string_view config_json) {
  std::string page = kPageText;
  const auto at = page.find(kDataMarker);
  page.replace(at, std::strlen(kDataMarker),
               "<script id=\"dashboard-config\" type=\"application/json\">" +
                   script_safe(config_json) + "</script>");
  return page;
}

}  // namespace

std::string live_page(int refresh_ms) {
  return page_with(R"({"mode":"live","url":"api/dashboard","refresh_ms":)" +
                   std::to_string(std::max(refresh_ms, kMinRefreshMs)) + "}");
}

std::string static_report(std::string_view dashboard_json) {
  return page_with(std::string(R"({"mode":"report","data":)") + std::string(dashboard_json) + "}");
}

}  // namespace slob::dashboard
