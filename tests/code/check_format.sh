#!/usr/bin/env bash
# Every C++ source file of the repository is formatted with its .clang-format (templates such as
# *.cpp.in, which hold CMake placeholders, are not C++ yet): clang-format
# --dry-run --Werror over the files git tracks (and new ones it does not ignore), so a file that
# drifts fails the suite with the line clang-format would change.
# Usage: check_format.sh REPO_ROOT CLANG_FORMAT
set -euo pipefail
root="$1"
clang_format="$2"
cd "$root"
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.cpp' '*.h' '*.cc' '*.hpp' |
  grep -v -e '/node_modules/' -e '^build' || true)
if [ "${#files[@]}" -eq 0 ]; then
  echo "FAIL: no C++ files found under $root"
  exit 1
fi
bad=()
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  if ! "$clang_format" --dry-run --Werror "$f" >/dev/null 2>&1; then bad+=("$f"); fi
done
echo "checked ${#files[@]} files with $("$clang_format" --version)"
if [ "${#bad[@]}" -gt 0 ]; then
  printf 'FAIL: not formatted: %s\n' "${bad[@]}"
  echo "fix: clang-format -i FILE"
  exit 1
fi
echo "all formatted"
