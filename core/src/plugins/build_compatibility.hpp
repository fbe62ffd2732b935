#pragma once

// May a plugin compiled as one BuildInfo share C++ objects with a host compiled as another?
// The rule, in the order checked (the promise itself, and why: sdk/README.md "Compatibility"):
//   1. the same SDK major;
//   2. a plugin minor no newer than the host's (a minor only adds what an older plugin cannot
//      notice, so a host serves every older minor); the patch never decides;
//   3. the same C++ ABI family (Itanium), known;
//   4. the same standard library and its ABI (libstdc++'s _GLIBCXX_USE_CXX11_ABI), known;
//   5. the same sanitizer.
// The compiler and the language standard do not decide: GCC and Clang on one standard library
// share one ABI, and the SDK's types have one layout in every C++ mode of that library. The
// compiler is named in every refusal, for the operator.
//
// Pure and thread-safe; the strings a plugin's BuildInfo points to may be null.

#include <optional>
#include <string>

#include "slob/sdk/plugin.hpp"

namespace slob::core {

// Why they cannot, as one line without the file ("built against SDK 2.0.0, this host implements
// SDK 1.x (1.0.0); plugin compiled by gcc-13.2, host by gcc-12.2"), or nullopt when they can.
// Only the first mismatch in the order above is reported.
std::optional<std::string> build_incompatibility(const sdk::BuildInfo& plugin,
                                                 const sdk::BuildInfo& host);

// "1.0.0".
std::string sdk_version_of(const sdk::BuildInfo& build);

// Everything in one line, for `slob-host --version` and `slob-ctl status`: "SDK 1.0.0, gcc-12.2,
// C++ 202002, libstdc++ (_GLIBCXX_USE_CXX11_ABI=1), itanium C++ ABI, sanitizer none".
std::string describe_build(const sdk::BuildInfo& build);

}  // namespace slob::core
