-- The dashboard's summary and what each level holds (metrics/dashboard.py). The chart
-- queries and the live feed are generated from the catalogue (sql/queries/
-- dashboard_charts.sql, which says how they read the <family>_levels views at one level,
-- written `level = {level}`).

-- name: dashboard_plans_generic
-- For the rest of the transaction, prepared statements run their generic plan, made once
-- per connection: planning a chart's level stack (the Apache edition's real-time views down
-- to every raw chunk, excluded only at run time by the watermark) costs more than running
-- it. psycopg prepares a statement at its 5th run (PGPREPARE_THRESHOLD); an unprepared
-- statement is planned for its parameters as before.
SELECT set_config('plan_cache_mode', 'force_generic_plan', true)

-- name: dashboard_summary
-- Summary: over the buckets of the requested level between first and last, the min,
-- average (sum of sums / sum of counts: exact at any level), max and 95th percentile
-- (percentile_cont over the bucket averages: exact at raw, the p95 of 1-minute means at
-- 1m) of CPU busy percent (100 - idle of the total line), memory used percent, disk read/written
-- sectors/s and network rx/tx kB/s (host totals); and each one's latest raw value in
-- [start, end] (one backward probe of each unique index (organization_id,
-- collector_id, time[, cpu])). Relies on the same indexes and aggregate keys as the charts.
WITH cpu AS (
    SELECT min(100 - idle_pct_max) AS low, 100 - sum(idle_pct_sum) / nullif(sum(idle_pct_count), 0) AS mean,
           max(100 - idle_pct_min) AS high,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY 100 - idle_pct_avg) AS p95
    FROM cpu_levels
    WHERE level = {level} AND organization_id = %(organization_id)s::bigint
      AND collector_id = %(collector_id)s::bigint AND bucket >= %(first)s AND bucket <= %(last)s AND cpu = -1
), memory AS (
    SELECT min(mem_used_pct_min) AS low, sum(mem_used_pct_sum) / nullif(sum(mem_used_pct_count), 0) AS mean,
           max(mem_used_pct_max) AS high,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY mem_used_pct_avg) AS p95
    FROM memory_levels
    WHERE level = {level} AND organization_id = %(organization_id)s::bigint
      AND collector_id = %(collector_id)s::bigint AND bucket >= %(first)s AND bucket <= %(last)s
), disk AS (
    SELECT min(read_sectors_ps_min) AS read_low,
           sum(read_sectors_ps_sum) / nullif(sum(read_sectors_ps_count), 0) AS read_mean,
           max(read_sectors_ps_max) AS read_high,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY read_sectors_ps_avg) AS read_p95,
           min(written_sectors_ps_min) AS written_low,
           sum(written_sectors_ps_sum) / nullif(sum(written_sectors_ps_count), 0) AS written_mean,
           max(written_sectors_ps_max) AS written_high,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY written_sectors_ps_avg) AS written_p95
    FROM disk_total_levels
    WHERE level = {level} AND organization_id = %(organization_id)s::bigint
      AND collector_id = %(collector_id)s::bigint AND bucket >= %(first)s AND bucket <= %(last)s
), network AS (
    SELECT min(rx_kb_ps_min) AS rx_low, sum(rx_kb_ps_sum) / nullif(sum(rx_kb_ps_count), 0) AS rx_mean,
           max(rx_kb_ps_max) AS rx_high,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY rx_kb_ps_avg) AS rx_p95,
           min(tx_kb_ps_min) AS tx_low, sum(tx_kb_ps_sum) / nullif(sum(tx_kb_ps_count), 0) AS tx_mean,
           max(tx_kb_ps_max) AS tx_high,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY tx_kb_ps_avg) AS tx_p95
    FROM network_total_levels
    WHERE level = {level} AND organization_id = %(organization_id)s::bigint
      AND collector_id = %(collector_id)s::bigint AND bucket >= %(first)s AND bucket <= %(last)s
)
SELECT (SELECT 100 - idle_pct FROM cpu_sample
        WHERE organization_id = %(organization_id)s::bigint AND collector_id = %(collector_id)s::bigint
          AND time >= %(start)s AND time <= %(end)s AND cpu = -1 ORDER BY time DESC LIMIT 1)::float8 AS cpu_busy_latest,
       cpu.low::float8 AS cpu_busy_min, cpu.mean::float8 AS cpu_busy_avg, cpu.high::float8 AS cpu_busy_max,
       cpu.p95::float8 AS cpu_busy_p95,
       (SELECT mem_used_pct FROM memory_sample
        WHERE organization_id = %(organization_id)s::bigint AND collector_id = %(collector_id)s::bigint
          AND time >= %(start)s AND time <= %(end)s ORDER BY time DESC LIMIT 1)::float8 AS memory_used_latest,
       memory.low::float8 AS memory_used_min, memory.mean::float8 AS memory_used_avg,
       memory.high::float8 AS memory_used_max, memory.p95::float8 AS memory_used_p95,
       latest_disk.read_sectors_ps::float8 AS disk_read_latest, disk.read_low::float8 AS disk_read_min,
       disk.read_mean::float8 AS disk_read_avg, disk.read_high::float8 AS disk_read_max,
       disk.read_p95::float8 AS disk_read_p95,
       latest_disk.written_sectors_ps::float8 AS disk_written_latest, disk.written_low::float8 AS disk_written_min,
       disk.written_mean::float8 AS disk_written_avg, disk.written_high::float8 AS disk_written_max,
       disk.written_p95::float8 AS disk_written_p95,
       latest_network.rx_kb_ps::float8 AS network_rx_latest, network.rx_low::float8 AS network_rx_min,
       network.rx_mean::float8 AS network_rx_avg, network.rx_high::float8 AS network_rx_max,
       network.rx_p95::float8 AS network_rx_p95,
       latest_network.tx_kb_ps::float8 AS network_tx_latest, network.tx_low::float8 AS network_tx_min,
       network.tx_mean::float8 AS network_tx_avg, network.tx_high::float8 AS network_tx_max,
       network.tx_p95::float8 AS network_tx_p95
FROM cpu, memory, disk, network
LEFT JOIN LATERAL (
    SELECT read_sectors_ps, written_sectors_ps FROM disk_total_sample
    WHERE organization_id = %(organization_id)s::bigint AND collector_id = %(collector_id)s::bigint
      AND time >= %(start)s AND time <= %(end)s ORDER BY time DESC LIMIT 1) latest_disk ON true
LEFT JOIN LATERAL (
    SELECT rx_kb_ps, tx_kb_ps FROM network_total_sample
    WHERE organization_id = %(organization_id)s::bigint AND collector_id = %(collector_id)s::bigint
      AND time >= %(start)s AND time <= %(end)s ORDER BY time DESC LIMIT 1) latest_network ON true

-- name: dashboard_levels_first
-- For each level (levels: 'raw', '1m', '1h', '1d') the first bucket holding a memory row
-- of the collector from the level's first bucket of the window (firsts, parallel to levels:
-- the window's start at raw) to its end (last); NULL where the level holds none: what
-- retention left of the window at each level (metrics.dashboard.levels_held). Memory, one
-- row per tick or bucket, stands for every family (each tick has one). Each level's branch
-- of memory_levels runs only for its own row (a one-time filter on the level); relies on
-- memory_sample's unique index (organization_id, collector_id, time) at raw and on the
-- memory_<level> aggregates' (organization_id, collector_id, bucket) key above: one index
-- descent per level at raw and on the stored buckets, but the Apache edition's real-time
-- union keeps no order, so a level's buckets in the window are sorted first: over 30 days
-- (3 hosts x 30 days, generic plan) 23.7 ms, the 1m level's 43,200 buckets sorted, and
-- 11.7 ms of planning. Hence run only where its answer can change the level read
-- (metrics.dashboard._level_choose): a window older than the retention of the finest level
-- that suits it, which is a short window (a 30-day chart reads 1h, kept 730 days, unlooked).
SELECT held.level,
       (SELECT bucket FROM memory_levels m
        WHERE m.level = held.level AND organization_id = %(organization_id)s::bigint
          AND collector_id = %(collector_id)s::bigint AND bucket >= held.first AND bucket <= %(last)s
        ORDER BY bucket LIMIT 1) AS first
FROM unnest(%(levels)s::text[], %(firsts)s::timestamptz[]) AS held(level, first)
