#!/usr/bin/env bash
# The README's test command: installs what is missing, then builds and runs every test twice —
# the default build and the ASan+UBSan build, and checks the .deb/.rpm packages of the default
# build (tools/check-packages.sh, as root). `tools/test.sh default` runs one preset only.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
if [ -f tests/conformance/package-lock.json ] && [ ! -d tests/conformance/node_modules ]; then
  # The @stoqey/ib conformance peer for the IB gateway simulator (pinned in package-lock.json).
  (cd tests/conformance && npm ci --no-audit --no-fund --loglevel=error)
fi
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(default asan)
for preset in "${presets[@]}"; do
  echo "== $preset: configure and build" >&2
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "== $preset: test" >&2
  ctest --preset "$preset"
  if [ "$preset" = default ]; then
    # Packages from the default build: installs them on this machine, so root only (it prints
    # a SKIP line otherwise).
    echo "== $preset: packages" >&2
    tools/check-packages.sh build/default
  fi
done
