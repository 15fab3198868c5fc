#!/usr/bin/env bash
# Migration benchmarks: whole-process wall time (hyperfine, process start included) on the
# 300-line model, then the in-process stage costs (google-benchmark).
#   bench/run.sh            (builds build/bench in Release first)
# Weight conversion has its own script (needs PyTorch and ~8 GB of disk): bench/weights_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DNNPORT_BUILD_BENCH=ON -DNNPORT_BUILD_TESTS=OFF >/dev/null
cmake --build build/bench --target nnport nnport_bench
command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install hyperfine" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
wc -l bench/models/deep_cnn_300.py
hyperfine --warmup 5 --runs 50 --export-json "$out/hyperfine.json" \
  "build/bench/nnport migrate bench/models/deep_cnn_300.py --to keras --input-shape N,3,64,64 -o $out"
build/bench/bench/nnport_bench
