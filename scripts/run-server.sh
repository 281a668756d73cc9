#!/usr/bin/env bash
# Installs dependencies, builds, and runs the chat server on its embedded defaults:
# http://127.0.0.1:8080/ (the chat page), ws://127.0.0.1:8080/v1/chat, database ./rightconv.db.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)"
exec ./build/src/rightconv serve "$@"
