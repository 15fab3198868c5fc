#!/usr/bin/env bash
# Formats nnport's C++ sources with clang-format (style: .clang-format at the root).
#   scripts/format.sh           rewrite the files in place
#   scripts/format.sh --check   list the files that are not formatted and exit 1 (CTest:
#                               style.clang_format)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v clang-format >/dev/null 2>&1 || {
  echo "format: clang-format is not installed (scripts/setup.sh installs it)" >&2
  exit 2
}
mapfile -t files < <(find src tests bench \( -name '*.cc' -o -name '*.h' \) -type f | sort)

if [ "${1:-}" = --check ]; then
  # One clang-format process for all files (one per file costs a minute); its warnings name the
  # files that differ.
  report=$(clang-format --dry-run "${files[@]}" 2>&1) || {
    echo "$report" >&2
    exit 2
  }
  mapfile -t bad < <(sed -n 's/^\(.*\):[0-9]*:[0-9]*: warning: .*/\1/p' <<<"$report" | sort -u)
  for f in "${bad[@]}"; do echo "not formatted: $f (run scripts/format.sh)"; done
  [ "${#bad[@]}" -eq 0 ] && echo "format: ${#files[@]} files formatted"
  [ "${#bad[@]}" -eq 0 ]
  exit
fi
clang-format -i "${files[@]}"
