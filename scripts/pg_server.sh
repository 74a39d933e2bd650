#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (issue 17): `scripts/pg_server.sh start DIR` makes a
# cluster in DIR (initdb, trust on loopback only, run as the `postgres` user when root), starts it on
# a free local port and prints its URL; `scripts/pg_server.sh stop DIR` stops it. `start` on a DIR whose
# server was stopped starts that cluster again on its port (a test of a server that goes away and comes
# back). Nothing outside DIR is touched; remove DIR afterwards.
set -euo pipefail

action="${1:-}"; dir="${2:-}"
[ -n "$dir" ] || { echo "bruk: scripts/pg_server.sh start|stop MAPPE" >&2; exit 2; }

bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bindir/initdb" ] || { echo "PostgreSQL er ikke installert (Debian-pakken postgresql)." >&2; exit 1; }

as_owner() {  # PostgreSQL refuses to run as root
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
    if [ -f "$dir/port" ] && [ -d "$dir/data" ]; then  # started before: the same cluster on the same port
      port="$(cat "$dir/port")"
    else
      port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
      as_owner "$bindir/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
      echo "$port" >"$dir/port"
    fi
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100" start >/dev/null
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ -d "$dir/data" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
  *) echo "bruk: scripts/pg_server.sh start|stop MAPPE" >&2; exit 2 ;;
esac
