#!/usr/bin/env bash
# Checks that the folders of src/ (and connectors/) are layers that include only downward, and
# that each CMake library compiles only its own folder's sources. Run by CTest (ctest -R layers)
# and by hand: bash scripts/check-layers.sh. Prints every breach; exits 1 if there is one.
#
#   5 cli                                       the composition root: reads the config, wires the parts
#   4 server                                    Beast listener, chat/HTTP/console sessions
#   3 staff, voice                              staff API and accounts; the telephony webhook
#   2 handoff                                   routes, hub queues, the outbox, the connector interface
#   1 guidance, store, protocol, http, metrics  disk, SQLite, the wire format, static files, counters
#   0 core                                      the pure engine and content: no I/O
#   connectors/ may include only core/ and handoff/.
# SQL is written only in src/store/ and in *_store.cpp / *_queries.cpp files.
set -u
cd "$(dirname "$0")/.." || exit 2

declare -A rank=([core]=0 [guidance]=1 [store]=1 [protocol]=1 [http]=1 [metrics]=1 [handoff]=2 [staff]=3 [voice]=3 [server]=4 [cli]=5)
problems=0
breach() {
  echo "layers: $*"
  problems=$((problems + 1))
}

# Includes between folders: only to a lower layer.
for dir in src/*/; do
  from=$(basename "$dir")
  [ -n "${rank[$from]+x}" ] || { breach "src/$from is not a known layer: add it to scripts/check-layers.sh"; continue; }
  while IFS=: read -r file line text; do
    to=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"$text")
    [ "$to" = "$from" ] && continue
    if [ -z "${rank[$to]+x}" ]; then
      breach "$file:$line includes $to/, which is not a layer"
    elif [ "${rank[$to]}" -ge "${rank[$from]}" ]; then
      breach "$file:$line: $from (layer ${rank[$from]}) includes $to/ (layer ${rank[$to]}): only lower layers may be included"
    fi
  done < <(grep -nE '^#include "[a-z_]+/' "$dir"*.cpp "$dir"*.hpp 2>/dev/null)
done

while IFS=: read -r file line text; do
  to=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"$text")
  case "$to" in
    core | handoff) ;;
    console | email | webhook) ;;  # a connector's own folder
    *) breach "$file:$line: a connector includes $to/: connectors see only core/ and handoff/" ;;
  esac
done < <(grep -rnE '^#include "[a-z_]+/' connectors --include=*.cpp --include=*.hpp)

# SQL lives in the store: src/store/, or a part's own *_store.cpp / *_queries.cpp.
while IFS=: read -r file line _; do
  breach "$file:$line: SQL outside a store file (move it to src/store/ or a *_store.cpp / *_queries.cpp)"
done < <(grep -rnE '"[[:space:]]*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|PRAGMA|WITH) ' src connectors --include=*.cpp --include=*.hpp |
  grep -vE '^src/store/|_store\.(cpp|hpp):|_queries\.(cpp|hpp):')

# Each library in src/CMakeLists.txt compiles only sources of its own folder.
awk '
  /^add_library\(rightconv_/ { lib = $1; sub(/^add_library\(rightconv_/, "", lib); inlib = 1; next }
  /^add_executable\(rightconv / { lib = "cli"; n = split($0, parts, /[ ()]/); for (i = 1; i <= n; i++) if (parts[i] ~ /\.cpp$/) print lib, parts[i]; next }
  inlib && /^\)/ { inlib = 0; next }
  inlib && /\.cpp/ { n = split($0, parts, " "); for (i = 1; i <= n; i++) if (parts[i] ~ /\.cpp$/) print lib, parts[i] }
' src/CMakeLists.txt | while read -r lib path; do
  folder=${path%%/*}
  [ "$folder" = "$lib" ] || echo "layers: src/CMakeLists.txt: rightconv_$lib compiles $path, from another folder"
done | { if read -r first; then echo "$first"; cat; exit 1; fi; } || problems=$((problems + 1))

if [ "$problems" -gt 0 ]; then
  echo "layers: $problems problem(s)"
  exit 1
fi
echo "layers: every folder includes only lower layers; every library compiles only its own folder; SQL only in store files"
