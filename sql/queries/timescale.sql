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
-- (not created yet). Read from the catalog rather than stored, so it cannot drift.
SELECT CASE
         WHEN EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates
                      WHERE view_name = 'cpu_1m') THEN 'continuous'
         WHEN to_regclass('cpu_1m') IS NOT NULL THEN 'incremental'
         ELSE 'none'
       END
