-- Load tests (metrics/loadtests/services.py, the LoadTest model): the ten levels of work
-- units a server did (units_10pct ... units_100pct), entered by hand or measured by pcd.

-- name: loadtest_newest_per_collector
-- The compare endpoint (contract §9.1): for each collector of organization
-- %(organization_id)s whose perf-dashboard UUID is in %(collector_uuids)s, its newest
-- completed load test, with the collector's name, vm_brand and hourly_cost. One row per
-- collector that has one. The collectors come from the unique index on uuid; each one's
-- newest test is one probe of loadtest_collector_newest (collector, status, created_at DESC):
-- one row read (a tie-break on id would make it read the next row too).
SELECT c.uuid AS collector_uuid, c.name, c.vm_brand, c.hourly_cost, t.*
FROM metrics_collector c
CROSS JOIN LATERAL (
    SELECT units_10pct, units_20pct, units_30pct, units_40pct, units_50pct,
           units_60pct, units_70pct, units_80pct, units_90pct, units_100pct
    FROM metrics_loadtest
    WHERE collector_id = c.id AND status = 'completed'
    ORDER BY created_at DESC
    LIMIT 1
) t
WHERE c.organization_id = %(organization_id)s AND c.uuid = ANY(%(collector_uuids)s::uuid[]);

-- name: loadtest_unrecorded_fail
-- The stalled-job check (metrics.loadtests.services.loadtest_unrecorded_fail): load tests
-- still queued or running whose job has ended (none of theirs is todo or doing) end failed
-- with %(error)s; their ids. Such a job raised before it could record (the database away
-- longer than its retries) and procrastinate recorded its end once the database was back.
-- One statement, safe beside a job that records: a job commits its row before procrastinate
-- ends it, so a row seen open beside its ended job was left open.
UPDATE metrics_loadtest t
SET status = 'failed', error = %(error)s, finished_at = now()
WHERE t.status IN ('queued', 'running')
  AND NOT EXISTS (
    SELECT FROM procrastinate_jobs j
    WHERE j.task_name = 'loadtest_run' AND j.status IN ('todo', 'doing')
      AND j.args ->> 'load_test_id' = t.id::text)
RETURNING t.id;

-- name: comparison_unrecorded
-- The same for benchmark comparisons (metrics.loadtests.comparisons.comparisons_unrecorded):
-- comparisons still running whose job has ended; their id and organization.
SELECT c.id, c.organization_id
FROM metrics_benchmarkcomparison c
WHERE c.status = 'running'
  AND NOT EXISTS (
    SELECT FROM procrastinate_jobs j
    WHERE j.task_name = 'benchmark_comparison_run' AND j.status IN ('todo', 'doing')
      AND j.args ->> 'comparison_id' = c.id::text);
