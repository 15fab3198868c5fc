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
  bad=0
  for f in "${files[@]}"; do
    if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
      echo "not formatted: $f (run scripts/format.sh)"
      bad=1
    fi
  done
  [ "$bad" -eq 0 ] && echo "format: ${#files[@]} files formatted"
  exit "$bad"
fi
clang-format -i "${files[@]}"
