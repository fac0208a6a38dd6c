#!/usr/bin/env bash
# `make run`: the local cluster, migrations, the demo login, gunicorn in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh

pgdir=.xat/pg
port=${XAT_PG_PORT:-54329}
if bash scripts/pg.sh status "$pgdir" "$port" >/dev/null 2>&1; then started_here=0; else started_here=1; fi
bash scripts/pg.sh start "$pgdir" "$port"
stop_cluster() { [ "$started_here" = 1 ] && bash scripts/pg.sh stop "$pgdir" "$port" || true; }
trap stop_cluster EXIT

.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py xat_demo
# Aggregates and retention upkeep (Apache edition; a no-op under the Community edition).
.venv/bin/python manage.py xat_aggregates maintain --every 60 >.xat/maintain.log 2>&1 &
maintain_pid=$!
# Worker settings: xat/gunicorn_conf.py (see docs/performance.md).
.venv/bin/gunicorn -c xat/gunicorn_conf.py xat.wsgi:application &
gunicorn_pid=$!
trap 'kill -TERM "$gunicorn_pid" "$maintain_pid" 2>/dev/null || true' INT TERM
wait "$gunicorn_pid" || true
wait "$gunicorn_pid" 2>/dev/null || true
kill -TERM "$maintain_pid" 2>/dev/null || true
wait "$maintain_pid" 2>/dev/null || true
