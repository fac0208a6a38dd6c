#!/usr/bin/env bash
# Makes the machine's PostgreSQL able to load TimescaleDB (idempotent; seconds when done).
#
# Path chosen by what the machine has (see shared/spec/timescaledb-here.md):
#   1. a distribution package postgresql-<major>-timescaledb for an installed or
#      installable major (Debian 13: PostgreSQL 17 + its package);
#   2. otherwise the Apache-2 edition built from Debian trixie's source package against
#      the installed PostgreSQL (Debian 12: PostgreSQL 15).
# Prints the PostgreSQL bin directory to use on its last line.
set -euo pipefail

log() { echo "[timescaledb] $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq >&2; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >&2
}

installed_majors() { ls /usr/lib/postgresql 2>/dev/null | sort -n; }

has_timescaledb() {  # $1 = major
  local libdir
  libdir=$("/usr/lib/postgresql/$1/bin/pg_config" --pkglibdir 2>/dev/null) || return 1
  ls "$libdir"/timescaledb*.so >/dev/null 2>&1 \
    && ls "$("/usr/lib/postgresql/$1/bin/pg_config" --sharedir)/extension/timescaledb.control" >/dev/null 2>&1
}

# Already done for some installed major?
for major in $(installed_majors | sort -rn); do
  if has_timescaledb "$major"; then
    log "TimescaleDB present for PostgreSQL $major"
    echo "/usr/lib/postgresql/$major/bin"
    exit 0
  fi
done

# Make sure the package lists are fresh enough to ask what exists.
as_root apt-get update -qq >&2; apt_updated=1

# 1. A distribution package for a PostgreSQL major this Debian offers.
for major in 17 16 15; do
  if apt-cache show "postgresql-$major-timescaledb" >/dev/null 2>&1; then
    log "installing postgresql-$major and postgresql-$major-timescaledb from Debian"
    apt_install "postgresql-$major" "postgresql-$major-timescaledb"
    echo "/usr/lib/postgresql/$major/bin"
    exit 0
  fi
done

# 2. Build the Apache-2 edition from Debian trixie's source package.
major=$(installed_majors | sort -rn | head -n1 || true)
if [ -z "$major" ]; then
  apt_install postgresql
  major=$(installed_majors | sort -rn | head -n1)
fi
log "building TimescaleDB (Apache-2 edition) from source for PostgreSQL $major"
apt_install "postgresql-server-dev-$major" cmake libssl-dev build-essential xz-utils

work=$(mktemp -d /tmp/xat-timescaledb.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial"
uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$uri" ] || uri=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list)
echo "deb-src $uri trixie main" > "$work/sources.list"
o=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$work/lists")
as_root apt-get "${o[@]}" update -qq >&2
(cd "$work" && apt-get "${o[@]}" source --download-only timescaledb >&2)
tar xf "$work"/timescaledb_*.orig.tar.* -C "$work"
src=$(find "$work" -maxdepth 1 -type d -name 'timescaledb-*' | head -n1)
cmake -S "$src" -B "$src/build" -DPG_CONFIG="/usr/lib/postgresql/$major/bin/pg_config" -DAPACHE_ONLY=ON \
  -DREGRESS_CHECKS=OFF -DTAP_CHECKS=OFF -DWARNINGS_AS_ERRORS=OFF -DUSE_TELEMETRY=OFF >&2
make -C "$src/build" -j"$(nproc)" >&2
as_root make -C "$src/build" install >&2
has_timescaledb "$major" || { log "build finished but the extension is not installed"; exit 1; }
log "TimescaleDB installed for PostgreSQL $major"
echo "/usr/lib/postgresql/$major/bin"
