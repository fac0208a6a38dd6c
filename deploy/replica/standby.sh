#!/bin/sh
# compose's `replica` service: the official TimescaleDB image as a streaming standby of
# `db`. Its first start copies the primary (pg_basebackup -R: standby.signal and
# primary_conninfo written, WAL streamed during the copy); later starts find the copy and
# go on streaming. Read-only: XAT sends it the heavy reads (DATABASE_REPLICA_URLS).
set -eu
data=${PGDATA:-/var/lib/postgresql/data}
# The image's own way to drop root: su-exec (Alpine-based images) or gosu (Debian-based).
as_postgres=$(command -v su-exec || command -v gosu)
if [ ! -s "$data/PG_VERSION" ]; then
  until pg_isready -q -h "$PRIMARY_HOST" -U "$PGUSER"; do sleep 1; done
  mkdir -p "$data" && chown postgres "$data" && chmod 0700 "$data"
  "$as_postgres" postgres pg_basebackup -h "$PRIMARY_HOST" -U "$PGUSER" -D "$data" -R -X stream -c fast
fi
exec "$as_postgres" postgres postgres -D "$data"
