#!/usr/bin/env bash
# The README's test command: install what is missing, build, run every test
# (then the sanitizer build).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
build=${HERD_BUILD_DIR:-build}
log="$build/ctest.log"
if (cd "$build" && ctest --output-on-failure -j "${HERD_JOBS:-2}" --timeout 900) >"$log" 2>&1; then
  grep -E "tests passed|Total Test time" "$log"
else
  cat "$log"
  echo "herd: tests failed (log: $log)" >&2
  exit 1
fi
# The same tests under ASan and UBSan
# (docs/development.md). HERD_SKIP_SANITIZE=1 skips it.
[ "${HERD_SKIP_SANITIZE:-0}" = 1 ] || bash scripts/sanitize.sh

# Each libFuzzer target for a short, bounded time (docs/development.md).
# HERD_SKIP_FUZZ=1 skips it.
[ "${HERD_SKIP_FUZZ:-0}" = 1 ] || bash scripts/fuzz.sh 20
