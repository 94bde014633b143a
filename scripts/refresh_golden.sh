#!/usr/bin/env bash
# Rewrites the golden results files in tests/golden/ from the current code:
# for every scenario listed in tests/golden/scenarios.txt, runs
# `herd sim SCENARIO [--seed N] --out tests/golden/<name>.sqlite` afresh and compacts the
# file (512-byte pages, VACUUM) so it stays kilobytes.
#
# Run it on purpose only, when a change is meant to alter simulation results
# (a new column, a fixed bug in a strategy): CTest's golden checks fail on any
# other change of results, which is their point. For each file it replaces it
# prints how the new run differs from the old golden one (`herd sim
# --golden`: tables, rows, first differing values), so the change can be read
# before committing the new files with the change that explains them.
#   usage: scripts/refresh_golden.sh      (needs sqlite3: scripts/deps.sh installs it)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
herd="${HERD_BUILD_DIR:-build}/bin/herd"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
grep -v '^#' tests/golden/scenarios.txt | while read -r scenario seed; do
  [ -n "$scenario" ] || continue
  name=$(basename "$scenario" .json)
  golden="tests/golden/$name.sqlite"
  fresh="$work/$name.sqlite"
  "$herd" sim "$scenario" ${seed:+--seed "$seed"} --out "$fresh" --quiet >/dev/null
  sqlite3 "$fresh" "PRAGMA page_size = 512; VACUUM;"
  if [ -f "$golden" ]; then
    "$herd" sim "$scenario" ${seed:+--seed "$seed"} --golden "$golden" --quiet | sed -n '/^golden:/,$p' || true
  fi
  mv "$fresh" "$golden"
  echo "wrote $golden ($(wc -c <"$golden") bytes)"
done
