#include "plugins/build_compatibility.hpp"

#include <cstring>

namespace slob::core {
namespace {

std::string text(const char* s) { return s ? s : "(none)"; }

bool same_known(const char* plugin, const char* host) {
  return plugin && host && std::strcmp(plugin, host) == 0 && std::strcmp(plugin, "unknown") != 0;
}

}  // namespace

std::string sdk_version_of(const sdk::BuildInfo& build) {
  return std::to_string(build.sdk_major) + "." + std::to_string(build.sdk_minor) + "." +
         std::to_string(build.sdk_patch);
}

std::optional<std::string> build_incompatibility(const sdk::BuildInfo& plugin,
                                                 const sdk::BuildInfo& host) {
  std::string why;
  if (plugin.sdk_major != host.sdk_major) {
    why = "built against SDK " + sdk_version_of(plugin) + ", this host implements SDK " +
          std::to_string(host.sdk_major) + ".x (" + sdk_version_of(host) + ")";
  } else if (plugin.sdk_minor > host.sdk_minor) {
    why = "built against SDK " + sdk_version_of(plugin) + ", newer than this host's SDK " +
          sdk_version_of(host) + " (a host loads plugins of its SDK minor or older)";
  } else if (!same_known(plugin.cxx_abi, host.cxx_abi)) {
    why = "C++ ABI " + text(plugin.cxx_abi) + ", this host's is " + text(host.cxx_abi);
  } else if (!same_known(plugin.stdlib, host.stdlib)) {
    why = "standard library " + text(plugin.stdlib) + ", this host's is " + text(host.stdlib);
  } else if (plugin.sanitizer == nullptr || host.sanitizer == nullptr ||
             std::strcmp(plugin.sanitizer, host.sanitizer) != 0) {
    why = "sanitizer " + text(plugin.sanitizer) + ", this host's is " + text(host.sanitizer);
  } else {
    return std::nullopt;
  }
  return why + "; plugin compiled by " + text(plugin.compiler) + ", host by " +
         text(host.compiler);
}

std::string describe_build(const sdk::BuildInfo& build) {
  return "SDK " + sdk_version_of(build) + ", " + text(build.compiler) + ", C++ " +
         std::to_string(build.cxx_standard) + ", " + text(build.stdlib) + ", " +
         text(build.cxx_abi) + " C++ ABI, sanitizer " + text(build.sanitizer);
}

}  // namespace slob::core
