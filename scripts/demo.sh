#!/usr/bin/env bash
# The README's first command: install what is missing, build, run the main job:
# the five-server partition-and-heal scenario on the simulator. It prints a
# summary table and writes results/out/partition_heal.sqlite and PNG plots in
# results/out/partition_heal/. The results file is replaced on each run, so
# running this twice gives the same file (apart from wall-clock columns).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
build=${HERD_BUILD_DIR:-build}
out=results/out
mkdir -p "$out"
rm -f "$out/partition_heal.sqlite"
exec "$build/bin/herd" sim scenarios/partition_heal.json --quiet \
  --out "$out/partition_heal.sqlite" --plot "$out/partition_heal"
