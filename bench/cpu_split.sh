#!/bin/bash
# One fresh server, one load, and where its CPU goes: turns/s, p50, the server's user and system
# CPU a turn (from /proc/<pid>/stat) and its write system calls a turn (/proc/<pid>/io).
# By hand, beside bench/run.sh, for A/B runs of one setting (bench/README.md, steps 12 and 13):
#   bench/cpu_split.sh [SERVER_BIN] [CONNECTIONS]
# Environment: CONFIG (the server's config file; default: the rate limit lifted), DURATION
# (seconds, default 6), PAGE (a page_size to create the database with first).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build-bench/src/rightconv}
conns=${2:-50}
duration=${DURATION:-6}
ulimit -n "$(ulimit -Hn)"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
config=${CONFIG:-$d/config.json}
[ -n "${CONFIG:-}" ] || echo '{"limits": {"max_messages_per_second": 1000000, "burst_messages": 100000}}' > "$config"
if [ -n "${PAGE:-}" ]; then
  python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA page_size=$PAGE'); c.execute('PRAGMA journal_mode=WAL'); c.execute('CREATE TABLE x(a)'); c.execute('DROP TABLE x'); c.close()" "$d/b.db"
fi
"$bin" serve --config "$config" --listen 127.0.0.1:0 --port-file "$d/port" --db "$d/b.db" > "$d/log" 2>&1 &
pid=$!
for _ in $(seq 50); do [ -s "$d/port" ] && break; sleep 0.2; done
[ -s "$d/port" ] || { echo "the server did not start:"; cat "$d/log"; exit 1; }
tck=$(getconf CLK_TCK)
read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$pid/stat"); w0=$(awk '/syscw/{print $2}' "/proc/$pid/io")
out=$(build-bench/bench/rightconv_bench --port "$(head -1 "$d/port")" --connections "$conns" --duration "$duration" --warmup 0 --format json 2>/dev/null)
read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$pid/stat"); w1=$(awk '/syscw/{print $2}' "/proc/$pid/io")
kill "$pid"; wait "$pid" 2>/dev/null || true
python3 - "$out" "$u0" "$s0" "$u1" "$s1" "$w0" "$w1" "$tck" "$duration" <<'PY'
import json, sys
j = json.loads(sys.argv[1])
u0, s0, u1, s1, w0, w1, tck, secs = map(int, sys.argv[2:])
turns = j["turns_per_s"] * secs
p50 = j["latency_us"]["p50"]
print(f"turns/s {j['turns_per_s']:,.0f}  p50 {p50 / 1000:.3f} ms  server user {(u1 - u0) / tck / turns * 1e6:.0f} µs  "
      f"system {(s1 - s0) / tck / turns * 1e6:.0f} µs a turn  write calls {(w1 - w0) / turns:.2f} a turn")
PY
