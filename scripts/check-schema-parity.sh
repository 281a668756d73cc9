#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster (initdb + pg_ctl in a temporary folder, a free loopback
# port; as the postgres user when run as root) and runs scripts/compare-schemas.py against it:
# the PostgreSQL migrations must give the same schema and data as the SQLite ones. Run by CTest
# (ctest -R schema_parity) and by hand. Exits with the script's status; the cluster is removed.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${RIGHTCONV_PG_BIN:-/usr/lib/postgresql/15/bin}
dir=$(mktemp -d /tmp/rightconv-parity-XXXXXX)
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as_owner=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U rightconv -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log"; exit 2; }
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 120 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null || { cat "$dir/log"; exit 2; }
python3 scripts/compare-schemas.py --pg-host 127.0.0.1 --pg-port "$port" --pg-user rightconv
