#!/usr/bin/env bash
# Every performance figure in one run: builds what the benchmarks need (preset "default",
# RelWithDebInfo), runs them, prints ONE table (each figure with the floor measured in the same
# run) and writes it, with the machine description, into docs/performance.md between the
# "bench.sh" markers. Not run by CI (CI only builds the bench targets).
#
#   tools/bench.sh            the full run (about 5-8 minutes on 2 cores)
#   tools/bench.sh --quick    fewer trials and years, for trying changes; docs are not touched
#
# Environment: BENCH_YEARS (default 1,4,16) sets the replay growth column; BENCH_NO_BUILD=1
# measures what build/default already holds (a re-run at a quieter moment).
#
# Scratch data (generated CSVs, stores) goes under build/default/bench-scratch, on the disk the
# build is on; raw outputs of each benchmark stay in build/default/bench-out/.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
[ "${1:-}" = "--quick" ] && quick=1

build=build/default
out="$build/bench-out"
scratch="$build/bench-scratch"
doc=docs/performance.md

if [ -n "$(command -v ccache)" ]; then
  export CMAKE_CXX_COMPILER_LAUNCHER="${CMAKE_CXX_COMPILER_LAUNCHER:-ccache}"
  export CMAKE_C_COMPILER_LAUNCHER="${CMAKE_C_COMPILER_LAUNCHER:-ccache}"
fi
[ -f "$build/CMakeCache.txt" ] || cmake --preset default >/dev/null
reload_targets=()
for f in bench/reload*.cpp; do
  [ -e "$f" ] || continue
  name=$(basename "$f" .cpp)
  reload_targets+=("bench_${name%_bench}")  # reload_bench.cpp -> bench_reload, like the others
done
echo "== build" >&2
[ "${BENCH_NO_BUILD:-0}" = 1 ] || cmake --build "$build" --target slob-host slob-plugin-ib slob-plugin-sim slob-plugin-lmdb slob-plugin-slob \
  slob-plugin-benchtrigger gen-nq-data ib-gateway-sim bench_noop bench_replay bench_trigger_latency \
  bench_daemon bench_lmdb_recovery slob_strategy_bench ${reload_targets[@]+"${reload_targets[@]}"} >&2

rm -rf "$out" "$scratch"
mkdir -p "$out" "$scratch"
host_bin=$(find "$build" -name slob-host -type f -perm -u+x | head -1)
gen_bin=$(find "$build" -name gen-nq-data -type f -perm -u+x | head -1)
gw_bin=$(find "$build" -name ib-gateway-sim -type f -perm -u+x | head -1)
plugins="$PWD/$build/plugins"
bench_plugins="$PWD/$build/bench/plugins"
benches="$build/bench"

model=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
cores=$(nproc)
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")
compiler=$(sed -n 's/^CMAKE_CXX_COMPILER:FILEPATH=//p' "$build/CMakeCache.txt")
compiler_version=$("$compiler" --version | head -1)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
t0=$(date +%s)

if [ $quick = 1 ]; then
  years=1; trials=200; runs=2; scale=10000,100000
else
  years=${BENCH_YEARS:-1,4,16}; trials=1000; runs=5; scale=10000,100000,1000000
fi

run() {  # name, command...: output to $out/name.txt, progress to stderr
  local name=$1
  shift
  echo "== $name (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  "$@" >"$out/$name.txt" 2>"$out/$name.err" || {
    echo "bench.sh: $name failed; see $out/$name.err:" >&2
    tail -5 "$out/$name.err" >&2
    exit 1
  }
}

run replay "$benches/bench_replay" --host "$host_bin" --plugins "$plugins" --gen "$gen_bin" \
  --years "$years" --dir "$scratch"
run latency "$benches/bench_trigger_latency" --host "$host_bin" --plugins "$plugins" \
  --bench-plugins "$bench_plugins" --gateway "$gw_bin" --trials "$trials" --dir "$scratch"
run recovery "$benches/bench_lmdb_recovery" --scale "$scale" --runs 15 --dir "$scratch"
run daemon "$benches/bench_daemon" --host "$host_bin" --plugins "$plugins" --gateway "$gw_bin" \
  --noop "$benches/bench_noop" --runs "$runs" --dir "$scratch"
run strategy "$benches/slob_strategy_bench"

# The reload benchmark belongs to the reload work; its ROW lines join the table when it exists.
reload_rows=""
for t in ${reload_targets[@]+"${reload_targets[@]}"}; do
  if [ -x "$benches/$t" ]; then
    # Not through run(): a failing reload benchmark must not cost the other figures.
    echo "== reload ($t)" >&2
    "$benches/$t" --host "$host_bin" --plugins "$plugins" --dir "$PWD/$scratch" \
      >"$out/reload.txt" 2>"$out/reload.err" ||
      echo "bench.sh: $t failed; see $out/reload.err" >&2
    reload_rows=$(grep '^ROW|' "$out/reload.txt" || true)
  fi
done
[ -n "$reload_rows" ] || reload_rows="ROW|hot-reload pause (reload command → first candle handled by the new instance)|not measured yet (no ROW line from bench/reload*)|handling one candle|—|≤ 10 ms|not measured yet"

# The strategy bench prints its own table; its scan/parse ratio becomes a row.
strategy_row=$(awk '
  /^parse only/ { parse = $(NF - 1) }
  /^parse\+builder\+slob/ { scan = $(NF - 1) }
  /^ratio/ { ratio = $NF }
  END { if (parse > 0 && scan > 0) printf "ROW|strategy scan, in process: CSV parse + candle builder + slob (345,000 bars)|%.2f M candles/s|CSV parse alone %.2f M rows/s|%s (builder + slob cost / parse cost)|< 1|%s\n", scan / 1e6, parse / 1e6, ratio, (ratio < 1) ? "met" : "**not met**" }
' "$out/strategy.txt")

rows=$(cat "$out/replay.txt" "$out/latency.txt" "$out/recovery.txt" "$out/daemon.txt" | grep '^ROW|')
pick() { grep -F -- "$1" <<<"$rows" || true; }
ordered=$(
  pick 'replay, sync "none", 1 simulated year'
  pick 'replay, sync "full"'
  [ -n "$strategy_row" ] && echo "$strategy_row"
  pick 'trigger-to-order'
  pick 'startup recovery (lmdb store)'
  pick 'SIGTERM to exit, idle'
  pick 'SIGTERM to exit, 10,000'
  pick 'reconnect:'
  echo "$reload_rows"
  pick 'resident memory idle'
  pick 'resident memory during replay'
  pick 'replay time for 1'
  pick 'startup recovery at 1×'
)
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
minutes=$(( ($(date +%s) - t0 + 59) / 60 ))

table=$(
  echo "| figure | measured | floor (same run) | ratio | goal | |"
  echo "|---|---|---|---|---|---|"
  awk -F'|' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7 }' <<<"$ordered"
)
machine="Machine: $model, $cores cores ($(uname -r)); $compiler_version; build type $build_type.
Run: $started, $minutes min; load average (1/5/15 min) $load_start at the start, $load_end at the end."

echo
echo "$machine"
echo
echo "$table"

if [ $quick = 1 ]; then
  echo "(--quick: $doc not updated)" >&2
  exit 0
fi
section=$(mktemp)
{
  echo "<!-- bench.sh:begin (written by tools/bench.sh; do not edit by hand) -->"
  echo "$machine"
  echo
  echo "$table"
  echo "<!-- bench.sh:end -->"
} >"$section"
if grep -q '^<!-- bench.sh:begin' "$doc"; then
  awk -v f="$section" '
    /^<!-- bench.sh:begin/ { while ((getline l < f) > 0) print l; skip = 1; next }
    /^<!-- bench.sh:end/ { skip = 0; next }
    !skip { print }
  ' "$doc" >"$doc.tmp"
else
  awk -v f="$section" '
    { print }
    NR == 1 { print ""; while ((getline l < f) > 0) print l }
  ' "$doc" >"$doc.tmp"
fi
mv "$doc.tmp" "$doc"
rm -f "$section"
echo "bench.sh: table written to $doc" >&2
