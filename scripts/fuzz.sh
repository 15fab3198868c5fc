#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each in turn for a bounded time.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default 60 s; default: every tests/fuzz/*_fuzz.cc)
# Seeds: the project's model files for source fuzzing; small checkpoints written by real PyTorch
# and Keras weight files written by h5py (when /usr/bin/python3 has them) for the weight readers.
# Findings (crashing, leaking or hanging inputs) are saved in build/fuzz/findings/<target>/. The
# closing summary gives executions and new findings per target; the exit status is non-zero when
# any target found something.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
command -v clang++ >/dev/null || { echo "fuzz: clang++ missing (apt-get install clang)" >&2; exit 1; }
CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNNPORT_FUZZ=ON -DNNPORT_BUILD_TESTS=OFF >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for source in tests/fuzz/*_fuzz.cc; do targets+=("$(basename "$source" .cc)"); done
fi
cmake --build build/fuzz --target "${targets[@]}"

seeds=build/fuzz/seeds
rm -rf "$seeds" && mkdir -p "$seeds"
/usr/bin/python3 tests/unit/weights_fixtures/torch_checkpoints.py "$seeds" >/dev/null 2>&1 ||
  echo "fuzz: no PyTorch checkpoints as seeds (torch missing for /usr/bin/python3)" >&2
mkdir -p "$seeds/keras"
/usr/bin/python3 tests/unit/weights_fixtures/keras_h5_files.py "$seeds/keras" >/dev/null 2>&1 ||
  echo "fuzz: no Keras weight files as seeds (h5py missing for /usr/bin/python3)" >&2

# Fills the corpus of one target with its seeds; prints the corpus directory and -max_len.
corpus_for() {
  local corpus="build/fuzz/corpus/${1%_fuzz}"
  mkdir -p "$corpus"
  case "$1" in
    migrate_source_fuzz)
      cp tests/equivalence/pytorch/models/*.py tests/diagnostics/fixtures/*.py examples/*.py "$corpus"/ 2>/dev/null || true
      echo "$corpus 16384" ;;
    torch_checkpoint_fuzz)
      find "$seeds" -name '*.pt' -size -64k -exec cp {} "$corpus"/ \;
      echo "$corpus 65536" ;;
    keras_weights_fuzz)
      # HDF5 (.weights.h5, legacy .h5) and .keras archives. The target itself sets the ASan
      # options it needs (HDF5's huge allocations on damaged headers return NULL, see the source).
      find "$seeds/keras" \( -name '*.h5' -o -name '*.keras' \) -size -64k -exec cp {} "$corpus"/ \;
      echo "$corpus 65536" ;;
    safetensors_fuzz)
      find "$seeds" -name '*.safetensors' -size -64k -exec cp {} "$corpus"/ \;
      echo "$corpus 65536" ;;
    *) echo "$corpus 16384" ;;
  esac
}

status=0
summary=()
for target in "${targets[@]}"; do
  read -r corpus max_len < <(corpus_for "$target")
  findings="build/fuzz/findings/$target"
  mkdir -p "$findings"
  before=$(find "$findings" -type f | wc -l)
  log="build/fuzz/$target.log"
  echo "fuzz: $target for ${seconds}s (corpus $corpus)"
  rc=0
  "build/fuzz/tests/fuzz/$target" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len="$max_len" -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1 || rc=$?
  tail -15 "$log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  found=$(( $(find "$findings" -type f | wc -l) - before ))
  if [ "$rc" -ne 0 ] || [ "$found" -gt 0 ]; then status=1; fi
  summary+=("  $target: ${execs:-?} executions, $found new findings (exit $rc)")
done
echo "fuzz summary (${seconds}s per target; findings in build/fuzz/findings/):"
printf '%s\n' "${summary[@]}"
exit "$status"
