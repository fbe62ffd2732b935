#!/bin/sh
# Regenerates nq-sample.csv byte for byte (see README.md): three Globex weeks, seed 20260106.
#   tools/data/regenerate-sample.sh build/<dir>/tools/gen-nq-data/gen-nq-data tools/data/nq-sample.csv
set -eu
if [ $# -ne 2 ]; then
  echo "usage: $0 GEN-NQ-DATA OUT.csv" >&2
  exit 2
fi
exec "$1" --seed 20260106 \
  --week 2026-01-05 --week 2026-01-12 --week 2026-03-09 \
  --plan 2026-01-05=quiet --plan 2026-01-06=short-win --plan 2026-01-07=long-win \
  --plan 2026-01-08=short-range --plan 2026-01-09=quiet \
  --plan 2026-01-12=long-loss --plan 2026-01-13=quiet --plan 2026-01-14=short-loss \
  --plan 2026-01-15=long-timeout --plan 2026-01-16=short-win \
  --plan 2026-03-09=short-win --plan 2026-03-10=quiet --plan 2026-03-11=long-win \
  --plan 2026-03-12=long-range --plan 2026-03-13=short-timeout \
  --out "$2"
