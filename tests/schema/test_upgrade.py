"""Upgrade equals fresh install: a database of the oldest supported schema, holding data,
migrated to the newest has the schema of a database migrated straight to the newest, and
keeps its data.

The oldest supported schema is the first release's, commit RELEASE (accounts 0003, metrics
0008, simplejwt's token blacklist installed). Its database is built by that release's own
code, checked out of git: its `migrate` (so migration 0005 runs the release's aggregate
code, not today's), then tests/schema/release_seed.py fills it through the release's API
(two organizations, each with its admin, refresh tokens and a key, replaying a real capture
to /v1/trickle, then the release's aggregate refresh). Today's `migrate` then upgrades it.

Compared with a fresh install on the same cluster:
- `pg_dump --schema-only` (TimescaleDB's internal schemas left out: chunks are data), cut
  into its objects; each object's text compared whole (column order is schema), the
  objects' order in the file not: pg_dump orders tables by dependencies, and the chunks of
  the upgraded database's hypertables reorder them.
- what pg_dump does not show: TimescaleDB's catalog (hypertables, dimensions and chunk
  intervals, continuous aggregates, compression settings, jobs), extension versions, the
  migrations recorded, the aggregate watermark's levels.
Data: every row of the release's tables is still there with the same values (the
blacklist's rows, dropped by design, carried over into refresh token records), the samples
still equal pcprocess's output, and the level views answer for them.
"""

import difflib
import io
import os
import re
import subprocess
import sys
import tarfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from tests.conftest import ROOT, default_connection_to, manage, spare_database
from tests.oracle import PCC_CAPTURES, assert_stored_matches_oracle, collector_id_of

RELEASE = "61afd8f"
CAPTURE_OF = {"acme": PCC_CAPTURES / "azure-pcc-test-01", "globex": PCC_CAPTURES / "azure-loadtest-3"}
# Rows the upgrade removes on purpose: accounts 0005 uninstalls simplejwt's blacklist app
# (its tables, migration records, content types and their permissions); its live tokens are
# carried over (test_it_carries_the_release_s_live_refresh_tokens_over).
REMOVED_BY_DESIGN = {
    "public.token_blacklist_outstandingtoken": "true",
    "public.token_blacklist_blacklistedtoken": "true",
    "public.django_migrations": "app = 'token_blacklist'",
    "public.django_content_type": "app_label = 'token_blacklist'",
    "public.auth_permission":
        "content_type_id IN (SELECT id FROM django_content_type WHERE app_label = 'token_blacklist')",
}
# Objects of a schema-only dump: a header comment names each one.
DUMP_OBJECT = re.compile(r"^-- (?:Data for )?Name: (.*); Type: (.*); Schema: (.*); Owner: .*$", re.MULTILINE)
CATALOG = {
    "hypertables": "SELECT hypertable_schema, hypertable_name, owner, num_dimensions, compression_enabled, tablespaces"
                   " FROM timescaledb_information.hypertables",
    "dimensions": "SELECT * FROM timescaledb_information.dimensions",
    # The materialisation hypertable's name carries its id, which depends on creation order.
    "continuous aggregates": "SELECT hypertable_schema, hypertable_name, view_schema, view_name, view_owner,"
                             " materialized_only, compression_enabled, view_definition, finalized"
                             " FROM timescaledb_information.continuous_aggregates",
    "compression settings": "SELECT * FROM timescaledb_information.compression_settings",
    # A job's id (also in its name) and a policy's hypertable id depend on creation order.
    "jobs": "SELECT schedule_interval, max_runtime, max_retries, retry_period, proc_schema, proc_name, owner,"
            " scheduled, fixed_schedule, config - 'mat_hypertable_id' - 'hypertable_id', hypertable_schema,"
            " hypertable_name, check_schema, check_name FROM timescaledb_information.jobs",
    "extensions": "SELECT extname, extversion FROM pg_extension",
    "migrations recorded": "SELECT app, name FROM django_migrations",
    "aggregate watermark levels": "SELECT level FROM aggregate_watermark",
}


@dataclass(frozen=True)
class Databases:
    socket_dir: str
    port: str
    upgraded: str
    fresh: str
    before: dict[str, tuple[list[str], Counter]]  # the release's rows, before the upgrade
    blacklist: list[tuple]  # the release's refresh tokens: (jti, user, expires_at, blacklisted_at)

    def connect(self, name: str) -> psycopg.Connection:
        return psycopg.connect(host=self.socket_dir, port=self.port, user="xat", dbname=name, autocommit=True)


@pytest.fixture(scope="module")
def databases(spare_cluster, tmp_path_factory) -> Databases:
    socket_dir, port = spare_cluster
    release = tmp_path_factory.mktemp("release")
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", RELEASE], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tree:
        tree.extractall(release, filter="data")

    env = spare_database(spare_cluster, "upgraded")
    in_release = {**os.environ, **env, "PYTHONPATH": str(release)}
    for command in ([sys.executable, "manage.py", "migrate", "--noinput"],
                    [sys.executable, str(Path(__file__).with_name("release_seed.py")),
                     *(f"{slug}={capture}" for slug, capture in CAPTURE_OF.items())]):
        done = subprocess.run(command, cwd=release, env=in_release, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    databases = Databases(str(socket_dir), port, "upgraded", "fresh", {}, [])
    with databases.connect("upgraded") as connection:
        databases.before.update(_rows_by_table(connection, removed=REMOVED_BY_DESIGN))
        databases.blacklist.extend(connection.execute(
            "SELECT outstanding.jti, outstanding.user_id, outstanding.expires_at, blacklisted.blacklisted_at"
            " FROM token_blacklist_outstandingtoken AS outstanding"
            " LEFT JOIN token_blacklist_blacklistedtoken AS blacklisted ON blacklisted.token_id = outstanding.id"
        ).fetchall())

    upgrade = manage("migrate", "--noinput", env=env)
    assert upgrade.returncode == 0, upgrade.stdout[-3000:] + upgrade.stderr[-3000:]
    fresh = manage("migrate", "--noinput", env=spare_database(spare_cluster, "fresh"))
    assert fresh.returncode == 0, fresh.stdout[-3000:] + fresh.stderr[-3000:]
    return databases


def _rows_by_table(connection, *, removed: dict[str, str]) -> dict[str, tuple[list[str], Counter]]:
    """Every table of the database outside the system's and TimescaleDB's own schemas (a
    hypertable's rows read through it, not its chunks): its columns and its rows (as
    text, counted), less the rows `removed` names."""
    tables = connection.execute(
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
        " AND n.nspname NOT LIKE '\\_timescaledb%' AND n.nspname NOT LIKE 'timescaledb\\_%'"
    ).fetchall()
    rows = {}
    for (table,) in tables:
        columns = [name for (name,) in connection.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped"
            " ORDER BY attnum", [table])]
        rows[table] = (columns, _rows(connection, table, columns, where=f"NOT ({removed.get(table, 'false')})"))
    return rows


def _rows(connection, table: str, columns: list[str], *, where: str = "true") -> Counter:
    selected = ", ".join(f"{psycopg.sql.Identifier(column).as_string(connection)}::text" for column in columns)
    return Counter(connection.execute(f"SELECT {selected} FROM {table} WHERE {where}").fetchall())


def _dump_objects(database: Databases, name: str) -> dict[tuple[str, str, str], str]:
    """The schema-only dump of database `name` as {(type, schema, name): its statements},
    without comments, blank lines, session settings or the dump's random restrict key."""
    pg_dump = Path(subprocess.run(["bash", ROOT / "scripts/install-timescaledb.sh"], check=True, capture_output=True,
                                  text=True).stdout.splitlines()[-1]) / "pg_dump"
    dump = subprocess.run(
        [pg_dump, "--schema-only", "--exclude-schema=_timescaledb_*", "-h", database.socket_dir, "-p", database.port,
         "-U", "xat", "-d", name], check=True, capture_output=True, text=True).stdout
    marks = list(DUMP_OBJECT.finditer(dump))
    objects: dict[tuple[str, str, str], str] = defaultdict(str)
    for mark, following in zip(marks, marks[1:] + [None]):
        body = dump[mark.end(): following.start() if following else len(dump)]
        statements = [line for line in body.splitlines()
                      if line.strip() and not line.startswith(("--", "SET ", "SELECT pg_catalog.set_config(",
                                                                "\\restrict ", "\\unrestrict "))]
        objects[(mark.group(2), mark.group(3), mark.group(1))] += "\n".join(statements) + "\n"
    return dict(objects)


def test_it_upgrades_the_first_release_to_the_schema_of_a_fresh_install(databases):
    upgraded, fresh = _dump_objects(databases, databases.upgraded), _dump_objects(databases, databases.fresh)
    assert {("TABLE", "public", "cpu_sample"), ("VIEW", "public", "cpu_levels")} <= fresh.keys(), fresh.keys()
    differences = [f"only after the upgrade: {key}" for key in sorted(upgraded.keys() - fresh.keys())]
    differences += [f"only in a fresh install: {key}" for key in sorted(fresh.keys() - upgraded.keys())]
    for key in sorted(upgraded.keys() & fresh.keys()):
        if upgraded[key] != fresh[key]:
            diff = difflib.unified_diff(fresh[key].splitlines(), upgraded[key].splitlines(), "fresh install",
                                        "upgraded", lineterm="", n=1)
            differences.append(f"{key} differs:\n" + "\n".join(list(diff)[:40]))
    assert not differences, f"{len(differences)} objects differ:\n" + "\n".join(differences[:30])


@pytest.mark.parametrize("fact", CATALOG)
def test_it_upgrades_to_the_timescaledb_catalog_of_a_fresh_install(databases, fact):
    answers = {}
    for name in (databases.upgraded, databases.fresh):
        with databases.connect(name) as connection:
            answers[name] = sorted(map(repr, connection.execute(CATALOG[fact]).fetchall()))
    assert answers[databases.upgraded] == answers[databases.fresh], "\n".join(difflib.unified_diff(
        answers[databases.fresh], answers[databases.upgraded], "fresh install", "upgraded", lineterm=""))
    if fact in ("hypertables", "dimensions", "migrations recorded", "aggregate watermark levels"):
        assert answers[databases.fresh], f"no {fact}: the comparison compared nothing"


def test_it_keeps_every_row_of_the_first_release(databases):
    with databases.connect(databases.upgraded) as connection:
        after = _rows_by_table(connection, removed={})
    empty = [table for table, (_, rows) in databases.before.items()
             if not rows and (table.endswith("_sample") or table.startswith("aggregate_store."))]
    assert not empty, f"the release's database holds no rows in {empty}: nothing to prove there"
    lost = []
    for table, (columns, rows) in databases.before.items():
        if table not in after:
            if rows:
                lost.append(f"{table}: dropped with {sum(rows.values())} rows")
            continue
        missing_columns = [column for column in columns if column not in after[table][0]]
        if missing_columns:
            lost.append(f"{table}: columns {missing_columns} dropped")
            continue
        with databases.connect(databases.upgraded) as connection:
            kept = _rows(connection, table, columns)
        if rows - kept:
            lost.append(f"{table}: {sum((rows - kept).values())} of {sum(rows.values())} rows lost or changed,"
                        f" e.g. {dict(zip(columns, next(iter(rows - kept))))}")
    assert not lost, "\n".join(lost)


def test_it_carries_the_release_s_live_refresh_tokens_over(databases):
    # Per organization: the token its admin registered with (blacklisted by the refresh
    # that rotated it) and the one that refresh gave, both still valid.
    assert len(databases.blacklist) == 2 * len(CAPTURE_OF)
    assert sum(blacklisted_at is not None for *_, blacklisted_at in databases.blacklist) == len(CAPTURE_OF)
    with databases.connect(databases.upgraded) as connection:
        records = connection.execute(
            "SELECT jti, user_id, expires_at, revoked_at FROM accounts_refreshtokenrecord").fetchall()
        families = connection.execute("SELECT count(DISTINCT family) FROM accounts_refreshtokenrecord").fetchone()[0]
    assert sorted(records) == sorted(databases.blacklist)
    assert families == len(records)


@pytest.fixture
def on_upgraded(databases, django_db_blocker):
    """Django's connection (named queries, the oracle's reads) on the upgraded database."""
    with django_db_blocker.unblock(), default_connection_to(HOST=databases.socket_dir, PORT=databases.port,
                                                            NAME=databases.upgraded):
        yield


@pytest.mark.parametrize("slug", CAPTURE_OF)
def test_it_keeps_what_pcprocess_computed_through_the_upgrade(databases, on_upgraded, slug):
    assert assert_stored_matches_oracle(CAPTURE_OF[slug], collector_id_of(f"{slug}-host")) > 100


LEVEL_WIDTHS = {"1m": timedelta(minutes=1), "1h": timedelta(hours=1), "1d": timedelta(days=1)}


@pytest.mark.parametrize("level", LEVEL_WIDTHS)
def test_it_answers_every_level_for_the_release_s_samples(databases, level):
    width = LEVEL_WIDTHS[level].total_seconds()
    with databases.connect(databases.upgraded) as connection:
        for family in ("cpu", "memory", "disk", "network", "filesystem", "disk_total", "network_total"):
            raw = connection.execute(f"SELECT collector_id, count(*) FROM {family}_sample GROUP BY 1").fetchall()
            answered = connection.execute(
                f"SELECT collector_id, sum(samples)::bigint FROM {family}_levels WHERE level = %s GROUP BY 1",
                [level]).fetchall()
            assert sorted(answered) == sorted(raw) and len(raw) == len(CAPTURE_OF), (family, level)
        # The whole-host CPU line's mean user time per bucket, computed here from the raw rows.
        user_times = defaultdict(list)
        for collector_id, epoch, user_pct in connection.execute(
                "SELECT collector_id, extract(epoch FROM time), user_pct FROM cpu_sample"
                " WHERE cpu = -1 AND user_pct IS NOT NULL"):
            user_times[(collector_id, float(epoch) // width * width)].append(user_pct)
        levels = connection.execute(
            "SELECT collector_id, extract(epoch FROM bucket), user_pct_avg FROM cpu_levels"
            " WHERE level = %s AND cpu = -1 AND user_pct_count > 0", [level]).fetchall()
    averages = {(collector_id, float(epoch)): average for collector_id, epoch, average in levels}
    assert averages.keys() == user_times.keys()
    for bucket, values in user_times.items():
        assert averages[bucket] == pytest.approx(sum(values) / len(values), rel=1e-12), bucket
