#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test: unit, integration (real servers on
# loopback) and browser (headless Chromium), then the unit and integration tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer. Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/install-browser-deps.sh
jobs=$(nproc)

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "$jobs"
(cd build && ctest -j "$jobs" --output-on-failure)

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRIGHTCONV_SANITIZE=ON -DRIGHTCONV_BENCH=OFF
cmake --build build-asan -j "$jobs"
# Under the sanitizers: everything but the browser files, the second, PostgreSQL pass of the
# integration suite ("pg:", run above in the normal build; the PostgreSQL tests proper run here)
# and the Debian package's test (it installs the normal build's package).
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest -j "$jobs" -E '^browser_|^pg:|^pg_shared|Debian package' --output-on-failure)
