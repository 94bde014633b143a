#!/usr/bin/env bash
# The tests that need no network or timing under AddressSanitizer and
# UBSan: builds build-asan/ (-DHERD_SANITIZE=ON, no benchmarks) and runs the
# unit, simulator, places, durable-table and results test programs, and
# herd explore over 300 seeds. scripts/test.sh (so CI) runs it after the
# main tests; HERD_SKIP_SANITIZE=1 skips it there. Live tests are left out:
# their timings assume an uninstrumented build (run them under TSan/ASan by
# hand: docs/development.md). Quiet on success but for one line.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${HERD_ASAN_BUILD_DIR:-build-asan}
log="$build/sanitize.log"
mkdir -p "$build"
if [ ! -f "$build/build.ninja" ]; then
  if ! cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHERD_SANITIZE=ON -DHERD_BUILD_BENCH=OFF \
      >"$log" 2>&1; then
    cat "$log" >&2; echo "herd: sanitizer configure failed" >&2; exit 1
  fi
fi
targets=(herd herd_unit_tests herd_sim_tests herd_places_tests herd_durable_tests herd_results_tests)
if ! cmake --build "$build" -j "${HERD_JOBS:-2}" --target "${targets[@]}" >"$log" 2>&1; then
  cat "$log" >&2; echo "herd: sanitizer build failed (log: $log)" >&2; exit 1
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=0
for t in herd_unit_tests herd_sim_tests herd_places_tests herd_durable_tests herd_results_tests; do
  if ! "$build/tests/$t" >>"$log" 2>&1; then
    echo "herd: $t failed under ASan/UBSan" >&2
    failed=1
  fi
done
if ! "$build/bin/herd" explore --seeds 300 --quiet >>"$log" 2>&1; then
  echo "herd: herd explore failed under ASan/UBSan" >&2
  failed=1
fi
if [ "$failed" -ne 0 ]; then
  tail -n 80 "$log" >&2
  echo "herd: sanitizer run failed (log: $log)" >&2
  exit 1
fi
echo "herd: ASan/UBSan: unit, sim, places, durable and results tests and 300 explore seeds passed"
