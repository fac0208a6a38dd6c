-- The dashboard's charts (metrics/dashboard.py), one named query per chart, one round trip.
-- Chart queries read the <family>_levels views (sql/schema/0005_aggregate_levels.sql) at
-- one level, written `level = {level}`: the loader makes it a literal ('raw', '1m', '1h' or
-- '1d'; xat/sqlfiles.py), so the planner prunes the other UNION ALL branches and a chart
-- reads the raw hypertable or exactly one aggregate, in a custom plan as in a generic one.
-- They run on their generic plans (dashboard_plans_generic). Parameters: organization_id,
-- collector_id, first and last (the first and last bucket starts, inclusive; at raw the
-- range's ends), stat ('avg', 'min', 'max': chosen by CASE, so a row carries one value per
-- metric), items (false: the host's rows only; a constant test, so the plan skips the item
-- relations at run time) and rows_max (a LIMIT: the chart refuses an answer that would
-- exceed it, metrics.dashboard.CHART_VALUES_MAX; no ORDER BY, so the scan stops there).

-- name: dashboard_plans_generic
-- For the rest of the transaction, prepared statements run their generic plan, made once
-- per connection: planning a chart's level stack (the Apache edition's real-time views down
-- to every raw chunk, excluded only at run time by the watermark) costs more than running
-- it. psycopg prepares a statement at its 5th run (PGPREPARE_THRESHOLD); an unprepared
-- statement is planned for its parameters as before.
SELECT set_config('plan_cache_mode', 'force_generic_plan', true)

-- name: dashboard_cpu
-- CPU chart: one row per (bucket, cpu) of the requested level, cpu -1 (the total line) only
-- unless items (per core); each metric is the bucket's stat (avg, min or max; busy_pct =
-- 100 - idle_pct, so its max is 100 - the idle minimum). Relies on: raw, cpu_sample's
-- unique index (organization_id, collector_id, time, cpu); 1m/1h/1d, the aggregates'
-- unique key (organization_id, collector_id, bucket, cpu) (aggregate_store.cpu_<level>
-- under the Apache edition, the continuous aggregate's own index under the Community one).
SELECT bucket, cpu AS item,
       CASE %(stat)s::text WHEN 'min' THEN user_pct_min WHEN 'max' THEN user_pct_max ELSE user_pct_avg END::float8 AS user_pct,
       CASE %(stat)s::text WHEN 'min' THEN nice_pct_min WHEN 'max' THEN nice_pct_max ELSE nice_pct_avg END::float8 AS nice_pct,
       CASE %(stat)s::text WHEN 'min' THEN system_pct_min WHEN 'max' THEN system_pct_max ELSE system_pct_avg END::float8 AS system_pct,
       CASE %(stat)s::text WHEN 'min' THEN iowait_pct_min WHEN 'max' THEN iowait_pct_max ELSE iowait_pct_avg END::float8 AS iowait_pct,
       CASE %(stat)s::text WHEN 'min' THEN irq_pct_min WHEN 'max' THEN irq_pct_max ELSE irq_pct_avg END::float8 AS irq_pct,
       CASE %(stat)s::text WHEN 'min' THEN softirq_pct_min WHEN 'max' THEN softirq_pct_max ELSE softirq_pct_avg END::float8 AS softirq_pct,
       CASE %(stat)s::text WHEN 'min' THEN steal_pct_min WHEN 'max' THEN steal_pct_max ELSE steal_pct_avg END::float8 AS steal_pct,
       CASE %(stat)s::text WHEN 'min' THEN idle_pct_min WHEN 'max' THEN idle_pct_max ELSE idle_pct_avg END::float8 AS idle_pct,
       CASE %(stat)s::text WHEN 'min' THEN 100 - idle_pct_max WHEN 'max' THEN 100 - idle_pct_min ELSE 100 - idle_pct_avg END::float8 AS busy_pct
FROM cpu_levels
WHERE level = {level} AND organization_id = %(organization_id)s::bigint
  AND collector_id = %(collector_id)s::bigint AND bucket >= %(first)s AND bucket <= %(last)s
  AND (cpu = -1 OR %(items)s::boolean)
LIMIT %(rows_max)s

-- name: dashboard_memory
-- Memory chart: one row per bucket of the requested level, each gauge the bucket's stat.
-- Relies on memory_sample's unique index (organization_id, collector_id, time) at raw and
-- the memory_<level> aggregates' (organization_id, collector_id, bucket) key above.
SELECT bucket, NULL::text AS item,
       CASE %(stat)s::text WHEN 'min' THEN mem_total_kb_min WHEN 'max' THEN mem_total_kb_max ELSE mem_total_kb_avg END::float8 AS mem_total_kb,
       CASE %(stat)s::text WHEN 'min' THEN mem_free_kb_min WHEN 'max' THEN mem_free_kb_max ELSE mem_free_kb_avg END::float8 AS mem_free_kb,
       CASE %(stat)s::text WHEN 'min' THEN mem_available_kb_min WHEN 'max' THEN mem_available_kb_max ELSE mem_available_kb_avg END::float8 AS mem_available_kb,
       CASE %(stat)s::text WHEN 'min' THEN mem_used_kb_min WHEN 'max' THEN mem_used_kb_max ELSE mem_used_kb_avg END::float8 AS mem_used_kb,
       CASE %(stat)s::text WHEN 'min' THEN mem_used_pct_min WHEN 'max' THEN mem_used_pct_max ELSE mem_used_pct_avg END::float8 AS mem_used_pct,
       CASE %(stat)s::text WHEN 'min' THEN buffers_kb_min WHEN 'max' THEN buffers_kb_max ELSE buffers_kb_avg END::float8 AS buffers_kb,
       CASE %(stat)s::text WHEN 'min' THEN cached_kb_min WHEN 'max' THEN cached_kb_max ELSE cached_kb_avg END::float8 AS cached_kb,
       CASE %(stat)s::text WHEN 'min' THEN commit_kb_min WHEN 'max' THEN commit_kb_max ELSE commit_kb_avg END::float8 AS commit_kb,
       CASE %(stat)s::text WHEN 'min' THEN commit_pct_min WHEN 'max' THEN commit_pct_max ELSE commit_pct_avg END::float8 AS commit_pct,
       CASE %(stat)s::text WHEN 'min' THEN active_kb_min WHEN 'max' THEN active_kb_max ELSE active_kb_avg END::float8 AS active_kb,
       CASE %(stat)s::text WHEN 'min' THEN inactive_kb_min WHEN 'max' THEN inactive_kb_max ELSE inactive_kb_avg END::float8 AS inactive_kb,
       CASE %(stat)s::text WHEN 'min' THEN dirty_kb_min WHEN 'max' THEN dirty_kb_max ELSE dirty_kb_avg END::float8 AS dirty_kb,
       CASE %(stat)s::text WHEN 'min' THEN swap_total_kb_min WHEN 'max' THEN swap_total_kb_max ELSE swap_total_kb_avg END::float8 AS swap_total_kb,
       CASE %(stat)s::text WHEN 'min' THEN swap_free_kb_min WHEN 'max' THEN swap_free_kb_max ELSE swap_free_kb_avg END::float8 AS swap_free_kb
FROM memory_levels
WHERE level = {level} AND organization_id = %(organization_id)s::bigint
  AND collector_id = %(collector_id)s::bigint AND bucket >= %(first)s AND bucket <= %(last)s
LIMIT %(rows_max)s

-- name: dashboard_disk
-- Disk chart: the host total (item NULL, disk_total_levels) and every device (disk_levels),
-- one row per (bucket, item) of the requested level, each rate the bucket's stat. Relies on
-- the unique indexes (organization_id, collector_id, time[, device]) of disk_total_sample
-- and disk_sample at raw, and the disk_total_<level> / disk_<level> keys above.
SELECT bucket, item,
       CASE %(stat)s::text WHEN 'min' THEN tps_min WHEN 'max' THEN tps_max ELSE tps_avg END::float8 AS tps,
       CASE %(stat)s::text WHEN 'min' THEN rtps_min WHEN 'max' THEN rtps_max ELSE rtps_avg END::float8 AS rtps,
       CASE %(stat)s::text WHEN 'min' THEN wtps_min WHEN 'max' THEN wtps_max ELSE wtps_avg END::float8 AS wtps,
       CASE %(stat)s::text WHEN 'min' THEN dtps_min WHEN 'max' THEN dtps_max ELSE dtps_avg END::float8 AS dtps,
       CASE %(stat)s::text WHEN 'min' THEN read_sectors_ps_min WHEN 'max' THEN read_sectors_ps_max ELSE read_sectors_ps_avg END::float8 AS read_sectors_ps,
       CASE %(stat)s::text WHEN 'min' THEN written_sectors_ps_min WHEN 'max' THEN written_sectors_ps_max ELSE written_sectors_ps_avg END::float8 AS written_sectors_ps,
       CASE %(stat)s::text WHEN 'min' THEN discarded_sectors_ps_min WHEN 'max' THEN discarded_sectors_ps_max ELSE discarded_sectors_ps_avg END::float8 AS discarded_sectors_ps,
       CASE %(stat)s::text WHEN 'min' THEN util_pct_min WHEN 'max' THEN util_pct_max ELSE util_pct_avg END::float8 AS util_pct,
       CASE %(stat)s::text WHEN 'min' THEN await_ms_min WHEN 'max' THEN await_ms_max ELSE await_ms_avg END::float8 AS await_ms
FROM (
    SELECT bucket, NULL::text AS item,
           tps_avg, tps_min, tps_max, rtps_avg, rtps_min, rtps_max, wtps_avg, wtps_min, wtps_max, dtps_avg,
           dtps_min, dtps_max, read_sectors_ps_avg, read_sectors_ps_min, read_sectors_ps_max,
           written_sectors_ps_avg, written_sectors_ps_min, written_sectors_ps_max, discarded_sectors_ps_avg,
           discarded_sectors_ps_min, discarded_sectors_ps_max, util_pct_avg, util_pct_min, util_pct_max,
           await_ms_avg, await_ms_min, await_ms_max
    FROM disk_total_levels
    WHERE level = {level} AND organization_id = %(organization_id)s::bigint
      AND collector_id = %(collector_id)s::bigint AND bucket >= %(first)s AND bucket <= %(last)s
    UNION ALL
    SELECT bucket, device,
           tps_avg, tps_min, tps_max, rtps_avg, rtps_min, rtps_max, wtps_avg, wtps_min, wtps_max, dtps_avg,
           dtps_min, dtps_max, read_sectors_ps_avg, read_sectors_ps_min, read_sectors_ps_max,
           written_sectors_ps_avg, written_sectors_ps_min, written_sectors_ps_max, discarded_sectors_ps_avg,
           discarded_sectors_ps_min, discarded_sectors_ps_max, util_pct_avg, util_pct_min, util_pct_max,
           await_ms_avg, await_ms_min, await_ms_max
    FROM disk_levels
    WHERE level = {level} AND organization_id = %(organization_id)s::bigint
      AND collector_id = %(collector_id)s::bigint AND bucket >= %(first)s AND bucket <= %(last)s
      AND %(items)s::boolean
) chart
LIMIT %(rows_max)s

-- name: dashboard_network
-- Network chart: the host total over physical interfaces (item NULL, network_total_levels;
-- it has no if_util_pct) and every interface (network_levels), one row per (bucket, item)
-- of the requested level, each rate the bucket's stat. Relies on the unique indexes
-- (organization_id, collector_id, time[, interface]) of network_total_sample and
-- network_sample at raw, and the network_total_<level> / network_<level> keys above.
SELECT bucket, item,
       CASE %(stat)s::text WHEN 'min' THEN rx_packets_ps_min WHEN 'max' THEN rx_packets_ps_max ELSE rx_packets_ps_avg END::float8 AS rx_packets_ps,
       CASE %(stat)s::text WHEN 'min' THEN tx_packets_ps_min WHEN 'max' THEN tx_packets_ps_max ELSE tx_packets_ps_avg END::float8 AS tx_packets_ps,
       CASE %(stat)s::text WHEN 'min' THEN rx_kb_ps_min WHEN 'max' THEN rx_kb_ps_max ELSE rx_kb_ps_avg END::float8 AS rx_kb_ps,
       CASE %(stat)s::text WHEN 'min' THEN tx_kb_ps_min WHEN 'max' THEN tx_kb_ps_max ELSE tx_kb_ps_avg END::float8 AS tx_kb_ps,
       CASE %(stat)s::text WHEN 'min' THEN rx_compressed_ps_min WHEN 'max' THEN rx_compressed_ps_max ELSE rx_compressed_ps_avg END::float8 AS rx_compressed_ps,
       CASE %(stat)s::text WHEN 'min' THEN tx_compressed_ps_min WHEN 'max' THEN tx_compressed_ps_max ELSE tx_compressed_ps_avg END::float8 AS tx_compressed_ps,
       CASE %(stat)s::text WHEN 'min' THEN rx_multicast_ps_min WHEN 'max' THEN rx_multicast_ps_max ELSE rx_multicast_ps_avg END::float8 AS rx_multicast_ps,
       CASE %(stat)s::text WHEN 'min' THEN rx_errors_ps_min WHEN 'max' THEN rx_errors_ps_max ELSE rx_errors_ps_avg END::float8 AS rx_errors_ps,
       CASE %(stat)s::text WHEN 'min' THEN tx_errors_ps_min WHEN 'max' THEN tx_errors_ps_max ELSE tx_errors_ps_avg END::float8 AS tx_errors_ps,
       CASE %(stat)s::text WHEN 'min' THEN rx_drops_ps_min WHEN 'max' THEN rx_drops_ps_max ELSE rx_drops_ps_avg END::float8 AS rx_drops_ps,
       CASE %(stat)s::text WHEN 'min' THEN tx_drops_ps_min WHEN 'max' THEN tx_drops_ps_max ELSE tx_drops_ps_avg END::float8 AS tx_drops_ps,
       CASE %(stat)s::text WHEN 'min' THEN if_util_pct_min WHEN 'max' THEN if_util_pct_max ELSE if_util_pct_avg END::float8 AS if_util_pct
FROM (
    SELECT bucket, NULL::text AS item,
           rx_packets_ps_avg, rx_packets_ps_min, rx_packets_ps_max, tx_packets_ps_avg, tx_packets_ps_min,
           tx_packets_ps_max, rx_kb_ps_avg, rx_kb_ps_min, rx_kb_ps_max, tx_kb_ps_avg, tx_kb_ps_min, tx_kb_ps_max,
           rx_compressed_ps_avg, rx_compressed_ps_min, rx_compressed_ps_max, tx_compressed_ps_avg,
           tx_compressed_ps_min, tx_compressed_ps_max, rx_multicast_ps_avg, rx_multicast_ps_min,
           rx_multicast_ps_max, rx_errors_ps_avg, rx_errors_ps_min, rx_errors_ps_max, tx_errors_ps_avg,
           tx_errors_ps_min, tx_errors_ps_max, rx_drops_ps_avg, rx_drops_ps_min, rx_drops_ps_max, tx_drops_ps_avg,
           tx_drops_ps_min, tx_drops_ps_max, NULL::float8 AS if_util_pct_avg, NULL::float8 AS if_util_pct_min,
           NULL::float8 AS if_util_pct_max
    FROM network_total_levels
    WHERE level = {level} AND organization_id = %(organization_id)s::bigint
      AND collector_id = %(collector_id)s::bigint AND bucket >= %(first)s AND bucket <= %(last)s
    UNION ALL
    SELECT bucket, interface,
           rx_packets_ps_avg, rx_packets_ps_min, rx_packets_ps_max, tx_packets_ps_avg, tx_packets_ps_min,
           tx_packets_ps_max, rx_kb_ps_avg, rx_kb_ps_min, rx_kb_ps_max, tx_kb_ps_avg, tx_kb_ps_min, tx_kb_ps_max,
           rx_compressed_ps_avg, rx_compressed_ps_min, rx_compressed_ps_max, tx_compressed_ps_avg,
           tx_compressed_ps_min, tx_compressed_ps_max, rx_multicast_ps_avg, rx_multicast_ps_min,
           rx_multicast_ps_max, rx_errors_ps_avg, rx_errors_ps_min, rx_errors_ps_max, tx_errors_ps_avg,
           tx_errors_ps_min, tx_errors_ps_max, rx_drops_ps_avg, rx_drops_ps_min, rx_drops_ps_max, tx_drops_ps_avg,
           tx_drops_ps_min, tx_drops_ps_max, if_util_pct_avg, if_util_pct_min, if_util_pct_max
    FROM network_levels
    WHERE level = {level} AND organization_id = %(organization_id)s::bigint
      AND collector_id = %(collector_id)s::bigint AND bucket >= %(first)s AND bucket <= %(last)s
      AND %(items)s::boolean
) chart
LIMIT %(rows_max)s

-- name: dashboard_filesystem
-- File-system chart: one row per (bucket, mount) of the requested level, each gauge the bucket's
-- stat. Relies on filesystem_sample's unique index (organization_id, collector_id,
-- time, mount) at raw and the filesystem_<level> keys (..., bucket, mount) above.
SELECT bucket, mount AS item,
       CASE %(stat)s::text WHEN 'min' THEN size_bytes_min WHEN 'max' THEN size_bytes_max ELSE size_bytes_avg END::float8 AS size_bytes,
       CASE %(stat)s::text WHEN 'min' THEN available_bytes_min WHEN 'max' THEN available_bytes_max ELSE available_bytes_avg END::float8 AS available_bytes,
       CASE %(stat)s::text WHEN 'min' THEN use_pct_min WHEN 'max' THEN use_pct_max ELSE use_pct_avg END::float8 AS use_pct
FROM filesystem_levels
WHERE level = {level} AND organization_id = %(organization_id)s::bigint
  AND collector_id = %(collector_id)s::bigint AND bucket >= %(first)s AND bucket <= %(last)s
  AND %(items)s::boolean
LIMIT %(rows_max)s

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

-- name: dashboard_live
-- Live chart: every tick after since (the endpoint bounds it to one hour), with the
-- host-level raw values of each family, NULL where a family has no row for the tick.
-- Walks sample_tick's primary key (organization_id, collector_id, time) and probes each
-- family on its unique index (organization_id, collector_id, time[, cpu]); the time
-- bound is repeated in each join so chunk exclusion applies to every hypertable.
SELECT t.time AS bucket,
       c.user_pct AS cpu__user_pct,
       c.nice_pct AS cpu__nice_pct,
       c.system_pct AS cpu__system_pct,
       c.iowait_pct AS cpu__iowait_pct,
       c.irq_pct AS cpu__irq_pct,
       c.softirq_pct AS cpu__softirq_pct,
       c.steal_pct AS cpu__steal_pct,
       c.idle_pct AS cpu__idle_pct,
       100 - c.idle_pct AS cpu__busy_pct,
       m.mem_total_kb AS memory__mem_total_kb,
       m.mem_free_kb AS memory__mem_free_kb,
       m.mem_available_kb AS memory__mem_available_kb,
       m.mem_used_kb AS memory__mem_used_kb,
       m.mem_used_pct AS memory__mem_used_pct,
       m.buffers_kb AS memory__buffers_kb,
       m.cached_kb AS memory__cached_kb,
       m.commit_kb AS memory__commit_kb,
       m.commit_pct AS memory__commit_pct,
       m.active_kb AS memory__active_kb,
       m.inactive_kb AS memory__inactive_kb,
       m.dirty_kb AS memory__dirty_kb,
       m.swap_total_kb AS memory__swap_total_kb,
       m.swap_free_kb AS memory__swap_free_kb,
       d.tps AS disk__tps,
       d.rtps AS disk__rtps,
       d.wtps AS disk__wtps,
       d.dtps AS disk__dtps,
       d.read_sectors_ps AS disk__read_sectors_ps,
       d.written_sectors_ps AS disk__written_sectors_ps,
       d.discarded_sectors_ps AS disk__discarded_sectors_ps,
       d.util_pct AS disk__util_pct,
       d.await_ms AS disk__await_ms,
       n.rx_packets_ps AS network__rx_packets_ps,
       n.tx_packets_ps AS network__tx_packets_ps,
       n.rx_kb_ps AS network__rx_kb_ps,
       n.tx_kb_ps AS network__tx_kb_ps,
       n.rx_compressed_ps AS network__rx_compressed_ps,
       n.tx_compressed_ps AS network__tx_compressed_ps,
       n.rx_multicast_ps AS network__rx_multicast_ps,
       n.rx_errors_ps AS network__rx_errors_ps,
       n.tx_errors_ps AS network__tx_errors_ps,
       n.rx_drops_ps AS network__rx_drops_ps,
       n.tx_drops_ps AS network__tx_drops_ps
FROM sample_tick t
LEFT JOIN cpu_sample c ON c.organization_id = t.organization_id AND c.collector_id = t.collector_id AND c.time = t.time
                      AND c.time > %(since)s AND c.cpu = -1
LEFT JOIN memory_sample m ON m.organization_id = t.organization_id AND m.collector_id = t.collector_id AND m.time = t.time
                      AND m.time > %(since)s
LEFT JOIN disk_total_sample d ON d.organization_id = t.organization_id AND d.collector_id = t.collector_id AND d.time = t.time
                      AND d.time > %(since)s
LEFT JOIN network_total_sample n ON n.organization_id = t.organization_id AND n.collector_id = t.collector_id AND n.time = t.time
                      AND n.time > %(since)s
WHERE t.organization_id = %(organization_id)s::bigint AND t.collector_id = %(collector_id)s::bigint
  AND t.time > %(since)s
ORDER BY t.time

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
