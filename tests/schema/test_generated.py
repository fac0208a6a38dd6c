"""The generated SQL (sql/generate.py) is what the catalogue (metrics/catalogue.py) says,
and the catalogue describes the versioned files as they are."""

import re

import pytest

from metrics import aggregates, dashboard, exports
from metrics.catalogue import FAMILIES, LEVELS, RESOLUTIONS, WIDE_EXPORT, Metric, WideColumn, with_metric
from metrics.ingest import SampleRows
from sql import generate
from xat import sqlfiles
from xat.sqlfiles import SQL_DIR


def test_it_finds_every_generated_file_as_the_catalogue_generates_it(tmp_path):
    written = generate.generate(into=tmp_path)
    differing = [path.relative_to(tmp_path).as_posix() for path in written
                 if (SQL_DIR / path.relative_to(tmp_path)).read_text() != path.read_text()]
    assert not differing, f"generated files differ from the catalogue: {differing}; run `.venv/bin/python -m sql.generate`"


def test_it_leaves_no_generated_file_behind():
    generated = set(generate.generated_files())
    stale = [path.relative_to(SQL_DIR).as_posix() for path in SQL_DIR.glob("*/*.sql")
             if path.read_text().startswith(generate.HEADER) and path.relative_to(SQL_DIR).as_posix() not in generated]
    assert not stale


def test_it_describes_the_continuous_aggregates_as_the_baseline_created_them():
    baseline = (SQL_DIR / "schema" / "0004_aggregates_timescale.sql").read_text()
    assert baseline[baseline.index("CREATE MATERIALIZED VIEW"):] == generate.continuous_aggregates()


def test_it_describes_the_apache_aggregate_tables_as_the_baseline_created_them():
    baseline = (SQL_DIR / "schema" / "0004_aggregates_apache.sql").read_text()
    tables = [generate.aggregate_table(family, level) for family in generate.FAMILIES.values()
              for level in generate.LEVELS]
    assert len(tables) == 21 and all(table in baseline for table in tables)


def test_it_generates_the_apache_views_and_functions_the_baseline_created():
    baseline = (SQL_DIR / "schema" / "0004_aggregates_apache.sql").read_text()
    chunks = generate.apache_aggregates().split("\n\n")
    statements = [chunk[chunk.index("CREATE"):] for chunk in chunks if "CREATE" in chunk]
    assert len(statements) == 45  # 21 views, 21 range functions, 3 recompute functions
    assert all(statement in baseline for statement in statements)


def test_it_returns_samples_writes_counts_in_the_order_ingest_pairs_them_with():
    # metrics.ingest.rows_write zips the counts with SampleRows.FAMILIES.
    counted = re.findall(r"\(SELECT count\(\*\) FROM (\w+)\)", sqlfiles.query("samples_write"))
    assert counted == [*SampleRows.FAMILIES, "seen", "invalidated"]


def test_it_upserts_the_families_of_rates_and_inserts_the_gauges_only():
    statement = " ".join(generate.samples_write().split())
    for family in generate.FAMILIES.values():
        cte = statement[statement.index(f"{family.name} AS ("):]
        cte = cte[:cte.index("RETURNING 1")]
        rates = family.columns(kind="rate")
        assert ("DO UPDATE SET" in cte) == bool(rates), family.name
        assert all(f"{column} = EXCLUDED.{column}" in cte for column in rates), family.name


def test_it_refuses_a_named_query_defined_in_two_files(tmp_path, monkeypatch):
    (tmp_path / "queries").mkdir()
    for name in ("a.sql", "b.sql"):
        (tmp_path / "queries" / name).write_text("-- name: samples_write\nSELECT 1\n")
    monkeypatch.setattr(sqlfiles, "SQL_DIR", tmp_path)
    sqlfiles.named_queries.cache_clear()
    try:
        with pytest.raises(ValueError, match="defined twice"):
            sqlfiles.named_queries()
    finally:
        monkeypatch.undo()
        sqlfiles.named_queries.cache_clear()


SHMEM = Metric("shmem_kb", "bigint", "kB", "gauge", dashboard="shmem_kb", since="0099_shmem")


def test_it_charts_a_metric_the_catalogue_gives_a_dashboard_name():
    charts = generate.dashboard_charts(with_metric(FAMILIES, "memory", SHMEM))

    for name in ("dashboard_memory", "dashboard_memory_from_finer"):
        query = charts[charts.index(f"-- name: {name}\n"):]
        query = query[:query.index("LIMIT")]
        assert "ELSE shmem_kb_avg END::float8 AS shmem_kb" in query, name
    assert "shmem_kb" not in generate.dashboard_charts(FAMILIES)


def test_it_exports_the_catalogues_wide_columns_in_both_queries():
    shmem = WideColumn("mem_shmem_kb", "memory", "shmem_kb", "kB")
    queries = generate.export_wide(with_metric(FAMILIES, "memory", SHMEM), (*WIDE_EXPORT, shmem))

    raw = queries[queries.index("-- name: export_wide_raw\n"):queries.index("-- name: export_wide_aggregated\n")]
    assert "m.shmem_kb," not in raw and raw.count("m.shmem_kb") == 1
    assert "m.shmem_kb_avg" in queries[queries.index("-- name: export_wide_aggregated\n"):]
    # Scaled to the export's units, from the catalogue's (sectors and kB to bytes).
    assert "d.read_sectors_ps * 512" in raw and "n.rx_kb_ps * 1024" in raw
    assert exports.WIDE_COLUMNS == tuple((column.name, column.unit) for column in WIDE_EXPORT)


def test_it_refuses_a_wide_column_the_catalogue_does_not_hold():
    with pytest.raises(KeyError):
        generate.export_wide(FAMILIES, (*WIDE_EXPORT, WideColumn("mem_shmem_kb", "memory", "shmem_kb", "kB")))


def test_the_levels_are_the_catalogues():
    names = tuple(level.name for level in LEVELS)
    assert dashboard.RESOLUTIONS == exports.RESOLUTIONS == RESOLUTIONS == ("raw", *names)
    assert tuple(aggregates.WIDTHS) == names and aggregates.LEVELS is LEVELS
    assert [line for line in generate.continuous_aggregates().splitlines() if "time_bucket" in line][:3] == [
        f"       time_bucket('{text}', {column}) AS bucket," for text, column in
        (("1 minute", "time"), ("1 hour", "bucket"), ("1 day", "bucket"))]
    with pytest.raises(ValueError):
        sqlfiles.query("dashboard_memory", at_level="1m' OR true --")


def test_the_live_feed_shows_a_metric_the_catalogue_gives_a_dashboard_name():
    charts = generate.dashboard_charts(with_metric(FAMILIES, "memory", SHMEM))

    live = charts[charts.index("-- name: dashboard_live\n"):]
    assert "m.shmem_kb AS memory__shmem_kb," in live
    # Every series the live feed answers (metrics.dashboard.LIVE_SERIES) is a column of it.
    columns = set(re.findall(r" AS (\w+__\w+)", generate.dashboard_charts()))
    assert columns == {f"{family}__{metric.column}" for family, metrics in dashboard.LIVE_SERIES.items()
                       for metric in metrics}
