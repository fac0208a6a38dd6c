-- name: timescaledb_version
-- The installed TimescaleDB extension's version; no row when it is not installed.
SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'

-- name: timescaledb_license
-- 'timescale' (Community edition, with the TSL module) or 'apache'.
SELECT current_setting('timescaledb.license', true)

-- name: postgresql_version
SELECT current_setting('server_version')

-- name: hypertable_sizes
-- Every hypertable with its chunk count and total size (bytes).
SELECT h.hypertable_schema, h.hypertable_name, h.num_chunks,
       COALESCE(hypertable_size(format('%%I.%%I', h.hypertable_schema, h.hypertable_name)::regclass), 0)
FROM timescaledb_information.hypertables h
ORDER BY h.hypertable_schema, h.hypertable_name

-- name: background_jobs
-- TimescaleDB's scheduled jobs (policies); empty under the Apache edition.
SELECT j.job_id, j.application_name, COALESCE(j.hypertable_name, ''), j.schedule_interval::text,
       COALESCE(s.last_run_status, ''), s.next_start
FROM timescaledb_information.jobs j
LEFT JOIN timescaledb_information.job_stats s USING (job_id)
WHERE j.job_id >= 1000
ORDER BY j.job_id

-- name: aggregate_mode
-- How the 1m/1h/1d aggregates are kept: 'continuous' (TimescaleDB continuous aggregates,
-- Community edition), 'incremental' (plain tables kept by XAT, Apache edition) or 'none'
-- (not created yet). Read from the catalog rather than stored, so it cannot drift. After a
-- new version of cpu's continuous aggregates was rolled out, cpu_1m is a view over
-- cpu_1m_v<N> (docs/storage.md, "Continuous aggregates").
SELECT CASE
         WHEN EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates
                      WHERE view_name ~ '^cpu_1m(_v[0-9]+)?$') THEN 'continuous'
         WHEN to_regclass('cpu_1m') IS NOT NULL THEN 'incremental'
         ELSE 'none'
       END

-- name: retention_targets
-- Every relation retention drops chunks from, with its level ('raw', '1m', '1h', '1d')
-- and its chunk interval: the raw sample hypertables, then the aggregates' storage (the
-- Apache edition's aggregate_store.<family>_<level> hypertables, or the Community
-- edition's continuous aggregates, named by their view, whose chunks are those of their
-- materialisation hypertable). Catalog views only: a few dozen rows.
SELECT format('%%I.%%I', d.hypertable_schema, d.hypertable_name),
       CASE WHEN d.hypertable_schema = 'aggregate_store' THEN substring(d.hypertable_name FROM '_(1m|1h|1d)$')
            ELSE 'raw' END,
       d.time_interval
FROM timescaledb_information.dimensions d
WHERE d.dimension_number = 1
  AND ((d.hypertable_schema = 'public'
        AND (d.hypertable_name LIKE '%%\_sample' OR d.hypertable_name = 'sample_tick'))
       OR d.hypertable_schema = 'aggregate_store')
UNION ALL
SELECT format('%%I.%%I', c.view_schema, c.view_name), substring(c.view_name FROM '_(1m|1h|1d)(?:_v[0-9]+)?$'),
       d.time_interval
FROM timescaledb_information.continuous_aggregates c
JOIN timescaledb_information.dimensions d
  ON d.hypertable_schema = c.materialization_hypertable_schema
 AND d.hypertable_name = c.materialization_hypertable_name AND d.dimension_number = 1
WHERE c.view_schema = 'public'
ORDER BY 1

-- name: continuous_aggregates_live
-- Community edition: the continuous aggregate that takes each public aggregate's new
-- buckets (its refresh policy's target): (public name, continuous aggregate), e.g.
-- ('memory_1m', 'memory_1m'), or ('memory_1m', 'memory_1m_v2') once a new version was
-- rolled out (sql/generate.py; the public name is then a view over the versions). The
-- newest version of each; catalog views only.
SELECT DISTINCT ON (1) substring(view_name FROM '^(.*_(?:1m|1h|1d))(?:_v[0-9]+)?$'), view_name
FROM timescaledb_information.continuous_aggregates
WHERE view_schema = 'public'
ORDER BY 1, coalesce(substring(view_name FROM '_v([0-9]+)$')::int, 1) DESC

-- name: retention_drop_chunks
-- Drops the relation's chunks created before the moment (whatever times they hold);
-- returns how many.
SELECT count(*) FROM drop_chunks(%(relation)s::regclass, created_before => %(created_before)s)

-- name: retention_policy_remove
-- TimescaleDB's own retention policy of the relation, if any (XAT's retention job replaces
-- them: retention_job_procedure).
SELECT remove_retention_policy(%(relation)s::regclass, if_exists => true)

-- name: retention_job_procedure
-- Community edition: the procedure of XAT's retention job (retention_job_add). It drops each
-- relation's chunks created more than its period ago; config: {"periods": {relation:
-- interval}}. In place of TimescaleDB's retention policies: their drop_created_before form
-- fails at every run ("could not find drop_after in config for job" on TimescaleDB 2.23;
-- timescale/timescaledb#9446, fixed by #9511 in 2026), while drop_chunks(created_before)
-- works in every version since 2.13.
CREATE OR REPLACE PROCEDURE xat_retention_by_arrival(job_id integer, config jsonb)
LANGUAGE plpgsql AS $procedure$
DECLARE
    target record;
BEGIN
    FOR target IN SELECT key AS relation, value::interval AS period FROM jsonb_each_text(config -> 'periods') LOOP
        PERFORM drop_chunks(target.relation::regclass, created_before => now() - target.period);
    END LOOP;
END
$procedure$

-- name: retention_jobs_delete
-- XAT's retention jobs (none or one), before one is added again with the current periods.
SELECT delete_job(job_id) FROM timescaledb_information.jobs WHERE proc_name = 'xat_retention_by_arrival'

-- name: retention_job_add
-- Community edition: TimescaleDB's scheduler runs xat_retention_by_arrival every `every`.
SELECT add_job('xat_retention_by_arrival', %(every)s::interval, config => %(config)s::jsonb)

-- name: compression_policy_remove
SELECT remove_compression_policy(%(relation)s::regclass, if_exists => true)

-- name: compression_policy_add
-- Community edition: TimescaleDB's job compresses the chunks whose times all lie more than
-- `after` ago. By the samples' times, not by arrival as retention: compression loses
-- nothing, and rows written later into a compressed chunk are stored all the same
-- (compress_created_before would only delay compressing an old capture's chunks).
SELECT add_compression_policy(%(relation)s::regclass, compress_after => %(after)s)

-- name: continuous_aggregate_refresh
-- Community edition: materialises the continuous aggregate's buckets in [window_start,
-- window_end) from what lies below it now. Not inside a transaction block (autocommit).
CALL refresh_continuous_aggregate(%(view)s::regclass, %(window_start)s::timestamptz, %(window_end)s::timestamptz)
