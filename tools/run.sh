#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and runs the daemon in the
# foreground on config/slob.toml (sim broker replaying the bundled NQ sample, LMDB store, slob
# strategy). Extra arguments go to slob-host, e.g. `tools/run.sh --fresh`.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default
exec build/default/bin/slob-host --config config/slob.toml "$@"
