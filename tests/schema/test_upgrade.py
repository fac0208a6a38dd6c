"""Upgrade equals fresh install: a database of the oldest supported schema, holding data,
migrated to the newest has the schema of a database migrated straight to the newest, and
keeps its data.

The oldest supported schema is the first release's, commit RELEASE (accounts 0003, metrics
0008, simplejwt's token blacklist installed). Its database is built by that release's own
code, checked out of git: its `migrate` (so migration 0005 runs the release's aggregate
code, not today's), then tests/schema/release_seed.py fills it through the release's API
(two organizations, each with its admin, refresh tokens and a key, replaying a real capture
to /v1/trickle, then every aggregate level materialised). Today's `migrate` then upgrades
it. Both editions: Apache on the spare cluster, Community on PGlite TSL engines
(tests/tsl.py), where 0005 made continuous aggregates and their policies.

Compared with a fresh install of the same edition:
- the schema, object by object: Apache, `pg_dump --schema-only` (TimescaleDB's internal
  schemas left out: chunks are data) cut into its objects; Community, the same objects'
  definitions read from the catalog (the cluster's pg_dump cannot dump PGlite's newer
  PostgreSQL). Each object's text compared whole (column order is schema), the objects'
  order not: pg_dump orders tables by dependencies, and the chunks of the upgraded
  database's hypertables reorder them.
- what pg_dump does not show: TimescaleDB's catalog (hypertables, dimensions and chunk
  intervals, continuous aggregates, compression settings, jobs), extension versions, the
  migrations recorded, the aggregate watermark's levels.
Data: every row of the release's tables is still there with the same values (the
blacklist's rows, dropped by design, carried over into refresh token records; the content
types of models moved to apps of their own, relabelled by design), the samples
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
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.db import connections

from tests.conftest import ROOT, default_connection_to, manage, spare_database
from tests.oracle import PCC_CAPTURES, assert_stored_matches_oracle, collector_id_of
from tests.tsl import _start_engine, _stop

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
# Rows the upgrade changes on purpose: {table: {column: its value after the upgrade, as SQL
# over the release's row}}. Upload left metrics for its own app (metrics
# 0016_uploads_move_out): its content type is the same row, relabelled.
CHANGED_BY_DESIGN = {
    "public.django_content_type": {
        "app_label": "CASE WHEN (app_label, model) = ('metrics', 'upload') THEN 'uploads' ELSE app_label END",
    },
}
# Objects of a schema-only dump: a header comment names each one.
DUMP_OBJECT = re.compile(r"^-- Name: (.*); Type: (.*); Schema: (.*); Owner: .*$", re.MULTILINE)
CATALOG = {
    "hypertables": "SELECT hypertable_schema, hypertable_name, owner, num_dimensions, compression_enabled, tablespaces"
                   " FROM timescaledb_information.hypertables",
    "dimensions": "SELECT * FROM timescaledb_information.dimensions",
    # A materialisation hypertable's name carries its id, which depends on creation order:
    # an aggregate over another one names that one's view instead.
    "continuous aggregates": "SELECT coalesce(source.view_name, aggregate.hypertable_name), aggregate.view_schema,"
                             " aggregate.view_name, aggregate.view_owner, aggregate.materialized_only,"
                             " aggregate.compression_enabled, aggregate.view_definition, aggregate.finalized"
                             " FROM timescaledb_information.continuous_aggregates aggregate"
                             " LEFT JOIN timescaledb_information.continuous_aggregates source"
                             " ON source.materialization_hypertable_name = aggregate.hypertable_name",
    "compression settings": "SELECT * FROM timescaledb_information.compression_settings",
    # A job's id (also in its name) and a policy's hypertable id depend on creation order.
    "jobs": "SELECT schedule_interval, max_runtime, max_retries, retry_period, proc_schema, proc_name, owner,"
            " scheduled, fixed_schedule, config - 'mat_hypertable_id' - 'hypertable_id', hypertable_schema,"
            " hypertable_name, check_schema, check_name FROM timescaledb_information.jobs",
    "extensions": "SELECT extname, extversion FROM pg_extension",
    "migrations recorded": "SELECT app, name FROM django_migrations",
    "aggregate watermark levels": "SELECT level FROM aggregate_watermark",
}
# The facts a fresh install has some of in each edition (the watermark is the Apache
# edition's refresh bookkeeping; continuous aggregates, their policies and compression are
# the Community edition's).
ANSWERED_BY = {
    "apache": {"hypertables", "dimensions", "extensions", "migrations recorded", "aggregate watermark levels"},
    "community": {"hypertables", "dimensions", "extensions", "migrations recorded", "continuous aggregates", "jobs",
                  "compression settings"},
}


@dataclass(frozen=True)
class Database:
    host: str
    port: str
    user: str
    password: str
    name: str

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(host=self.host, port=self.port, user=self.user, password=self.password,
                               dbname=self.name, autocommit=True, sslmode="disable")

    def env(self) -> dict:
        """The environment that points manage.py (of today or of the release) at it."""
        return {"DATABASE_URL": f"postgresql://{self.user}:{self.password}@/{self.name}"
                                f"?host={self.host}&port={self.port}&sslmode=disable"}


@dataclass(frozen=True)
class Databases:
    edition: str
    upgraded: Database
    fresh: Database
    before: dict[str, tuple[list[str], Counter]]  # the release's rows, before the upgrade
    blacklist: list[tuple]  # the release's refresh tokens: (jti, user, expires_at, blacklisted_at)


@pytest.fixture(scope="module")
def release_tree(tmp_path_factory) -> Path:
    """The first release's files (git archive RELEASE), to run its own manage.py."""
    tree = tmp_path_factory.mktemp("release")
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", RELEASE], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as files:
        files.extractall(tree, filter="data")
    return tree


@pytest.fixture(scope="module", params=["apache", "community"])
def databases(request, release_tree, tmp_path_factory) -> Iterator[Databases]:
    """Apache edition: two databases of the spare cluster. Community edition: two PGlite
    TSL engines (tests/tsl.py; one database each)."""
    if request.param == "apache":
        socket_dir, port = request.getfixturevalue("spare_cluster")
        for name in ("upgraded", "fresh"):
            spare_database((socket_dir, port), name)
        yield _upgraded_and_fresh(request.param, release_tree, *(
            Database(str(socket_dir), port, "xat", "", name) for name in ("upgraded", "fresh")))
        return
    engines = [_start_engine(tmp_path_factory.mktemp("pglite-tsl") / "server.log") for _ in ("upgraded", "fresh")]
    try:
        yield _upgraded_and_fresh(request.param, release_tree, *(
            Database("127.0.0.1", str(port), "postgres", "tsl", "postgres") for _, port, _ in engines))
    finally:
        for process, _, _ in engines:
            _stop(process)


def _upgraded_and_fresh(edition: str, release_tree: Path, upgraded: Database, fresh: Database) -> Databases:
    in_release = {**os.environ, **upgraded.env(), "PYTHONPATH": str(release_tree)}
    for command in ([sys.executable, "manage.py", "migrate", "--noinput"],
                    [sys.executable, str(Path(__file__).with_name("release_seed.py")),
                     *(f"{slug}={capture}" for slug, capture in CAPTURE_OF.items())]):
        done = subprocess.run(command, cwd=release_tree, env=in_release, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    with upgraded.connect() as connection:
        before = _rows_by_table(connection, removed=REMOVED_BY_DESIGN, changed=CHANGED_BY_DESIGN)
        blacklist = connection.execute(
            "SELECT outstanding.jti, outstanding.user_id, outstanding.expires_at, blacklisted.blacklisted_at"
            " FROM token_blacklist_outstandingtoken AS outstanding"
            " LEFT JOIN token_blacklist_blacklistedtoken AS blacklisted ON blacklisted.token_id = outstanding.id"
        ).fetchall()
    for database in (upgraded, fresh):
        migrated = manage("migrate", "--noinput", env=database.env())
        assert migrated.returncode == 0, migrated.stdout[-3000:] + migrated.stderr[-3000:]
    return Databases(edition, upgraded, fresh, before, blacklist)


def _user_schema(column: str) -> str:
    """SQL: the schema named by column is ours, not the system's nor TimescaleDB's."""
    return (f"{column} NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
            f" AND {column} NOT LIKE '\\_timescaledb%' AND {column} NOT LIKE 'timescaledb\\_%'")


def _rows_by_table(connection, *, removed: dict[str, str],
                   changed: dict[str, dict[str, str]] | None = None) -> dict[str, tuple[list[str], Counter]]:
    """Every table of ours (a hypertable's rows read through it, not its chunks) and every
    continuous aggregate: its columns and its rows (as text, counted), less the rows
    `removed` names, with the values `changed` gives."""
    relations = connection.execute(
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        f" WHERE c.relkind IN ('r', 'p') AND {_user_schema('n.nspname')}"
        " UNION SELECT format('%I.%I', view_schema, view_name) FROM timescaledb_information.continuous_aggregates"
    ).fetchall()
    rows = {}
    for (relation,) in relations:
        columns = [name for (name,) in connection.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped"
            " ORDER BY attnum", [relation])]
        rows[relation] = (columns, _rows(connection, relation, columns,
                                         where=f"NOT ({removed.get(relation, 'false')})",
                                         values=(changed or {}).get(relation, {})))
    return rows


def _rows(connection, relation: str, columns: list[str], *, where: str = "true",
          values: dict[str, str] | None = None) -> Counter:
    """The rows (as text, counted); a column `values` names read as its SQL expression."""
    values = values or {}
    selected = ", ".join(f"({values.get(column) or psycopg.sql.Identifier(column).as_string(connection)})::text"
                         for column in columns)
    return Counter(connection.execute(f"SELECT {selected} FROM {relation} WHERE {where}").fetchall())


def _dump_objects(database: Database) -> dict[tuple[str, ...], str]:
    """The schema-only dump of the database as {(type, schema, name): its statements},
    without comments, blank lines, session settings or the dump's random restrict key."""
    pg_dump = Path(subprocess.run(["bash", ROOT / "scripts/install-timescaledb.sh"], check=True, capture_output=True,
                                  text=True).stdout.splitlines()[-1]) / "pg_dump"
    dump = subprocess.run(
        [pg_dump, "--schema-only", "--exclude-schema=_timescaledb_*", "-d", database.env()["DATABASE_URL"]],
        check=True, capture_output=True, text=True).stdout
    marks = list(DUMP_OBJECT.finditer(dump))
    objects: dict[tuple[str, ...], str] = defaultdict(str)
    for mark, following in zip(marks, marks[1:] + [None]):
        body = dump[mark.end(): following.start() if following else len(dump)]
        statements = [line for line in body.splitlines()
                      if line.strip() and not line.startswith(("--", "SET ", "SELECT pg_catalog.set_config(",
                                                                "\\restrict ", "\\unrestrict "))]
        objects[(mark.group(2), mark.group(3), mark.group(1))] += "\n".join(statements) + "\n"
    return dict(objects)


# The PGlite engine's PostgreSQL 17 is newer than the cluster's pg_dump, which refuses to
# dump it: under the Community edition the schema is read from the catalog, object by object.
CATALOG_OBJECTS = {
    "TABLE": "SELECT format('%I.%I', table_schema, table_name), string_agg(concat_ws(' ', quote_ident(column_name),"
             " data_type, is_nullable, column_default), E'\\n' ORDER BY ordinal_position)"
             f" FROM information_schema.columns WHERE {_user_schema('table_schema')} GROUP BY 1",
    "VIEW": "SELECT format('%I.%I', schemaname, viewname), definition FROM pg_views"
            f" WHERE {_user_schema('schemaname')}",
    "INDEX": "SELECT format('%I.%I', schemaname, indexname), indexdef FROM pg_indexes"
             f" WHERE {_user_schema('schemaname')}",
    "CONSTRAINT": "SELECT format('%s %I', conrelid::regclass, conname), pg_get_constraintdef(c.oid)"
                  " FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
                  f" WHERE {_user_schema('n.nspname')}",
    # TimescaleDB's own functions live in public too: members of the extension.
    "FUNCTION": "SELECT format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),"
                " pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                f" WHERE {_user_schema('n.nspname')} AND NOT EXISTS"
                " (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')",
    "TRIGGER": "SELECT format('%s %I', tgrelid::regclass, tgname), pg_get_triggerdef(t.oid) FROM pg_trigger t"
               " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
               f" WHERE NOT t.tgisinternal AND {_user_schema('n.nspname')}",
    "GRANT": "SELECT format('%I.%I to %s', table_schema, table_name, grantee),"
             " string_agg(privilege_type, ',' ORDER BY privilege_type) FROM information_schema.role_table_grants"
             f" WHERE {_user_schema('table_schema')} GROUP BY 1",
}


def _catalog_objects(database: Database) -> dict[tuple[str, ...], str]:
    """The database's schema as {(kind, name): its definition}, read from the catalog."""
    with database.connect() as connection:
        return {(kind, name): definition for kind, query in CATALOG_OBJECTS.items()
                for name, definition in connection.execute(query).fetchall()}


def test_it_upgrades_the_first_release_to_the_schema_of_a_fresh_install(databases):
    objects = _dump_objects if databases.edition == "apache" else _catalog_objects
    upgraded, fresh = objects(databases.upgraded), objects(databases.fresh)
    expected = ({("TABLE", "public", "cpu_sample"), ("VIEW", "public", "cpu_levels")} if databases.edition == "apache"
                else {("TABLE", "public.cpu_sample"), ("VIEW", "public.cpu_levels"), ("VIEW", "public.cpu_1m")})
    assert expected <= fresh.keys(), sorted(fresh.keys())
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
    for name, database in (("upgraded", databases.upgraded), ("fresh", databases.fresh)):
        with database.connect() as connection:
            answers[name] = sorted(map(repr, connection.execute(CATALOG[fact]).fetchall()))
    assert answers["upgraded"] == answers["fresh"], "\n".join(difflib.unified_diff(
        answers["fresh"], answers["upgraded"], "fresh install", "upgraded", lineterm=""))
    if fact in ANSWERED_BY[databases.edition]:
        assert answers["fresh"], f"no {fact}: the comparison compared nothing"


def test_it_keeps_every_row_of_the_first_release(databases):
    with databases.upgraded.connect() as connection:
        after = _rows_by_table(connection, removed={})
    empty = [table for table, (_, rows) in databases.before.items()
             if not rows and table.endswith(("_sample", "_1m", "_1h", "_1d"))]
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
        with databases.upgraded.connect() as connection:
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
    with databases.upgraded.connect() as connection:
        records = connection.execute(
            "SELECT jti, user_id, expires_at, revoked_at FROM accounts_refreshtokenrecord").fetchall()
        families = connection.execute("SELECT count(DISTINCT family) FROM accounts_refreshtokenrecord").fetchone()[0]
    assert sorted(records) == sorted(databases.blacklist)
    assert families == len(records)


@pytest.fixture
def on_upgraded(databases, django_db_blocker):
    """Django's connection (named queries, the oracle's reads) on the upgraded database."""
    upgraded = databases.upgraded
    with django_db_blocker.unblock(), default_connection_to(
            HOST=upgraded.host, PORT=upgraded.port, NAME=upgraded.name, USER=upgraded.user, PASSWORD=upgraded.password,
            OPTIONS={**connections["default"].settings_dict["OPTIONS"], "sslmode": "disable"}):
        yield


@pytest.mark.parametrize("slug", CAPTURE_OF)
def test_it_keeps_what_pcprocess_computed_through_the_upgrade(databases, on_upgraded, slug):
    assert assert_stored_matches_oracle(CAPTURE_OF[slug], collector_id_of(f"{slug}-host")) > 100


LEVEL_WIDTHS = {"1m": timedelta(minutes=1), "1h": timedelta(hours=1), "1d": timedelta(days=1)}


@pytest.mark.parametrize("level", LEVEL_WIDTHS)
def test_it_answers_every_level_for_the_release_s_samples(databases, level):
    width = LEVEL_WIDTHS[level].total_seconds()
    with databases.upgraded.connect() as connection:
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
