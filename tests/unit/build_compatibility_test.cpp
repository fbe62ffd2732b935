// The compatibility rule on its own (plugins/build_compatibility.hpp): one row per field that
// decides, and the ones that must not.

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "plugins/build_compatibility.hpp"

using slob::core::build_incompatibility;
using slob::sdk::BuildInfo;

namespace {

const char* const kNew = "libstdc++ (_GLIBCXX_USE_CXX11_ABI=1)";
const char* const kOld = "libstdc++ (_GLIBCXX_USE_CXX11_ABI=0)";

// A host at SDK 1.4.2 built by GCC 12.2.
const BuildInfo kHost{1, 4, 2, "itanium", kNew, "none", 202002L, "gcc-12.2"};

BuildInfo with(void (*change)(BuildInfo&)) {
  BuildInfo b = kHost;
  change(b);
  return b;
}

}  // namespace

TEST_CASE("build compatibility: same major, plugin minor not newer, same C++ and library ABI",
          "[compat]") {
  const std::string compilers = "; plugin compiled by gcc-12.2, host by gcc-12.2";
  struct Row {
    std::string what;
    BuildInfo plugin;
    std::optional<std::string> refusal;
  };
  const std::vector<Row> rows = {
      {"the host's own build", kHost, std::nullopt},
      {"an older minor", with([](BuildInfo& b) { b.sdk_minor = 0; }), std::nullopt},
      {"another patch, older", with([](BuildInfo& b) { b.sdk_patch = 0; }), std::nullopt},
      {"another patch, newer", with([](BuildInfo& b) { b.sdk_patch = 99; }), std::nullopt},
      {"another compiler and standard",
       with([](BuildInfo& b) {
         b.compiler = "clang-16.0";
         b.cxx_standard = 202302L;
       }),
       std::nullopt},
      {"a newer minor", with([](BuildInfo& b) { b.sdk_minor = 5; }),
       "built against SDK 1.5.2, newer than this host's SDK 1.4.2 (a host loads plugins of its "
       "SDK minor or older)" + compilers},
      {"an older major", with([](BuildInfo& b) { b.sdk_major = 0; }),
       "built against SDK 0.4.2, this host implements SDK 1.x (1.4.2)" + compilers},
      {"a newer major with an older minor",
       with([](BuildInfo& b) {
         b.sdk_major = 2;
         b.sdk_minor = 0;
         b.sdk_patch = 0;
       }),
       "built against SDK 2.0.0, this host implements SDK 1.x (1.4.2)" + compilers},
      {"the old libstdc++ ABI", with([](BuildInfo& b) { b.stdlib = kOld; }),
       std::string("standard library ") + kOld + ", this host's is " + kNew + compilers},
      {"libc++",
       with([](BuildInfo& b) {
         b.stdlib = "libc++";
         b.compiler = "clang-16.0";
       }),
       std::string("standard library libc++, this host's is ") + kNew +
           "; plugin compiled by clang-16.0, host by gcc-12.2"},
      {"an unknown standard library",
       with([](BuildInfo& b) { b.stdlib = "unknown"; }),
       std::string("standard library unknown, this host's is ") + kNew + compilers},
      {"no standard library named", with([](BuildInfo& b) { b.stdlib = nullptr; }),
       std::string("standard library (none), this host's is ") + kNew + compilers},
      {"another C++ ABI", with([](BuildInfo& b) { b.cxx_abi = "unknown"; }),
       "C++ ABI unknown, this host's is itanium" + compilers},
      {"an ASan plugin", with([](BuildInfo& b) { b.sanitizer = "asan"; }),
       "sanitizer asan, this host's is none" + compilers},
      {"a newer minor and the old ABI: the SDK is reported first",
       with([](BuildInfo& b) {
         b.sdk_minor = 9;
         b.stdlib = kOld;
       }),
       "built against SDK 1.9.2, newer than this host's SDK 1.4.2 (a host loads plugins of its "
       "SDK minor or older)" + compilers},
  };
  for (const Row& r : rows) {
    INFO(r.what);
    CHECK(build_incompatibility(r.plugin, kHost) == r.refusal);
  }

  // Both sides unknown is no proof of anything: refused, and a plain plugin in an ASan host too.
  BuildInfo unknown_host = kHost;
  unknown_host.stdlib = "unknown";
  CHECK(build_incompatibility(unknown_host, unknown_host) ==
        "standard library unknown, this host's is unknown" + compilers);
  BuildInfo asan_host = kHost;
  asan_host.sanitizer = "asan";
  CHECK(build_incompatibility(kHost, asan_host) == "sanitizer none, this host's is asan" + compilers);
}

TEST_CASE("build description names every field", "[compat]") {
  CHECK(slob::core::describe_build(kHost) ==
        "SDK 1.4.2, gcc-12.2, C++ 202002, libstdc++ (_GLIBCXX_USE_CXX11_ABI=1), itanium C++ ABI, "
        "sanitizer none");
}
