#!/usr/bin/env bash
# A private PostgreSQL + TimescaleDB cluster in a folder of its own.
#   scripts/pg.sh start|stop|status|url DIR [PORT]
#   scripts/pg.sh replica-start DIR PORT PRIMARY_SOCKET_DIR PRIMARY_PORT
# DIR holds data/ (the cluster), run/ (its socket) and log. The cluster listens on its
# socket and on 127.0.0.1:PORT. Its superuser is "xat" (trusted on the socket only; TCP
# needs a password), database "xat". As root, the server runs as the "postgres" user,
# since PostgreSQL refuses to run as root.
# XAT_PG_THROWAWAY=1 trades durability for speed (fsync off): for test clusters only.
# replica-start makes DIR a streaming hot standby of the cluster at PRIMARY_SOCKET_DIR
# (pg_basebackup -R, over the primary's socket), starts it and prints its URL last. A
# cluster made here needs nothing more to be a primary: PostgreSQL's defaults are
# wal_level = replica and max_wal_senders = 10, and initdb's pg_hba.conf trusts
# replication connections on the socket (--auth-local=trust) as it trusts the others.
set -euo pipefail

usage="usage: pg.sh start|stop|status|url DIR [PORT] | replica-start DIR PORT PRIMARY_SOCKET_DIR PRIMARY_PORT"
cmd=${1:?$usage}
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

make_standby() {
  local bin=$1 primary_socket=$2 primary_port=$3
  mkdir -p "$dir/run"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir" "$dir/run"
  # -X stream: the WAL written during the copy comes with it; -c fast: no wait for the
  # primary's next checkpoint.
  as_owner "$bin/pg_basebackup" -h "$primary_socket" -p "$primary_port" -U xat -D "$dir/data" -R -X stream -c fast
  # The copied postgresql.conf is the primary's: its own port and socket folder win.
  cat >>"$dir/data/postgresql.conf" <<CONF
# A hot standby of the cluster at $primary_socket, port $primary_port (pg.sh replica-start).
port = $port
unix_socket_directories = '$dir/run'
hot_standby = on
CONF
}

running() { [ -f "$dir/data/postmaster.pid" ] && as_owner "$(bindir)/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }
started() { running || as_owner "$1/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 start >/dev/null; }
url() { echo "postgresql://xat@/xat?host=$dir/run&port=$port"; }

case "$cmd" in
  start)
    bin=$(bindir)
    [ -f "$dir/data/PG_VERSION" ] || init_cluster "$bin"
    # The time of the newest commit, against which a read replica's lag is measured
    # (xat/replicas.py); added to a cluster made before, read at its next start.
    grep -q '^track_commit_timestamp' "$dir/data/postgresql.conf" \
      || echo 'track_commit_timestamp = on' >>"$dir/data/postgresql.conf"
    started "$bin"
    if ! "$bin/psql" -h "$dir/run" -p "$port" -U xat -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='xat'" | grep -q 1; then
      "$bin/createdb" -h "$dir/run" -p "$port" -U xat xat
    fi
    echo "PostgreSQL with TimescaleDB running: socket $dir/run, port $port, database xat" >&2
    ;;
  replica-start)
    bin=$(bindir)
    [ -f "$dir/data/PG_VERSION" ] || make_standby "$bin" "$(cd "${4:?$usage}" && pwd)" "${5:?$usage}"
    started "$bin"
    echo "Hot standby running: socket $dir/run, port $port; put its URL in DATABASE_REPLICA_URLS:" >&2
    url
    ;;
  stop)
    if running; then as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; fi
    ;;
  status)
    if running; then echo "running: socket $dir/run, port $port"; else echo "stopped"; exit 3; fi
    ;;
  url)
    url
    ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
