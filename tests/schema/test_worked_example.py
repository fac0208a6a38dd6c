"""docs/storage.md's worked example, "Adding a metric": one catalogue entry, the files it
generates, and the database they make (Apache edition, the test cluster's): the new column
in the raw hypertable, in every aggregate level (stored and live), the levels view and the
analytics views, and ingest's writing statement (samples_write) storing it. Applied inside
the test's transaction, so rolled back with it."""

import re
import shutil
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from accounts.models import Organization
from metrics.catalogue import FAMILIES, STATISTICS, Metric, with_metric
from metrics.ingest import Measurement, Skipped, ticks_parse, ticks_store
from metrics.migrations._metrics_added import metrics_added_apply
from metrics.schema import schema_idempotent_apply
from sql import generate
from tests.ingest.agent import capture_ticks
from tests.oracle import CAPTURES
from tests.personas import collector_make
from xat import sqlfiles
from xat.sqlfiles import SQL_DIR

pytestmark = pytest.mark.django_db

SHMEM = Metric("shmem_kb", "bigint", "kB", "gauge", dashboard="shmem_kb", since="0010_memory_shmem")
COLLECTOR_ID = 990_013  # no collector row: the hypertables have no foreign key
MINUTE = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _rows(statement: str, *params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def _column_names(schema: str, relation: str) -> list[str]:
    return [name for (name,) in _rows("SELECT column_name FROM information_schema.columns"
                                      " WHERE table_schema = %s AND table_name = %s", schema, relation)]


# What the entry changes among the generated files; the *_timescale.sql files are the
# Community edition's (tests/schema/test_worked_example_tsl.py).
CHANGED_FILES = {"schema/0010_memory_shmem.sql", "schema/0010_memory_shmem_create_timescale.sql",
                 "schema/0010_memory_shmem_backfill_timescale.sql", "schema/0010_memory_shmem_swap_timescale.sql",
                 "idempotent/10_aggregates_apache.sql", "idempotent/20_aggregate_levels.sql",
                 "idempotent/30_analytics.sql", "queries/samples_write.sql",
                 # SHMEM has a dashboard name: the memory chart shows it.
                 "queries/dashboard_charts.sql"}


def generated_with_shmem(into) -> set[str]:
    """Generates the catalogue plus SHMEM into `into`; returns the files that differ from sql/'s."""
    written = generate.generate(into=into, families=with_metric(FAMILIES, "memory", SHMEM))
    return {path.relative_to(into).as_posix() for path in written
            if not (SQL_DIR / path.relative_to(into)).exists()
            or (SQL_DIR / path.relative_to(into)).read_text() != path.read_text()}


def test_it_adds_a_metric_from_one_catalogue_entry(tmp_path):
    assert generated_with_shmem(tmp_path) == CHANGED_FILES

    # What `migrate` does with them: the migration of 0010 (metrics_added), then the layer.
    metrics_added_apply(connection, "0010_memory_shmem", directory=tmp_path / "schema")
    schema_idempotent_apply(directory=tmp_path / "idempotent")

    statistics = {f"shmem_kb_{statistic}" for statistic in STATISTICS}
    assert "shmem_kb" in _column_names("public", "memory_sample")
    assert "shmem_kb" in _column_names("analytics", "memory_raw")
    assert statistics <= set(_column_names("public", "memory_levels"))
    for level in generate.LEVELS:
        for schema, relation in (("public", f"memory_{level}"), ("aggregate_store", f"memory_{level}"),
                                 ("analytics", f"memory_{level}")):
            assert statistics <= set(_column_names(schema, relation)), (schema, relation)

    # Two samples in one minute: the statistics computed here, independently.
    values = [100, 301]
    _rows("INSERT INTO memory_sample (organization_id, collector_id, time, mem_total_kb, shmem_kb)"
          " VALUES (1, %s, %s, 1000, %s), (1, %s, %s, 1000, %s)",
          COLLECTOR_ID, MINUTE.replace(second=5), values[0], COLLECTOR_ID, MINUTE.replace(second=35), values[1])
    expected = (sum(values) / len(values), min(values), max(values), values[-1], sum(values), len(values))
    columns = ", ".join(f"shmem_kb_{statistic}" for statistic in STATISTICS)
    for relation in ("memory_1m", "memory_1h", "memory_1d"):
        assert _rows(f"SELECT {columns} FROM {relation} WHERE collector_id = %s", COLLECTOR_ID) == [expected]
    assert _rows(f"SELECT {columns} FROM memory_levels WHERE level = '1m' AND collector_id = %s",
                 COLLECTOR_ID) == [expected]
    # Materialised by the refresher's function, as the stored half of the Apache views holds it.
    _rows("SELECT aggregate_store.recompute_1m(%s, %s)", MINUTE, MINUTE.replace(minute=1))
    assert _rows(f"SELECT {columns} FROM aggregate_store.memory_1m WHERE collector_id = %s",
                 COLLECTOR_ID) == [expected]


def test_it_keeps_the_files_of_a_since_when_a_later_one_changes_the_family_again():
    once = with_metric(FAMILIES, "memory", SHMEM)
    twice = with_metric(once, "memory", Metric("slab_kb", "bigint", "kB", "gauge", since="0011_memory_slab"))
    first, second = generate.generated_files(once), generate.generated_files(twice)
    assert {path: second[path] for path in first if path.startswith("schema/")} == {
        path: content for path, content in first.items() if path.startswith("schema/")}
    # The second change is the third version, read over the second swap's view, renamed.
    create, swap = second["schema/0011_memory_slab_create_timescale.sql"], second["schema/0011_memory_slab_swap_timescale.sql"]
    assert "CREATE MATERIALIZED VIEW memory_1h_v3" in create and "FROM memory_1m_v3" in create
    assert "slab_kb" in create and "slab_kb" not in first["schema/0010_memory_shmem_create_timescale.sql"]
    assert "ALTER VIEW memory_1m RENAME TO memory_1m_until_v3;" in swap
    words = " ".join(swap.split())  # the select lists are wrapped
    assert "NULL::bigint AS slab_kb_min" in words and "NULL::bigint AS shmem_kb_min" not in words


@pytest.fixture
def named_queries_with_shmem(tmp_path, monkeypatch):
    """The named queries as the catalogue plus SHMEM makes them (samples_write generated
    into tmp_path, the hand-written files beside it), read by xat.sqlfiles for the test."""
    generated_with_shmem(tmp_path)
    for path in (SQL_DIR / "queries").glob("*.sql"):
        if not (tmp_path / "queries" / path.name).exists():
            shutil.copy(path, tmp_path / "queries")
    monkeypatch.setattr(sqlfiles, "SQL_DIR", tmp_path)
    sqlfiles.named_queries.cache_clear()
    sqlfiles.query.cache_clear()
    yield tmp_path
    monkeypatch.undo()
    sqlfiles.named_queries.cache_clear()
    sqlfiles.query.cache_clear()


def test_it_writes_the_metric_a_tick_brings_through_ingest(named_queries_with_shmem):
    assert "shmem_kb" in sqlfiles.query("samples_write")
    metrics_added_apply(connection, "0010_memory_shmem", directory=named_queries_with_shmem / "schema")
    organization = Organization.objects.create(slug="shmem", name="Shmem")
    collector = collector_make(organization)
    measurements = capture_ticks(CAPTURES[0])[0]
    (meminfo,) = [m["measurement"] for m in measurements if m["subsystem"] == "/proc/meminfo"]
    shmem, mem_total = (int(re.search(rf"^{name}:\s+(\d+) kB$", meminfo, re.MULTILINE).group(1))
                        for name in ("Shmem", "MemTotal"))
    (tick,) = ticks_parse([Measurement(m["timestamp"], m["subsystem"], m["measurement"]) for m in measurements],
                          Skipped())
    # What metrics.arithmetic.memory_gauges would yield once it reads Shmem (the
    # arithmetic is written by hand, not generated).
    tick.memory["shmem_kb"] = shmem

    with transaction.atomic():
        stored = ticks_store(organization_id=organization.id, collector_id=collector.id, ticks=[tick])

    assert stored.rows_by_family["memory"] == 1
    assert _rows("SELECT mem_total_kb, shmem_kb FROM memory_sample WHERE collector_id = %s",
                 collector.id) == [(mem_total, shmem)]
