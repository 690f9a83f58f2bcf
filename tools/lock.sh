#!/usr/bin/env bash
# Rewrite requirements/lock-py3.X.txt for each Python given (default: whichever
# of python3.10 .. python3.13 is on PATH). Each lock is what pip resolves today
# for `pip install .[test]` within pyproject's ranges, frozen to exact versions.
set -euo pipefail
cd "$(dirname "$0")/.."
pythons=("$@")
if [ ${#pythons[@]} -eq 0 ]; then
  for v in 3.10 3.11 3.12 3.13; do
    command -v "python$v" >/dev/null && pythons+=("python$v")
  done
fi
for py in "${pythons[@]}"; do
  ver=$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  tmp=$(mktemp -d)
  "$py" -m venv "$tmp/venv"
  "$tmp/venv/bin/python" -m pip install -q --upgrade pip
  "$tmp/venv/bin/python" -m pip install -q ".[test]"
  {
    echo "# Exact versions for Python $ver, written by tools/lock.sh on $(date -u +%Y-%m-%d)."
    echo "# make installs with: pip install -c <this file> -e .[test]"
    "$tmp/venv/bin/python" -m pip freeze --exclude course-utils --exclude pip --exclude setuptools
  } > "requirements/lock-py$ver.txt"
  rm -rf "$tmp"
  echo "wrote requirements/lock-py$ver.txt"
done
