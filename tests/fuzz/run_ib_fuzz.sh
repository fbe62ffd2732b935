#!/bin/sh
# Builds the ib decoder fuzz target with clang + libFuzzer (ASan, UBSan) and runs it for a bounded
# time on a scratch copy of the committed seed corpus. Exit 77 (CTest skip) when clang or the
# libFuzzer runtime is missing (tools/install-deps.sh installs clang).
# usage: run_ib_fuzz.sh <source-dir> <work-dir> [seconds]
set -eu
src="$1"
work="$2"
seconds="${3:-20}"
cxx="$(command -v clang++ || command -v clang++-14 || true)"
if [ -z "$cxx" ]; then
  echo "SKIP: clang++ not installed"
  exit 77
fi
mkdir -p "$work"
probe="$work/probe.cpp"
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' > "$probe"
if ! "$cxx" -fsanitize=fuzzer "$probe" -o "$work/probe" 2>/dev/null; then
  echo "SKIP: $cxx has no libFuzzer runtime"
  exit 77
fi
bin="$work/ib_decoder_fuzz"
ib="$src/plugins/ib/src"
sources="$src/tests/fuzz/ib_decoder_fuzz.cpp $ib/wire.cpp $ib/ib_time.cpp $ib/incoming.cpp $ib/incoming_orders.cpp"
rebuild=1
if [ -x "$bin" ]; then
  rebuild=0
  for f in $sources $ib/*.hpp; do
    if [ "$f" -nt "$bin" ]; then rebuild=1; fi
  done
fi
if [ "$rebuild" = 1 ]; then
  "$cxx" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -DUSE_OS_TZDB=1 -DHAS_STRING_VIEW=1 -DONLY_C_LOCALE=1 -I"$ib" -I"$src/sdk/include" \
    $sources -ldate-tz -o "$bin"
fi
corpus="$work/corpus"
rm -rf "$corpus"
mkdir -p "$corpus"
cp "$src"/tests/fixtures/ib/fuzz-corpus/* "$corpus"/
exec "$bin" -max_total_time="$seconds" -max_len=4096 -timeout=5 -rss_limit_mb=1024 "$corpus"
