#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a bounded time.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
# Seeds: the project's own model files. Findings are written to build/fuzz/findings/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
command -v clang++ >/dev/null || { echo "fuzz: clang++ missing (apt-get install clang)" >&2; exit 1; }
CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNNPORT_FUZZ=ON -DNNPORT_BUILD_TESTS=OFF >/dev/null
cmake --build build/fuzz --target migrate_source_fuzz
mkdir -p build/fuzz/findings build/fuzz/corpus/migrate_source
cp tests/equivalence/pytorch/models/*.py tests/diagnostics/fixtures/*.py examples/*.py \
   build/fuzz/corpus/migrate_source/ 2>/dev/null || true
status=0
build/fuzz/tests/fuzz/migrate_source_fuzz build/fuzz/corpus/migrate_source \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
  -artifact_prefix=build/fuzz/findings/ -print_final_stats=1 2>&1 | tail -15 || status=$?
exit "$status"
