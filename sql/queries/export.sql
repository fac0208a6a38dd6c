-- Exports (GET /api/performance/export/, metrics/exports.py). Every query is read through a
-- server-side cursor in chunks, ordered so that the client can stream it as it comes.
-- Times travel as Unix seconds (bigint).

-- name: export_wide_raw
-- One row per collector and tick: the headline columns (docs/api.md, "Export"). Driven by
-- sample_tick's primary key (organization, collector, time); each family is one probe of
-- its (organization, collector, time[, item]) unique index.
SELECT t.collector_id, extract(epoch FROM t.time)::bigint,
       c.user_pct, c.nice_pct, c.system_pct, c.iowait_pct, c.irq_pct, c.softirq_pct, c.steal_pct, c.idle_pct,
       m.mem_total_kb, m.mem_used_kb, m.mem_used_pct, m.mem_free_kb, m.mem_available_kb, m.buffers_kb,
       m.cached_kb, m.swap_total_kb, m.swap_free_kb,
       d.tps, d.read_sectors_ps * 512, d.written_sectors_ps * 512, d.util_pct, d.await_ms,
       n.rx_packets_ps, n.tx_packets_ps, n.rx_kb_ps * 1024, n.tx_kb_ps * 1024
FROM sample_tick t
LEFT JOIN cpu_sample c ON c.organization_id = t.organization_id AND c.collector_id = t.collector_id
                      AND c.time = t.time AND c.cpu = -1
LEFT JOIN memory_sample m ON m.organization_id = t.organization_id AND m.collector_id = t.collector_id
                         AND m.time = t.time
LEFT JOIN disk_total_sample d ON d.organization_id = t.organization_id AND d.collector_id = t.collector_id
                             AND d.time = t.time
LEFT JOIN network_total_sample n ON n.organization_id = t.organization_id AND n.collector_id = t.collector_id
                                AND n.time = t.time
WHERE t.organization_id = %(organization_id)s AND t.collector_id = ANY(%(collector_ids)s)
  AND t.time >= to_timestamp(%(start)s) AND t.time < to_timestamp(%(end)s)
ORDER BY t.collector_id, t.time

-- name: export_sar_stat_raw
-- pcprocess's proc/stat rows of one collector: every CPU of every tick that has rates.
-- Uses cpu_sample's unique index (organization, collector, time, cpu).
SELECT extract(epoch FROM time)::bigint, cpu, user_pct, nice_pct, system_pct, iowait_pct, steal_pct, idle_pct
FROM cpu_sample
WHERE organization_id = %(organization_id)s AND collector_id = %(collector_id)s
  AND time >= to_timestamp(%(start)s) AND time < to_timestamp(%(end)s) AND idle_pct IS NOT NULL
ORDER BY time, cpu

-- name: export_sar_meminfo_raw
-- pcprocess's proc/meminfo rows of one collector (memory_sample's unique index).
SELECT extract(epoch FROM time)::bigint, mem_free_kb, mem_available_kb, mem_used_kb, mem_used_pct, buffers_kb,
       cached_kb, commit_kb, commit_pct, active_kb, inactive_kb, dirty_kb
FROM memory_sample
WHERE organization_id = %(organization_id)s AND collector_id = %(collector_id)s
  AND time >= to_timestamp(%(start)s) AND time < to_timestamp(%(end)s)
ORDER BY time

-- name: export_sar_net_dev_raw
-- pcprocess's proc/net/dev rows of one collector: every interface with rates
-- (network_sample's unique index).
SELECT extract(epoch FROM time)::bigint, interface, rx_packets_ps, tx_packets_ps, rx_kb_ps, tx_kb_ps,
       rx_compressed_ps, tx_compressed_ps, rx_multicast_ps, if_util_pct
FROM network_sample
WHERE organization_id = %(organization_id)s AND collector_id = %(collector_id)s
  AND time >= to_timestamp(%(start)s) AND time < to_timestamp(%(end)s) AND rx_packets_ps IS NOT NULL
ORDER BY time, interface

-- name: export_sar_diskstats_raw
-- pcprocess's proc/diskstats rows of one collector: every device with rates, except, as
-- pcprocess (and sysstat) do, a device that never completed a read, write or discard
-- (counters 1, 5 and 12: metrics.procfs.DISK_FIELDS). Rows of processed uploads carry no
-- counters and are kept. Uses disk_sample's unique index.
SELECT extract(epoch FROM time)::bigint, device, tps, rtps, wtps, dtps, read_sectors_ps, written_sectors_ps,
       discarded_sectors_ps
FROM disk_sample
WHERE organization_id = %(organization_id)s AND collector_id = %(collector_id)s
  AND time >= to_timestamp(%(start)s) AND time < to_timestamp(%(end)s) AND tps IS NOT NULL
  AND (cardinality(counters) = 0 OR counters[1] + counters[5] + counters[12] > 0)
ORDER BY time, device

-- name: export_sar_statfs_raw
-- pcprocess's statfs_ALL rows of one collector (filesystem_sample's unique index).
SELECT extract(epoch FROM time)::bigint, mount, block_size, blocks_total, blocks_available, use_pct
FROM filesystem_sample
WHERE organization_id = %(organization_id)s AND collector_id = %(collector_id)s
  AND time >= to_timestamp(%(start)s) AND time < to_timestamp(%(end)s)
ORDER BY time, mount

-- name: export_wide_aggregated
-- The wide rows at 1m, 1h or 1d (written in as a literal: sqlfiles.query(at_level=...)),
-- one per collector and bucket (its start), each value the bucket's average (`_avg`) in the
-- aggregates, read through the <family>_levels views (sql/schema/0005_aggregate_levels.sql:
-- the level's relation only, the planner prunes the others). Same columns as
-- export_wide_raw. Each family is probed on (organization, collector, bucket).
WITH buckets AS (
    SELECT collector_id, bucket FROM cpu_levels
    WHERE level = {level} AND organization_id = %(organization_id)s AND collector_id = ANY(%(collector_ids)s)
      AND cpu = -1 AND bucket >= to_timestamp(%(start)s) AND bucket < to_timestamp(%(end)s)
    UNION
    SELECT collector_id, bucket FROM memory_levels
    WHERE level = {level} AND organization_id = %(organization_id)s AND collector_id = ANY(%(collector_ids)s)
      AND bucket >= to_timestamp(%(start)s) AND bucket < to_timestamp(%(end)s)
)
SELECT b.collector_id, extract(epoch FROM b.bucket)::bigint,
       c.user_pct_avg, c.nice_pct_avg, c.system_pct_avg, c.iowait_pct_avg, c.irq_pct_avg, c.softirq_pct_avg,
       c.steal_pct_avg, c.idle_pct_avg,
       m.mem_total_kb_avg, m.mem_used_kb_avg, m.mem_used_pct_avg, m.mem_free_kb_avg, m.mem_available_kb_avg,
       m.buffers_kb_avg, m.cached_kb_avg, m.swap_total_kb_avg, m.swap_free_kb_avg,
       d.tps_avg, d.read_sectors_ps_avg * 512, d.written_sectors_ps_avg * 512, d.util_pct_avg, d.await_ms_avg,
       n.rx_packets_ps_avg, n.tx_packets_ps_avg, n.rx_kb_ps_avg * 1024, n.tx_kb_ps_avg * 1024
FROM buckets b
LEFT JOIN cpu_levels c ON c.level = {level} AND c.organization_id = %(organization_id)s
                       AND c.collector_id = b.collector_id AND c.bucket = b.bucket AND c.cpu = -1
LEFT JOIN memory_levels m ON m.level = {level} AND m.organization_id = %(organization_id)s
                          AND m.collector_id = b.collector_id AND m.bucket = b.bucket
LEFT JOIN disk_total_levels d ON d.level = {level} AND d.organization_id = %(organization_id)s
                              AND d.collector_id = b.collector_id AND d.bucket = b.bucket
LEFT JOIN network_total_levels n ON n.level = {level} AND n.organization_id = %(organization_id)s
                                 AND n.collector_id = b.collector_id AND n.bucket = b.bucket
ORDER BY b.collector_id, b.bucket
