#!/bin/sh
# compose's `db` runs this once, when it creates its cluster (the official image's
# /docker-entrypoint-initdb.d/): the `replica` service may stream from it as the database's
# owner (a superuser, so it has REPLICATION), with its password. A cluster created before
# this file was mounted needs the line added by hand (docs/scaling.md).
set -eu
echo "host replication ${POSTGRES_USER} all scram-sha-256" >>"$PGDATA/pg_hba.conf"
