#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and runs the daemon in the
# foreground on config/slob.toml (sim broker replaying the bundled NQ sample, LMDB store, slob
# strategy). Extra arguments go to slob-host, e.g. `tools/run.sh --fresh`.
#
# When the daemon has exited, the dashboard of what it stored is written to state/report.html
# (`slob-host report`) and its path printed — also after a failed run, whose report shows why.
# The script's exit code is the daemon's. The daemon is a child, not exec'd, so that the report
# can follow it: SIGTERM and SIGHUP sent to this script are passed on; Ctrl-C reaches the daemon
# from the terminal directly.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default

host=(build/default/bin/slob-host --config config/slob.toml)
"${host[@]}" "$@" &
daemon=$!
trap 'kill -TERM "$daemon" 2>/dev/null || true' TERM
trap 'kill -HUP "$daemon" 2>/dev/null || true' HUP
trap '' INT
set +e
wait "$daemon"
code=$?
# A trapped signal ends `wait` early: wait again until the daemon itself has exited.
while kill -0 "$daemon" 2>/dev/null; do
  wait "$daemon"
  code=$?
done
set -e

# A one-shot command (--check, export, ...) stored nothing new: no report.
for arg in "$@"; do
  [ "$arg" = --fresh ] || exit "$code"
done
report=state/report.html
if "${host[@]}" report "$report" >/dev/null; then
  echo "dashboard report: $PWD/$report"
else
  echo "dashboard report: not written (the error is above)" >&2
fi
exit "$code"
