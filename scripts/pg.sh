#!/usr/bin/env bash
# A private PostgreSQL + TimescaleDB cluster in a folder of its own.
#   scripts/pg.sh start|stop|status|url DIR [PORT]
# DIR holds data/ (the cluster), run/ (its socket) and log. The cluster listens on its
# socket and on 127.0.0.1:PORT. Its superuser is "xat" (trusted on the socket only; TCP
# needs a password), database "xat". As root, the server runs as the "postgres" user,
# since PostgreSQL refuses to run as root.
# XAT_PG_THROWAWAY=1 trades durability for speed (fsync off): for test clusters only.
set -euo pipefail

cmd=${1:?usage: pg.sh start|stop|status|url DIR [PORT]}
dir=$(mkdir -p "${2:?DIR missing}" && cd "$2" && pwd)
port=${3:-54329}
here=$(cd "$(dirname "$0")" && pwd)

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
bindir() { bash "$here/install-timescaledb.sh" | tail -n1; }

init_cluster() {
  local bin=$1
  mkdir -p "$dir/run"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir" "$dir/run"
  as_owner "$bin/initdb" -D "$dir/data" -U xat --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
  # Tuned for a 2-core, small-memory development machine; see docs/storage.md.
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/run'
shared_preload_libraries = 'timescaledb'
timescaledb.telemetry_level = off
max_connections = 100
shared_buffers = 512MB
work_mem = 16MB
maintenance_work_mem = 256MB
effective_cache_size = 2GB
max_wal_size = 2GB
timescaledb.max_background_workers = 8
max_worker_processes = 16
log_min_duration_statement = 1000
CONF
  if [ "${XAT_PG_THROWAWAY:-0}" = 1 ]; then
    printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 256MB\n' \
      >>"$dir/data/postgresql.conf"
  fi
}

running() { [ -f "$dir/data/postmaster.pid" ] && as_owner "$(bindir)/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }

case "$cmd" in
  start)
    bin=$(bindir)
    [ -f "$dir/data/PG_VERSION" ] || init_cluster "$bin"
    if ! running; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 start >/dev/null
    fi
    if ! "$bin/psql" -h "$dir/run" -p "$port" -U xat -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='xat'" | grep -q 1; then
      "$bin/createdb" -h "$dir/run" -p "$port" -U xat xat
    fi
    echo "PostgreSQL with TimescaleDB running: socket $dir/run, port $port, database xat" >&2
    ;;
  stop)
    if running; then as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; fi
    ;;
  status)
    if running; then echo "running: socket $dir/run, port $port"; else echo "stopped"; exit 3; fi
    ;;
  url)
    echo "postgresql://xat@/xat?host=$dir/run&port=$port"
    ;;
  *) echo "usage: pg.sh start|stop|status|url DIR [PORT]" >&2; exit 2 ;;
esac
