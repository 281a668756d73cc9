#!/usr/bin/env bash
# Builds rightconv and rightconv_bench (Release), then for each scenario starts a fresh server on a
# temporary database and a free loopback port, drives it, stops it, and prints one markdown table
# for the load runs and one for the idle run. Loopback only; every step is bounded in time.
#
# Knobs (environment): BUILD_DIR (default <repo>/build-bench), CONNECTIONS ("1 50 100 1000"; "" for none),
# DURATION (10), WARMUP (2), IDLE (10000; 0 skips it), HOLD (3), THREADS (1), RESULTS_DIR
# (default $BUILD_DIR/bench-results/<time>), RATE_LIMITED (0; 1 keeps the server's default
# per-connection rate limit instead of lifting it).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
connections=${CONNECTIONS-1 50 100 1000}  # empty: no load runs
duration=${DURATION:-10}
warmup=${WARMUP:-2}
idle=${IDLE:-10000}
hold=${HOLD:-3}
threads=${THREADS:-1}
results=${RESULTS_DIR:-$build/bench-results/$(date +%Y%m%d-%H%M%S)}

say() { printf '%s\n' "$*" >&2; }

# --- build ---------------------------------------------------------------------------------------
generator=()
if [[ ! -f $build/CMakeCache.txt ]] && command -v ninja >/dev/null; then generator=(-G Ninja); fi
say "building in $build (Release)"
mkdir -p "$build"
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DRIGHTCONV_BENCH=ON -DRIGHTCONV_TESTS=OFF \
  >"$build/bench-configure.log" 2>&1 || { cat "$build/bench-configure.log" >&2; exit 1; }
cmake --build "$build" --target rightconv rightconv_bench >&2
server_bin=$build/src/rightconv
bench_bin=$build/bench/rightconv_bench
mkdir -p "$results"

# --- limits --------------------------------------------------------------------------------------
# Both processes inherit this shell's limit. Each idle connection costs the server and the bench one
# descriptor each (and the server does not raise its own soft limit yet).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [[ $idle -gt 0 && $(ulimit -n) != unlimited && $(ulimit -n) -lt $((idle + 100)) ]]; then
  say "warning: open-file limit $(ulimit -n) is below $((idle + 100)); the idle run will fail part-way (raise ulimit -Hn)"
fi

# --- server --------------------------------------------------------------------------------------
config=$results/server-config.json
if [[ ${RATE_LIMITED:-0} == 1 ]]; then
  echo '{}' >"$config"
else
  # The bench answers as fast as the server replies, far faster than a person; the default limit
  # (20 messages/s per connection) would measure the limiter, not the server.
  cat >"$config" <<'EOF'
{"$comment": "rightconv bench: per-connection rate limit lifted, everything else at its default",
 "limits": {"max_messages_per_second": 1000000, "burst_messages": 100000}}
EOF
fi

# Every port the server opens must be a free one, so that runs never collide with anything else.
extra_listen=()
if "$server_bin" serve --help 2>/dev/null | grep -q -- --staff-listen; then extra_listen=(--staff-listen 127.0.0.1:0); fi

server_pid=
server_port=
tmp=$(mktemp -d /tmp/rightconv-bench.XXXXXX)

stop_server() {
  [[ -n $server_pid ]] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$server_pid" 2>/dev/null; then
    say "server $server_pid did not stop within 10 s of SIGTERM: killing it"
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}
cleanup() { stop_server; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_server NAME: a fresh server on a fresh database; sets server_pid and server_port.
start_server() {
  local name=$1
  rm -f "$tmp"/db.sqlite* "$tmp/port"
  (cd "$root" && exec "$server_bin" serve --config "$config" --listen 127.0.0.1:0 "${extra_listen[@]}" \
    --port-file "$tmp/port" --db "$tmp/db.sqlite" --log-level warn) >"$results/server-$name.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 200); do
    [[ -s $tmp/port ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$results/server-$name.log" >&2; say "the server exited at start"; exit 1; }
    sleep 0.05
  done
  [[ -s $tmp/port ]] || { say "the server did not write its port within 10 s"; exit 1; }
  server_port=$(head -n 1 "$tmp/port")  # the chat port comes first
}

# run_bench NAME ARGS...: one scenario against a fresh server; its markdown lands in $results/NAME.md.
run_bench() {
  local name=$1
  shift
  start_server "$name"
  say "running $name against 127.0.0.1:$server_port (server pid $server_pid)"
  "$bench_bin" --port "$server_port" --server-pid "$server_pid" --threads "$threads" --format markdown \
    --json-file "$results/$name.json" "$@" >"$results/$name.md" || say "  $name saw errors: see $results/$name.json"
  stop_server
}

for c in $connections; do run_bench "load-$c" --connections "$c" --duration "$duration" --warmup "$warmup"; done
if [[ $idle -gt 0 ]]; then run_bench "idle-$idle" --idle "$idle" --hold "$hold"; fi

# --- table ---------------------------------------------------------------------------------------
table() {  # table FILE...: the first file's header, then every file's row
  local first=1
  for f in "$@"; do
    if [[ $first == 1 ]]; then head -n 2 "$f"; first=0; fi
    tail -n 1 "$f"
  done
}
{
  echo "rightconv bench, $(date -u +%Y-%m-%dT%H:%MZ), $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo 'no git')" \
    "on $(nproc) core(s) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))," \
    "Linux $(uname -r); ${duration} s measured after ${warmup} s warm-up; ${threads} client thread(s);" \
    "rate limit $([[ ${RATE_LIMITED:-0} == 1 ]] && echo 'at its default' || echo 'lifted')."
  echo
  load_files=()
  for c in $connections; do load_files+=("$results/load-$c.md"); done
  if [[ ${#load_files[@]} -gt 0 ]]; then
    table "${load_files[@]}"
    echo
  fi
  if [[ $idle -gt 0 ]]; then table "$results/idle-$idle.md"; fi
} | tee "$results/table.md"
say "details (JSON per run, server logs): $results"
