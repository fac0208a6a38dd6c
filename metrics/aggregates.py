"""The 1-minute, 1-hour and 1-day aggregates of every metric family, in either edition.

Both editions expose the same relations (`cpu_1m`, `memory_1h`, `disk_total_1d`, ...; the
columns: metrics/catalogue.py, and sql/schema/0004_aggregates_timescale.sql):

- Community edition (`timescaledb.license = timescale`): continuous aggregates with
  real-time aggregation, kept by TimescaleDB's refresh policies; raw chunks compressed by
  its compression policies; every level dropped by XAT's retention job
  (`aggregate_policies_apply`).
- Apache edition: tables in schema aggregate_store behind views that add the buckets not
  yet materialised (tables: sql/schema/0004_aggregates_apache.sql; views and functions:
  sql/idempotent/10_aggregates_apache.sql), kept by `aggregates_refresh`:
  each run materialises the buckets that became complete since the last run and computes
  again only the buckets that late data invalidated (ingest logs those ranges); history is
  never recomputed. Retention is `retention_apply` (drop_chunks), run on a schedule.

Retention counts from when data arrived, in both editions: a chunk goes `retention_period`
after its creation (docs/storage.md, "Retention").

The edition is read when migrating (metrics/migrations/0005_aggregates.py and the idempotent
layer, metrics/schema.py); `xat_doctor` shows the mode.
"""

import json
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql

from metrics import timescale
from metrics.catalogue import FAMILIES, LEVELS, Level
from xat import sqlfiles


WIDTHS = {level.name: level.width for level in LEVELS}


def aggregate_policies_apply(cursor) -> None:
    """Community edition: refresh and compression policies, and XAT's retention job
    (retention_period of every raw hypertable and continuous aggregate, run by TimescaleDB's
    scheduler once a day), from settings (idempotent: each is replaced)."""
    # Policies follow a continuous aggregate, not its name: after a new version was rolled
    # out, they belong to it (the swap removed the previous version's).
    live = dict(_fetch(cursor, "continuous_aggregates_live"))
    for family in FAMILIES:
        for level in LEVELS:
            view = live[f"{family}_{level.name}"]
            # Refreshed each time one of its buckets completes, up to the last complete one.
            end_offset = schedule = level.width
            cursor.execute("SELECT remove_continuous_aggregate_policy(%s, if_exists => true)", [view])
            # No start_offset: late data of any age is refreshed (TimescaleDB recomputes only
            # the invalidated buckets), so uploads of old captures reach every level.
            cursor.execute(
                "SELECT add_continuous_aggregate_policy(%s, start_offset => NULL, end_offset => %s,"
                " schedule_interval => %s)",
                [view, end_offset, schedule],
            )
    for (table,) in _fetch(cursor, "raw_hypertables"):
        # Segments per host: a chart reads one collector's rows, decompressing only them.
        cursor.execute(
            sql.SQL("ALTER TABLE {} SET (timescaledb.compress,"
                    " timescaledb.compress_segmentby = 'organization_id, collector_id',"
                    " timescaledb.compress_orderby = 'time DESC')").format(sql.Identifier(table))
        )
        _fetch(cursor, "compression_policy_remove", relation=table)
        _fetch(cursor, "compression_policy_add", relation=table,
               after=timedelta(hours=settings.XAT_COMPRESS_AFTER_HOURS))
    periods = {}
    for relation, level, chunk_interval in _fetch(cursor, "retention_targets"):
        _fetch(cursor, "retention_policy_remove", relation=relation)
        kept = retention_period(level=level, chunk_interval=chunk_interval)
        if kept is not None:
            periods[relation] = f"{kept.days} days {kept.seconds} seconds"
    cursor.execute(sqlfiles.query("retention_job_procedure"))
    _fetch(cursor, "retention_jobs_delete")
    _fetch(cursor, "retention_job_add", every=RETENTION_EVERY, config=json.dumps({"periods": periods}))


RETENTION_EVERY = timedelta(days=1)  # as TimescaleDB's retention policies, and the Apache upkeep's


def retention_period(*, level: str, chunk_interval: timedelta) -> timedelta | None:
    """How long after its creation a chunk of the level is dropped (None: kept forever).

    Retention counts from when data arrived, not from the samples' own times, so that an
    old capture uploaded today is kept as long as a live one (docs/storage.md, "Retention").
    TimescaleDB records when each chunk was created; a chunk receives new rows for about
    one chunk interval after that (its time range), so the period is the level's
    XAT_RETENTION_<LEVEL>_DAYS plus the chunk interval: every row that arrives while its
    chunk is current is kept at least the days configured."""
    days = settings.XAT_RETENTION_DAYS[level]
    return timedelta(days=days) + chunk_interval if days else None


def _fetch(cursor, name: str, **params) -> list[tuple]:
    cursor.execute(sqlfiles.query(name), params)
    return cursor.fetchall()


def aggregates_refresh(*, now: datetime | None = None) -> dict[str, int]:
    """Apache edition: brings every level up to date, incrementally. Returns the number of
    invalidated ranges computed again per level. Safe to run concurrently with ingest and
    with itself (the watermark lock serialises refreshers)."""
    now = now or timezone.now()
    recomputed = {}
    complete_below = bucket_start(now - LEVELS[0].width, LEVELS[0].width)
    for level in LEVELS:
        with transaction.atomic():
            # Short: ingest waits on this lock only while the watermark moves.
            sqlfiles.fetch_one("aggregate_watermark_lock")
            materialized, pending = sqlfiles.fetch_one("aggregate_watermark_get", level=level.name)
            target = max(bucket_start(complete_below, level.width), pending)
            sqlfiles.execute("aggregate_pending_set", level=level.name, until=target)
        with transaction.atomic():
            if target > materialized:
                sqlfiles.fetch_one(f"aggregate_recompute_{level.name}", range_start=materialized, range_end=target,
                                   organization_id=None, collector_id=None)
            recomputed[level.name] = _recompute_invalidated(level, below=materialized)
            sqlfiles.execute("aggregate_materialized_set", level=level.name, until=target)
        complete_below = target
    return recomputed


def _recompute_invalidated(level: Level, *, below: datetime) -> int:
    """Computes again, per collector, the buckets that late data changed; passes the
    ranges on to the next level."""
    ranges: dict[tuple[int, int], list[tuple[datetime, datetime]]] = {}
    for organization_id, collector_id, start, end in sqlfiles.fetch_all("aggregate_invalidations_take",
                                                                       level=level.name):
        first = bucket_start(start, level.width)
        after = bucket_start(end, level.width) + level.width
        ranges.setdefault((organization_id, collector_id), []).append((first, after))
    count = 0
    upper = next((lvl for lvl in LEVELS if lvl.below == level.name), None)
    for (organization_id, collector_id), spans in ranges.items():
        for first, after in _merged(spans):
            # Above `below` the buckets were just materialised from the current data.
            after = min(after, below)
            if first >= after:
                continue
            sqlfiles.fetch_one(f"aggregate_recompute_{level.name}", range_start=first, range_end=after,
                               organization_id=organization_id, collector_id=collector_id)
            count += 1
            if upper is not None:
                sqlfiles.execute("aggregate_invalidation_add", level=upper.name, organization_id=organization_id,
                                 collector_id=collector_id, range_start=first, range_end=after - timedelta(seconds=1))
    return count


def _merged(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[list[datetime]] = []
    for first, after in sorted(spans):
        if merged and first <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], after)
        else:
            merged.append([first, after])
    return [(first, after) for first, after in merged]


def bucket_start(moment: datetime, width: timedelta) -> datetime:
    """time_bucket's bucket start for 1 minute, 1 hour and 1 day (aligned on the epoch, UTC)."""
    epoch = datetime(1970, 1, 1, tzinfo=moment.tzinfo)
    return epoch + ((moment - epoch) // width) * width


def aggregates_forget_collector(*, collector_id: int) -> None:
    """Deletes a collector's aggregate rows, wherever the edition stores them."""
    with connection.cursor() as cursor:
        for (relation,) in _fetch(cursor, "aggregate_storage_relations"):
            schema, _, name = relation.partition(".")
            cursor.execute(
                sql.SQL("DELETE FROM {}.{} WHERE collector_id = %s").format(
                    sql.Identifier(schema.strip('"')), sql.Identifier(name.strip('"'))),
                [collector_id],
            )


def retention_apply(*, now: datetime | None = None) -> dict[str, int]:
    """Drops the chunks created longer ago than their level's retention_period, raw
    samples and every aggregate level alike (drop_chunks created_before; the Apache
    edition's retention, run by the upkeep; the Community edition's policies do the same).
    Returns the number of chunks dropped per relation."""
    now = now or timezone.now()
    dropped = {}
    with connection.cursor() as cursor:
        for relation, level, chunk_interval in _fetch(cursor, "retention_targets"):
            kept = retention_period(level=level, chunk_interval=chunk_interval)
            if kept is not None:
                ((dropped[relation],),) = _fetch(cursor, "retention_drop_chunks", relation=relation,
                                                 created_before=now - kept)
    return dropped


def aggregates_refresh_range(*, organization_id: int, collector_id: int, start: datetime, end: datetime) -> None:
    """Computes every level of one collector's [start, end] now, finest first, so that its
    charts are complete at every level at once (an upload's range: without this, buckets
    below the watermarks wait for the next refresh, and the Community edition's 1h and 1d
    for their policies' next runs). Under the Community edition TimescaleDB refreshes the
    range for every collector (it keeps no per-collector ranges); not inside a transaction."""
    continuous = timescale.aggregate_mode() == "continuous"
    live = dict(sqlfiles.fetch_all("continuous_aggregates_live")) if continuous else {}
    for level in LEVELS:
        first, after = bucket_start(start, level.width), bucket_start(end, level.width) + level.width
        if continuous:
            for family in FAMILIES:
                sqlfiles.execute("continuous_aggregate_refresh", view=live[f"{family}_{level.name}"],
                                 window_start=first, window_end=after)
        else:
            with transaction.atomic():
                # Held until commit: the refresher does not move this level's watermark meanwhile.
                materialized, _ = sqlfiles.fetch_one("aggregate_watermark_get", level=level.name)
                # Above the watermark the views compute the buckets from the level below anyway.
                if first < min(after, materialized):
                    sqlfiles.fetch_one(f"aggregate_recompute_{level.name}", range_start=first,
                                       range_end=min(after, materialized), organization_id=organization_id,
                                       collector_id=collector_id)
