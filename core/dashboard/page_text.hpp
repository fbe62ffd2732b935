#pragma once

// The page's document (page/dashboard.html with its CSS and script inlined), generated at build
// time by embed_page.cmake. It holds kDataMarker once, where dashboard_page.cpp puts the script
// element that configures the page.

namespace slob::dashboard {

extern const char* const kPageText;
inline constexpr const char kDataMarker[] = "<!--slob:data-->";

}  // namespace slob::dashboard
