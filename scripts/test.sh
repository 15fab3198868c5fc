#!/usr/bin/env bash
# Quick start, part 2: set up, build with AddressSanitizer + UndefinedBehaviorSanitizer, and run
# every test (unit, golden, diagnostics, equivalence against real PyTorch and TensorFlow.js).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh asan
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build/asan --output-on-failure -j "$(nproc)" "$@"
