#!/usr/bin/env bash
# Fuzzes each libFuzzer target in fuzz/ for SECONDS (default 20) each:
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
# Installs clang 14 and libFuzzer's runtime when missing (Debian's clang-14
# and libclang-rt-14-dev), builds build-fuzz/ (-DHERD_FUZZ=ON: every library
# instrumented, with ASan and UBSan) and runs each target on a copy of its
# checked-in seed corpus (fuzz/corpus/TARGET; the copy in build-fuzz/corpus
# keeps what a run found). A crash is saved as build-fuzz/crash-TARGET-*;
# make it a regression test (docs/development.md). Quiet on success but for
# one line per target with its executions per second.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
all=(fuzz_client_line fuzz_peer_line fuzz_scenario fuzz_herd_config fuzz_places_json)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")

bash scripts/deps.sh
need=()
for p in clang-14 libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "herd: installing ${need[*]}" >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  log=$(mktemp)
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2; echo "herd: could not install clang for fuzzing" >&2; exit 1
  fi
  rm -f "$log"
fi

build=${HERD_FUZZ_BUILD_DIR:-build-fuzz}
log="$build/fuzz-build.log"
mkdir -p "$build"
if [ ! -f "$build/build.ninja" ]; then
  if ! CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHERD_FUZZ=ON \
      -DHERD_BUILD_TESTS=OFF -DHERD_BUILD_BENCH=OFF >"$log" 2>&1; then
    cat "$log" >&2; echo "herd: fuzz configure failed" >&2; exit 1
  fi
fi
if ! cmake --build "$build" -j "${HERD_JOBS:-2}" --target "${targets[@]}" >"$log" 2>&1; then
  cat "$log" >&2; echo "herd: fuzz build failed (log: $log)" >&2; exit 1
fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=0
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  mkdir -p "$corpus"
  cp -n fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null || true
  out="$build/$t.log"
  # -rss_limit_mb: a loader that allocates without bound fails, not swaps.
  if "$build/fuzz/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=8192 -timeout=10 \
      -artifact_prefix="$build/crash-$t-" -print_final_stats=1 "$corpus" >"$out" 2>&1; then
    runs=$(grep -m1 -oE 'stat::number_of_executed_units: *[0-9]+' "$out" | grep -oE '[0-9]+$' || echo 0)
    echo "herd: $t: $runs runs in ${seconds} s ($((runs / (seconds > 0 ? seconds : 1))) exec/s), no crash"
  else
    tail -n 40 "$out" >&2
    echo "herd: $t found a crash (log: $out; input: $build/crash-$t-*)" >&2
    failed=1
  fi
done
exit "$failed"
