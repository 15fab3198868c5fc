#!/usr/bin/env bash
# Quick start, part 1: set up, then migrate the bundled example PyTorch model (with its
# trained weights) to Keras and show the result.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh release
out=nnport-out
echo
echo "\$ nnport migrate examples/cifar_cnn.py --to keras --input-shape N,3,32,32 --weights examples/cifar_cnn.safetensors -o $out --report $out/report.json"
status=0
build/release/nnport migrate examples/cifar_cnn.py --to keras --input-shape N,3,32,32 \
  --weights examples/cifar_cnn.safetensors -o "$out" --report "$out/report.json" || status=$?
echo "exit status: $status"
echo
echo "==> $out/cifar_cnn.py"
cat "$out/cifar_cnn.py"
echo
echo "==> $out/report.json"
cat "$out/report.json"
ls -l "$out"
exit "$status"
