#!/usr/bin/env bash
# The README's first command: install what is missing, build, run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
build=${HERD_BUILD_DIR:-build}
exec "$build/bin/herd" demo --preset hill
