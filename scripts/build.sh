#!/usr/bin/env bash
# Configures (once) and builds herd into build/. Prints nothing on success
# unless there was work; prints the full log on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${HERD_BUILD_DIR:-build}
log="$build/build.log"
mkdir -p "$build"
# HERD_CMAKE_ARGS is split as the shell splits words, quotes included, so
# HERD_CMAKE_ARGS='-DCMAKE_CXX_FLAGS="-fsanitize=thread -Wno-tsan"' works.
eval "cmake_args=(${HERD_CMAKE_ARGS:-})"
if [ ! -f "$build/build.ninja" ]; then
  if ! cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${cmake_args[@]}" >"$log" 2>&1; then
    cat "$log" >&2; echo "herd: cmake configure failed" >&2; exit 1
  fi
fi
if ! cmake --build "$build" -j "${HERD_JOBS:-2}" >"$log" 2>&1; then
  cat "$log" >&2; echo "herd: build failed (log: $log)" >&2; exit 1
fi
if ! grep -q "no work to do" "$log"; then
  echo "herd: built in $build/" >&2
fi
