-- The aggregates' upkeep (metrics/aggregates.py). Under the Apache edition XAT keeps them
-- itself (incremental refresher); under the Community edition TimescaleDB's policies do.

-- name: aggregate_watermark_lock
-- Taken exclusively by the refresher while it moves a pending_until watermark; every
-- ingest transaction holds it shared (collector_ingest_lock), so no ingest that read the
-- old watermark can commit after the refresher has read the data below the new one.
SELECT pg_advisory_xact_lock(1482, 1)

-- name: aggregate_watermark_get
SELECT materialized_until, pending_until FROM aggregate_watermark WHERE level = %(level)s FOR UPDATE

-- name: aggregate_pending_set
UPDATE aggregate_watermark SET pending_until = %(until)s WHERE level = %(level)s

-- name: aggregate_materialized_set
UPDATE aggregate_watermark SET materialized_until = %(until)s WHERE level = %(level)s

-- name: aggregate_invalidations_take
-- The ranges to compute again at this level, removed in the same transaction that
-- recomputes them.
DELETE FROM aggregate_invalidation WHERE level = %(level)s
RETURNING organization_id, collector_id, range_start, range_end

-- name: aggregate_invalidation_add
-- Logged only below the level's pending watermark: above it, the next refresh reads the
-- data anyway.
INSERT INTO aggregate_invalidation (level, organization_id, collector_id, range_start, range_end)
SELECT level, %(organization_id)s::bigint, %(collector_id)s::bigint, %(range_start)s, %(range_end)s
FROM aggregate_watermark WHERE level = %(level)s AND pending_until > %(range_start)s

-- name: aggregate_recompute_1m
SELECT aggregate_store.recompute_1m(%(range_start)s, %(range_end)s, %(organization_id)s::bigint,
                                    %(collector_id)s::bigint)

-- name: aggregate_recompute_1h
SELECT aggregate_store.recompute_1h(%(range_start)s, %(range_end)s, %(organization_id)s::bigint,
                                    %(collector_id)s::bigint)

-- name: aggregate_recompute_1d
SELECT aggregate_store.recompute_1d(%(range_start)s, %(range_end)s, %(organization_id)s::bigint,
                                    %(collector_id)s::bigint)

-- name: aggregate_storage_relations
-- Where aggregate rows are stored: the continuous aggregates' materialisation hypertables
-- (Community edition) or aggregate_store.* (Apache edition).
SELECT format('%%I.%%I', materialization_hypertable_schema, materialization_hypertable_name)
FROM timescaledb_information.continuous_aggregates WHERE view_schema = 'public'
UNION ALL
SELECT format('%%I.%%I', schemaname, tablename) FROM pg_tables WHERE schemaname = 'aggregate_store'

-- name: raw_hypertables
-- The raw sample hypertables (retention, compression).
SELECT hypertable_name FROM timescaledb_information.hypertables
WHERE hypertable_schema = 'public' AND (hypertable_name LIKE '%%\_sample' OR hypertable_name = 'sample_tick')
ORDER BY hypertable_name
