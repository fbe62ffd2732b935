#pragma once

// The dashboard page: one self-contained HTML document (its CSS, script and charts inline, no
// asset from anywhere else — the machine may have no internet). Two uses of the same page:
//  - live, served by the http observer plugin at "/": the script polls "api/dashboard" (a URL
//    relative to the page, so the page works behind a path prefix) and redraws;
//  - static, written by `slob-host report OUT.html`: the data is embedded and nothing is polled.
// The data is the JSON of the host's "dashboard" view (docs/dashboard.md).
//
// Pure functions of their arguments; safe from any thread.

#include <string>
#include <string_view>

namespace slob::dashboard {

// The fastest the live page polls: a smaller refresh_ms is raised to it.
inline constexpr int kMinRefreshMs = 250;

// The page the http plugin serves. `refresh_ms` is how often the script polls.
std::string live_page(int refresh_ms);

// The page with `dashboard_json` (the "dashboard" view's JSON text, which must be one JSON
// value: the page shows an error instead of data otherwise) embedded.
std::string static_report(std::string_view dashboard_json);

}  // namespace slob::dashboard
