-- Load tests (metrics/loadtests.py, the LoadTest model): the ten levels of work units a
-- server did (units_10pct ... units_100pct), entered by hand or measured by pcd.

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
