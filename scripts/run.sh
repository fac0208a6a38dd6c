#!/usr/bin/env bash
# `make run`: the local cluster, migrations, the demo login, gunicorn in the foreground,
# the bundled agent in the background.
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
# The bundled agent feeds the demo collector with this machine's /proc once the server
# answers (XAT_DEMO_AGENT=0: off). Its key is made at its start and lives only in it.
url="http://127.0.0.1:${PORT:-8000}"
background=("$maintain_pid")
if [ "${XAT_DEMO_AGENT:-1}" != 0 ]; then
  (
    for _ in $(seq 120); do
      .venv/bin/python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
        "$url/health/" 2>/dev/null && break
      sleep 0.5
    done
    exec .venv/bin/python manage.py xat_agent --demo --url "$url"
  ) >.xat/agent.log 2>&1 &
  background+=($!)
  echo "Bundled agent: this machine's /proc -> demo collector every 5 s (log .xat/agent.log; XAT_DEMO_AGENT=0: off)"
fi
trap 'kill -TERM "$gunicorn_pid" "${background[@]}" 2>/dev/null || true' INT TERM
wait "$gunicorn_pid" || true
wait "$gunicorn_pid" 2>/dev/null || true
kill -TERM "${background[@]}" 2>/dev/null || true
wait "${background[@]}" 2>/dev/null || true
