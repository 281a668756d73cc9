#!/usr/bin/env bash
# One throw-away PostgreSQL cluster shared by a ctest run of the integration suite on PostgreSQL
# (tests/CMakeLists.txt, fixture pg_shared): `start DIR` makes it in DIR (initdb, a free loopback
# port, SCRAM passwords over TCP, trust on its Unix socket in DIR) and writes DIR/port;
# `stop DIR` stops it and removes DIR. As root (CI) it runs as the postgres user.
set -euo pipefail
action=$1
dir=$2
bin=${RIGHTCONV_PG_BIN:-/usr/lib/postgresql/15/bin}
password=pg-test-secret-7f3a  # the tests' PgCluster::kPassword
as_owner() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case $action in
  start)
    if [[ -f $dir/port ]]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    mkdir -p "$dir"
    echo "$password" >"$dir/pw"
    if [[ $(id -u) == 0 ]]; then chown -R postgres "$dir"; chmod 755 "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U rightconv --pwfile="$dir/pw" --auth-local=trust --auth-host=scram-sha-256 \
      --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    for _ in 1 2 3; do
      port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
      # fsync off: a test cluster thrown away at the end (the durability tests use their own).
      if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 120 \
           -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >/dev/null; then
        echo "$port" >"$dir/port"
        exit 0
      fi
    done
    cat "$dir/log" >&2
    exit 1
    ;;
  stop)
    [[ -d $dir ]] || exit 0
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
