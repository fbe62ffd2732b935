#pragma once

// Seeded randomness whose output is fixed by the C++ standard where it matters: std::mt19937_64's
// raw sequence is specified, the standard distributions are not (libstdc++ and libc++ differ),
// so uniform and normal variates are derived here. Same seed, same build platform: same bytes.

#include <cmath>
#include <cstdint>
#include <random>

namespace slob::tools::gen_nq_data {

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  // [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // An integer in [lo, hi].
  int between(int lo, int hi) {
    return lo + static_cast<int>(uniform() * static_cast<double>(hi - lo + 1));
  }
  // Standard normal by Box-Muller (one of the pair is dropped: simplicity over speed).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
  bool chance(double p) { return uniform() < p; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace slob::tools::gen_nq_data
