#!/usr/bin/env bash
# Installs the Debian 12 packages herd builds with, and only those missing.
# Quiet when everything is already there. Needs root (or sudo) to install.
# netcat-openbsd: the README talks to a live herd with `nc -N`.
set -euo pipefail
packages=(
  g++ cmake ninja-build ccache git pkg-config
  libboost-dev libboost-graph-dev libboost-program-options-dev
  libboost-iostreams-dev libboost-system-dev libboost-filesystem-dev
  libsqlite3-dev sqlite3 nlohmann-json3-dev catch2 libbenchmark-dev
  libssl-dev openssl libgnuplot-iostream-dev gnuplot-nox
  netcat-openbsd
)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "herd: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "herd: package installation failed (log above)" >&2
  exit 1
fi
rm -f "$log"
