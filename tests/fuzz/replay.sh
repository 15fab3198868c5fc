#!/usr/bin/env bash
# CTest fuzz_replay.<target>: runs a fuzz target's replay executable over the seeds scripts/fuzz.sh
# starts from and over the findings saved in tests/fuzz/regressions/<target>/ (a finding that was
# fixed is kept there, so it cannot come back).
#   tests/fuzz/replay.sh REPLAY_BINARY TARGET WORK_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
binary="$1" target="$2" work="$3"
rm -rf "$work" && mkdir -p "$work"

inputs=()
case "$target" in
  migrate_source_fuzz)
    inputs+=(tests/equivalence/pytorch/models tests/diagnostics/fixtures examples) ;;
  torch_checkpoint_fuzz | safetensors_fuzz)
    /usr/bin/python3 tests/unit/weights_fixtures/torch_checkpoints.py "$work" >/dev/null
    inputs+=("$work") ;;
  keras_weights_fuzz)
    /usr/bin/python3 tests/unit/weights_fixtures/keras_h5_files.py "$work" >/dev/null
    inputs+=("$work") ;;
  *) echo "replay: no seeds known for $target" >&2 && exit 2 ;;
esac
[ -d "tests/fuzz/regressions/$target" ] && inputs+=("tests/fuzz/regressions/$target")
"$binary" "${inputs[@]}" 2>"$work.log" || { tail -20 "$work.log" >&2; exit 1; }
