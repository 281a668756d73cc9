#!/usr/bin/env bash
# Installs dependencies, builds, and runs the early-help dialog in the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
exec ./build/src/rightconv walk dialogs/early-help.yaml
