#!/usr/bin/env bash
# Installs what rightconv needs to build and test, from Debian 12 packages only. Run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(
  g++ cmake ninja-build pkg-config
  libboost-dev libssl-dev nlohmann-json3-dev libyaml-dev libsqlite3-dev libspdlog-dev libcpp-httplib-dev
  doctest-dev libcurl4-openssl-dev libxml2-dev
  # the safety detector: Unicode folding, Snowball stems, linear-time regex, a real en-GB dictionary
  libutf8proc-dev libstemmer-dev libre2-dev libhunspell-dev hunspell-en-gb
  # the PostgreSQL store: the client library, and a server the tests start as a throw-away cluster
  libpq-dev postgresql-15
  # readiness and reload under systemd (sd_notify); the Debian package's build and its test
  # (dpkg-shlibdeps for the runtime dependencies, systemd-analyze for the units)
  libsystemd-dev dpkg-dev systemd
  # the server's allocator: a tenth less CPU a turn than glibc's malloc (bench/README.md)
  libjemalloc-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
