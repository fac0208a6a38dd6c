#!/usr/bin/env bash
# `make test`: a throwaway cluster, the whole pytest suite against it, pytest's status.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh

pgdir=$(mktemp -d /tmp/xat-test-pg.XXXXXX)
port=${XAT_TEST_PG_PORT:-$((55000 + RANDOM % 1000))}
cleanup() { bash scripts/pg.sh stop "$pgdir" "$port" || true; rm -rf "$pgdir"; }
trap cleanup EXIT
XAT_PG_THROWAWAY=1 bash scripts/pg.sh start "$pgdir" "$port"

status=0
env -u DATABASE_URL PGHOST="$pgdir/run" PGPORT="$port" PGUSER=xat PGDATABASE=xat XAT_MODE=development \
  .venv/bin/python -m pytest "$@" || status=$?
exit "$status"
