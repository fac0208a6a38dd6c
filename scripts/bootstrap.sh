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
