#!/bin/sh
# compose's `pgbouncer` service: PgBouncer on :6432 in front of XAT_DB_HOST:XAT_DB_PORT, any
# database name, one login (XAT_DB_USER / XAT_DB_PASSWORD, SCRAM: PgBouncer logs in to
# PostgreSQL with the same password), pooling as pooling.ini says. Logs on stderr.
set -eu
conf=$(mktemp -d)
umask 077
printf '"%s" "%s"\n' "$XAT_DB_USER" "$XAT_DB_PASSWORD" >"$conf/userlist.txt"
cat >"$conf/pgbouncer.ini" <<INI
[databases]
* = host=$XAT_DB_HOST port=${XAT_DB_PORT:-5432}

[pgbouncer]
listen_addr = 0.0.0.0
listen_port = 6432
auth_type = scram-sha-256
auth_file = $conf/userlist.txt
%include /etc/pgbouncer/xat/pooling.ini
INI
exec pgbouncer "$conf/pgbouncer.ini"
