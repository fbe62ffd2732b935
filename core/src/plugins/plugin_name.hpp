#pragma once

// What a plugin name may be: it becomes part of a file name (libslob-<name>.so), so nothing
// that could leave the plugin directories ("../x", "/x") or differ only by case. Shared by the
// config reader (which reports a bad name at its position) and the loader (which never builds a
// path from one).

#include <string_view>

namespace slob::core {

inline constexpr const char* kPluginNameRule = "use 1 to 64 lowercase letters, digits, - and _";

inline bool is_valid_plugin_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace slob::core
