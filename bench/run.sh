#!/usr/bin/env bash
# Builds rightconv and rightconv_bench (Release), then for each scenario starts fresh servers on a
# fresh database and free loopback ports, drives them, stops them, and prints one markdown table
# for the load runs of each store and instance count, and one for the idle run. Loopback only;
# every step is bounded in time.
#
# Knobs (environment): BUILD_DIR (default <repo>/build-bench), CONNECTIONS ("1 50 100 1000"; "" for none),
# DURATION (10), WARMUP (2), IDLE (10000; 0 skips it), HOLD (3), THREADS (1), RESULTS_DIR
# (default $BUILD_DIR/bench-results/<time>), RATE_LIMITED (0; 1 keeps the server's default
# per-connection rate limit instead of lifting it), STORES ("sqlite"; "sqlite postgresql" for both),
# INSTANCES ("1"; for PostgreSQL, e.g. "1 2": that many servers share the database and the bench's
# connections are spread over them). PostgreSQL runs on a throw-away cluster this script starts
# with initdb and pg_ctl in a temporary folder (as the postgres user when run as root), on a free
# loopback port, with Debian's defaults (fsync and synchronous_commit on), and removes it at the end.
# SERVER_BIN (default the rightconv just built): another build's binary, to compare two versions
# with the same bench, transport and machine in one run (it serves this checkout's dialogs,
# content and web). SERVER_THREADS: the server's `threads` setting (default: its own, one I/O
# thread per core).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
connections=${CONNECTIONS-1 50 100 1000}  # empty: no load runs
duration=${DURATION:-10}
warmup=${WARMUP:-2}
idle=${IDLE:-10000}
hold=${HOLD:-3}
threads=${THREADS:-1}
stores=${STORES:-sqlite}
for store in $stores; do
  [[ $store == sqlite || $store == postgresql ]] || { echo "STORES: \"$store\" is not a store (sqlite, postgresql)" >&2; exit 2; }
done
instances_list=${INSTANCES:-1}
pg_bin=${RIGHTCONV_PG_BIN:-/usr/lib/postgresql/15/bin}
results=${RESULTS_DIR:-$build/bench-results/$(date +%Y%m%d-%H%M%S)}

say() { printf '%s\n' "$*" >&2; }

# --- build ---------------------------------------------------------------------------------------
generator=()
if [[ ! -f $build/CMakeCache.txt ]] && command -v ninja >/dev/null; then generator=(-G Ninja); fi
say "building in $build (Release)"
mkdir -p "$build"
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DRIGHTCONV_BENCH=ON -DRIGHTCONV_TESTS=OFF \
  >"$build/bench-configure.log" 2>&1 || { cat "$build/bench-configure.log" >&2; exit 1; }
cmake --build "$build" --target rightconv rightconv_bench rightconv_transport >&2
server_bin=${SERVER_BIN:-$build/src/rightconv}
bench_bin=$build/bench/rightconv_bench
transport_bin=$build/bench/rightconv_transport
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
  limits='{}'
else
  # The bench answers as fast as the server replies, far faster than a person; the default limit
  # (20 messages/s per connection) would measure the limiter, not the server.
  limits='{"max_messages_per_second": 1000000, "burst_messages": 100000}'
fi
if [[ -n ${SERVER_THREADS:-} && ! $SERVER_THREADS =~ ^[1-9][0-9]*$ ]]; then
  echo "bench/run.sh: SERVER_THREADS must be a positive whole number, not '$SERVER_THREADS'" >&2
  exit 2
fi
threads_setting=${SERVER_THREADS:+, \"threads\": $SERVER_THREADS}

# Every port the server opens must be a free one, so that runs never collide with anything else.
extra_listen=()
if "$server_bin" serve --help 2>/dev/null | grep -q -- --staff-listen; then extra_listen=(--staff-listen 127.0.0.1:0); fi
if "$server_bin" serve --help 2>/dev/null | grep -q -- --console-listen; then extra_listen+=(--console-listen 127.0.0.1:0); fi

server_pids=()
server_ports=()
tmp=$(mktemp -d /tmp/rightconv-bench.XXXXXX)
chmod 755 "$tmp"
pg_port=
pg_running=0

as_pg_owner() {  # initdb and postgres refuse to run as root: as root, the postgres user Debian's package made
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg_sql() { "$pg_bin/psql" -h "$tmp/pg" -p "$pg_port" -U rightconv -d postgres -X -A -t -q -v ON_ERROR_STOP=1 -c "$1" >/dev/null; }

start_postgresql() {
  [[ $pg_running == 1 ]] && return 0
  mkdir -p "$tmp/pg"
  echo "rightconv-bench-$$-$RANDOM" >"$tmp/pg/pw"
  if [[ $(id -u) == 0 ]]; then chown -R postgres "$tmp/pg"; fi
  as_pg_owner "$pg_bin/initdb" -D "$tmp/pg/data" -U rightconv --pwfile="$tmp/pg/pw" --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$results/postgresql-initdb.log" 2>&1 || { cat "$results/postgresql-initdb.log" >&2; exit 1; }
  pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg_owner "$pg_bin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/log" -w -t 120 \
    -o "-p $pg_port -k $tmp/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null || { cat "$tmp/pg/log" >&2; exit 1; }
  pg_running=1
  say "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port (throw-away cluster in $tmp/pg)"
}

stop_postgresql() {
  [[ $pg_running == 1 ]] || return 0
  cp "$tmp/pg/log" "$results/postgresql.log" 2>/dev/null || true
  as_pg_owner "$pg_bin/pg_ctl" -D "$tmp/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  pg_running=0
}

stop_servers() {
  local pid
  for pid in "${server_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${server_pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      say "server $pid did not stop within 10 s of SIGTERM: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  server_pids=()
  server_ports=()
}
cleanup() { stop_servers; stop_postgresql; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_servers NAME STORE N: N fresh servers on a fresh database of STORE; sets server_pids and
# server_ports (their chat ports).
start_servers() {
  local name=$1 store=$2 n=$3 db i
  rm -f "$tmp"/db.sqlite* "$tmp"/port-*
  if [[ $store == postgresql ]]; then
    start_postgresql
    pg_sql "DROP DATABASE IF EXISTS bench"
    pg_sql "CREATE DATABASE bench"
    db="postgresql://rightconv@127.0.0.1:$pg_port/bench"
    printf '{"limits": %s, "db_password_file": "%s"%s}\n' "$limits" "$tmp/pg/pw" "$threads_setting" >"$config"
    # Migrate once, before the instances start (each would otherwise take its turn at start).
    (cd "$root" && "$server_bin" migrate --db "$db" --config "$config") >"$results/migrate-$name.log" 2>&1 ||
      { cat "$results/migrate-$name.log" >&2; exit 1; }
  else
    db=$tmp/db.sqlite
    printf '{"$comment": "rightconv bench: per-connection rate limit as chosen, everything else at its default", "limits": %s%s}\n' \
      "$limits" "$threads_setting" >"$config"
  fi
  for i in $(seq "$n"); do
    (cd "$root" && exec "$server_bin" serve --config "$config" --listen 127.0.0.1:0 "${extra_listen[@]}" \
      --port-file "$tmp/port-$i" --db "$db" --log-level warn) >"$results/server-$name-$i.log" 2>&1 &
    server_pids+=($!)
  done
  for i in $(seq "$n"); do
    for _ in $(seq 200); do
      [[ -s $tmp/port-$i ]] && break
      kill -0 "${server_pids[$((i - 1))]}" 2>/dev/null || { cat "$results/server-$name-$i.log" >&2; say "the server exited at start"; exit 1; }
      sleep 0.05
    done
    [[ -s $tmp/port-$i ]] || { say "the server did not write its port within 10 s"; exit 1; }
    server_ports+=("$(head -n 1 "$tmp/port-$i")")  # the chat port comes first
  done
}

joined() { local IFS=,; echo "$*"; }

# run_bench NAME STORE N ARGS...: one scenario against N fresh servers; its markdown lands in $results/NAME.md.
run_bench() {
  local name=$1 store=$2 n=$3
  shift 3
  start_servers "$name" "$store" "$n"
  say "running $name against 127.0.0.1:$(joined "${server_ports[@]}") (server pid(s) $(joined "${server_pids[@]}"))"
  "$bench_bin" --port "$(joined "${server_ports[@]}")" --server-pid "$(joined "${server_pids[@]}")" --threads "$threads" \
    --format markdown --json-file "$results/$name.json" "$@" >"$results/$name.md" || say "  $name saw errors: see $results/$name.json"
  stop_servers
}

# --- the ceiling: the same frames with no logic and no database ----------------------------------
# rightconv_transport replays, for each message, the frames a real server sent for that turn
# (recorded here from a fresh one), so the row measures the machine, Beast and the bench alone.
transport_names=()
if [[ -n $connections ]]; then
  start_servers record sqlite 1
  "$transport_bin" --record-from "${server_ports[0]}" --frames "$tmp/frames.json" || { say "could not record the frames"; exit 1; }
  stop_servers
  for c in $connections; do
    name="transport-$c"
    rm -f "$tmp/port-transport"
    "$transport_bin" --frames "$tmp/frames.json" --port-file "$tmp/port-transport" >"$results/$name-server.log" 2>&1 &
    server_pids=($!)
    for _ in $(seq 100); do [[ -s $tmp/port-transport ]] && break; sleep 0.05; done
    say "running $name"
    "$bench_bin" --port "$(head -n 1 "$tmp/port-transport")" --server-pid "${server_pids[0]}" --threads "$threads" --format markdown \
      --json-file "$results/$name.json" --connections "$c" --duration "$duration" --warmup "$warmup" >"$results/$name.md" ||
      say "  $name saw errors: see $results/$name.json"
    stop_servers
    transport_names+=("$name")
  done
fi

runs=()  # "label|name name ..." per table
for store in $stores; do
  counts=1
  [[ $store == postgresql ]] && counts=$instances_list
  for n in $counts; do
    names=()
    for c in $connections; do
      name="load-$store-$n-$c"
      run_bench "$name" "$store" "$n" --connections "$c" --duration "$duration" --warmup "$warmup"
      names+=("$name")
    done
    label="SQLite, 1 instance"
    [[ $store == postgresql ]] && label="PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'), $n instance(s)"
    [[ ${#names[@]} -gt 0 ]] && runs+=("$label|${names[*]}")
  done
done
if [[ $idle -gt 0 ]]; then run_bench "idle-$idle" sqlite 1 --idle "$idle" --hold "$hold"; fi

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
  if [[ ${#transport_names[@]} -gt 0 ]]; then
    echo "Bare transport (rightconv_transport: the same frames, no logic, no database):"
    echo
    transport_files=()
    for name in "${transport_names[@]}"; do transport_files+=("$results/$name.md"); done
    table "${transport_files[@]}"
    echo
  fi
  for run in "${runs[@]}"; do
    echo "${run%%|*}:"
    echo
    load_files=()
    for name in ${run#*|}; do load_files+=("$results/$name.md"); done
    table "${load_files[@]}"
    echo
    # Against the ceiling, and the server's CPU per turn (server CPU seconds / turns in the window).
    echo "| connections | turns/s | transport turns/s | of the transport | server CPU per turn (µs) |"
    echo "|---:|---:|---:|---:|---:|"
    for name in ${run#*|}; do
      c=${name##*-}
      python3 - "$results/$name.json" "$results/transport-$c.json" <<'PY'
import json, sys
ours = json.load(open(sys.argv[1]))
try:
    ceiling = json.load(open(sys.argv[2]))["turns_per_s"]
except OSError:
    ceiling = 0
turns = ours["turns_per_s"]
cpu = ours["server_cpu_s"] / ours["turns"] * 1e6 if ours["turns"] else 0
share = f"{turns / ceiling:.0%}" if ceiling else "n/a"
print(f"| {ours['connections']} | {turns:.1f} | {ceiling:.1f} | {share} | {cpu:.0f} |")
PY
    done
    echo
  done
  if [[ $idle -gt 0 ]]; then table "$results/idle-$idle.md"; fi
} | tee "$results/table.md"
say "details (JSON per run, server logs): $results"
