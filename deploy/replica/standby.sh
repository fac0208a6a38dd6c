#!/bin/sh
# compose's `replica` service: the official TimescaleDB image as a streaming standby of
# `db`. Its first start copies the primary (pg_basebackup -R: standby.signal and
# primary_conninfo written, WAL streamed during the copy); later starts find the copy and
# go on streaming. Read-only: XAT sends it the heavy reads (DATABASE_REPLICA_URLS).
set -eu
data=${PGDATA:-/var/lib/postgresql/data}
if [ ! -s "$data/PG_VERSION" ]; then
  until pg_isready -q -h "$PRIMARY_HOST" -U "$PGUSER"; do sleep 1; done
  mkdir -p "$data" && chown postgres "$data" && chmod 0700 "$data"
  su-exec postgres pg_basebackup -h "$PRIMARY_HOST" -U "$PGUSER" -D "$data" -R -X stream -c fast
fi
exec su-exec postgres postgres -D "$data"
