#!/bin/sh
# Runs the whole equivalence suite against one nnport binary without CMake/CTest:
#   tests/equivalence/run_all.sh build/dev/nnport [JOBS]
# Same checks as `ctest -L equivalence` (see README.md): every model in pytorch/models, every
# negative case in negative/cases.json, and the harness self-tests. Prints one PASS/FAIL line per
# case, the failure details, and a summary; exits 1 if anything failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
nnport=$(realpath "${1:?usage: run_all.sh NNPORT [JOBS]}")
jobs=${2:-2}
py=/usr/bin/python3
logdir=$(mktemp -d "${TMPDIR:-/tmp}/nnport-equiv-suite.XXXXXX")
export OMP_NUM_THREADS=1 PYTHONDONTWRITEBYTECODE=1
{
  for m in "$here"/pytorch/models/*.py; do echo "case $m"; done
  $py -c 'import json,sys; [print("neg", c["name"]) for c in json.load(open(sys.argv[1]))["cases"]]' \
      "$here/negative/cases.json"
  for b in none weights-missing weights-extra weights-shape perm value py-kwarg py-name; do echo "self $b"; done
} | xargs -P "$jobs" -L 1 sh -c '
  kind=$0; arg=$1; log='"$logdir"'/$(basename "$arg" .py).$kind.log
  case $kind in
    case) '"$py"' '"$here"'/run_case.py "$arg" '"$nnport"' --workdir '"$logdir"'/work > "$log" 2>&1 ;;
    neg)  '"$py"' '"$here"'/run_negative.py "$arg" '"$nnport"' > "$log" 2>&1 ;;
    self) '"$py"' '"$here"'/run_case.py '"$here"'/pytorch/models/cnn_small.py --workdir '"$logdir"'/work --fake "$arg" > "$log" 2>&1 ;;
  esac
  rc=$?
  if [ $rc -eq 0 ]; then echo "PASS $kind $arg"; else echo "FAIL $kind $arg $log"; fi
' | sed "s#$here/pytorch/models/##" | sort > "$logdir/summary"
cut -d' ' -f1-3 "$logdir/summary"
fails=$(grep -c '^FAIL' "$logdir/summary")
total=$(wc -l < "$logdir/summary")
if [ "$fails" -gt 0 ]; then
  echo; echo "=== failure details ==="
  grep '^FAIL' "$logdir/summary" | while read -r _ kind arg log; do
    echo "--- $kind $arg"; grep -v '^PASS' "$log"
  done
fi
echo; echo "$((total - fails))/$total passed (logs in $logdir)"
[ "$fails" -eq 0 ]
