-- Exports (GET /api/performance/export/, metrics/exports.py): pcprocess's tree (sar). The
-- wide rows (csv, json) are generated from the catalogue (sql/queries/export_wide.sql).
-- Every query is read through a server-side cursor in chunks, ordered so that the client
-- can stream it as it comes. Times travel as Unix seconds (bigint).

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
