#!/usr/bin/env bash
# `make run`: the local cluster, migrations, the demo login, gunicorn in the foreground,
# the agent service, the upkeep and the upload worker (supervised: started again if they
# exit) and the bundled agent in the background.
set -euo pipefail

# supervise LOG COMMAND...: runs COMMAND (its output appended to LOG, emptied first) and
# starts it again whenever it exits, after a pause that doubles from 1 s up to a minute (and
# is 1 s again after a run of a minute or more). INT or TERM stops COMMAND, then the
# supervisor. INT too: a terminal's Ctrl-C reaches the whole process group, and would end
# the supervisor alone, since COMMAND, started in the background, ignores INT (the upkeep
# stayed behind, retrying against the stopped cluster).
supervise() {
  local log=$1 child='' pause=1 started status
  shift
  trap 'kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; exit 0' INT TERM
  : >"$log"
  while true; do
    started=$SECONDS
    "$@" >>"$log" 2>&1 &
    child=$!
    status=0
    wait "$child" || status=$?
    if ((SECONDS - started >= 60)); then pause=1; fi
    echo "$(date -u +%FT%TZ) supervise: '$*' exited with status $status; starting it again in $pause s" >>"$log"
    # In the background so that TERM is handled at once, not after the pause.
    sleep "$pause" &
    child=$!
    wait "$child" || true
    pause=$((pause * 2 > 60 ? 60 : pause * 2))
  done
}
# Sourced (tests/aggregates/test_upkeep_supervision.py): the function only.
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0

cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh

# XAT_RUN_DIR (default .xat): the local cluster (pg/) and the logs; another folder gives
# another instance its own (tests/test_run_stop.py runs one with a throwaway cluster).
state=${XAT_RUN_DIR:-.xat}
pgdir=$state/pg
port=${XAT_PG_PORT:-54329}
if bash scripts/pg.sh status "$pgdir" "$port" >/dev/null 2>&1; then started_here=0; else started_here=1; fi
bash scripts/pg.sh start "$pgdir" "$port"
stop_cluster() { [ "$started_here" = 1 ] && bash scripts/pg.sh stop "$pgdir" "$port" || true; }
trap stop_cluster EXIT

.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py xat_demo
echo "Console: http://127.0.0.1:${PORT:-8000}/console/ (sign in with the demo login above)"
# The upkeep (idle trickle sessions; under the Apache edition also the aggregates and
# retention): it survives database errors by itself, and is started again if it exits.
supervise "$state/maintain.log" .venv/bin/python manage.py xat_aggregates maintain --every 60 &
maintain_pid=$!
# The upload worker (metrics/uploads/jobs.py): reads uploaded files in the background. A job
# it was killed in is taken up again once it is back (docs/storage.md, "Uploaded files").
supervise "$state/worker.log" .venv/bin/python manage.py procrastinate worker &
worker_pid=$!
# The agent service (metrics/agent_service/): the agents' paths on an event loop, on
# XAT_AGENTS_PORT (uvicorn restarts a worker that dies; supervise, its master).
supervise "$state/agents.log" .venv/bin/python -m metrics.agent_service &
agents_pid=$!
# Worker settings: xat/gunicorn_conf.py (see docs/performance.md).
.venv/bin/gunicorn -c xat/gunicorn_conf.py xat.wsgi:application &
gunicorn_pid=$!
# The bundled agent feeds the demo collector with this machine's /proc once the server
# answers (XAT_DEMO_AGENT=0: off). Its key is made at its start and lives only in it.
agents_url="http://127.0.0.1:${XAT_AGENTS_PORT:-8001}"
echo "Agents (pcc): $agents_url (/v1/trickle; log $state/agents.log)"
background=("$maintain_pid" "$worker_pid" "$agents_pid")
if [ "${XAT_DEMO_AGENT:-1}" != 0 ]; then
  (
    for _ in $(seq 120); do
      .venv/bin/python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
        "$agents_url/health/" 2>/dev/null && break
      sleep 0.5
    done
    exec .venv/bin/python manage.py xat_agent --demo --url "$agents_url"
  ) >"$state/agent.log" 2>&1 &
  background+=($!)
  echo "Bundled agent: this machine's /proc -> demo collector every 5 s (log $state/agent.log; XAT_DEMO_AGENT=0: off)"
fi
trap 'kill -TERM "$gunicorn_pid" "${background[@]}" 2>/dev/null || true' INT TERM
wait "$gunicorn_pid" || true
wait "$gunicorn_pid" 2>/dev/null || true
kill -TERM "${background[@]}" 2>/dev/null || true
wait "${background[@]}" 2>/dev/null || true
