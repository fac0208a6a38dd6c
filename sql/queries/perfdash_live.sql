-- The perf-dashboard's live and session data (contract §7.1, §7.7; metrics/sessions.py).

-- name: perfdash_samples
-- One row per bucket of the requested level between %(first)s and %(last)s (inclusive;
-- at raw, one per tick) that has a CPU, memory, disk or network host-level row, oldest
-- first, each value already in the contract's unit and rounding (§1.9):
-- cpu percent (user = user + nice, 2 decimals), memory MiB (2 decimals), disk ops/s (2) and
-- MiB/s (4), network Mbit/s decimal (4) and packets/s (2), from the host totals
-- (disk_total_levels, network_total_levels) and the total CPU line; and the cumulative
-- counters since boot summed over the disks and interfaces that count in the host total
-- (in_total; metrics.procfs DISK_FIELDS / NET_FIELDS order, sectors x 512): at raw each
-- tick's own, at 1m/1h/1d those of the bucket's last tick (the aggregates keep no
-- counters; read from the raw rows while retention keeps them, NULL after).
-- NULL where a family has no row or no value (the caller applies the contract's C33 rule).
-- Each family is one range of its unique index (organization_id, collector_id, time[, cpu])
-- at raw, or of its aggregate's key at a level. Counters: at raw one range of
-- disk_sample's / network_sample's unique index; at a level, per bucket one backward
-- probe of sample_tick's primary key for its last tick, then that tick's rows of the same
-- unique indexes. The branch of the other kind is pruned (a constant-false condition).
WITH cpu AS (
    SELECT bucket, user_pct_avg + nice_pct_avg AS user_pct, system_pct_avg, iowait_pct_avg, idle_pct_avg,
           steal_pct_avg
    FROM cpu_levels
    WHERE level = {level} AND organization_id = %(organization_id)s::bigint
      AND collector_id = %(collector_id)s::bigint AND bucket >= %(first)s AND bucket <= %(last)s AND cpu = -1
), memory AS (
    SELECT bucket, mem_total_kb_avg, mem_used_kb_avg, mem_available_kb_avg, buffers_kb_avg, cached_kb_avg
    FROM memory_levels
    WHERE level = {level} AND organization_id = %(organization_id)s::bigint
      AND collector_id = %(collector_id)s::bigint AND bucket >= %(first)s AND bucket <= %(last)s
), disk AS (
    SELECT bucket, rtps_avg, wtps_avg, read_sectors_ps_avg, written_sectors_ps_avg
    FROM disk_total_levels
    WHERE level = {level} AND organization_id = %(organization_id)s::bigint
      AND collector_id = %(collector_id)s::bigint AND bucket >= %(first)s AND bucket <= %(last)s
), network AS (
    SELECT bucket, rx_kb_ps_avg, tx_kb_ps_avg, rx_packets_ps_avg, tx_packets_ps_avg
    FROM network_total_levels
    WHERE level = {level} AND organization_id = %(organization_id)s::bigint
      AND collector_id = %(collector_id)s::bigint AND bucket >= %(first)s AND bucket <= %(last)s
), buckets AS (
    SELECT bucket FROM cpu UNION SELECT bucket FROM memory UNION SELECT bucket FROM disk
    UNION SELECT bucket FROM network
), counter_ticks AS (
    -- At a level: each bucket's last tick, where its counters are read.
    SELECT b.bucket, last_tick.time
    FROM buckets b
    CROSS JOIN LATERAL (
        SELECT time FROM sample_tick
        WHERE {level} <> 'raw' AND organization_id = %(organization_id)s::bigint
          AND collector_id = %(collector_id)s::bigint AND time >= b.bucket
          AND time < b.bucket + CASE {level} WHEN '1m' THEN interval '1 minute' WHEN '1h' THEN interval '1 hour'
                                             ELSE interval '1 day' END
        ORDER BY time DESC LIMIT 1) last_tick
), disk_rows AS (
    SELECT time AS bucket, counters
    FROM disk_sample
    WHERE {level} = 'raw' AND organization_id = %(organization_id)s::bigint
      AND collector_id = %(collector_id)s::bigint AND time >= %(first)s AND time <= %(last)s AND in_total
    UNION ALL
    SELECT c.bucket, d.counters
    FROM counter_ticks c
    JOIN disk_sample d ON d.organization_id = %(organization_id)s::bigint
                      AND d.collector_id = %(collector_id)s::bigint AND d.time = c.time AND d.in_total
    WHERE d.time >= %(first)s AND d.time < %(last)s::timestamptz + interval '1 day'
), network_rows AS (
    SELECT time AS bucket, counters
    FROM network_sample
    WHERE {level} = 'raw' AND organization_id = %(organization_id)s::bigint
      AND collector_id = %(collector_id)s::bigint AND time >= %(first)s AND time <= %(last)s AND in_total
    UNION ALL
    SELECT c.bucket, n.counters
    FROM counter_ticks c
    JOIN network_sample n ON n.organization_id = %(organization_id)s::bigint
                         AND n.collector_id = %(collector_id)s::bigint AND n.time = c.time AND n.in_total
    WHERE n.time >= %(first)s AND n.time < %(last)s::timestamptz + interval '1 day'
), disk_counters AS (
    SELECT bucket, sum(counters[1]) AS reads, sum(counters[3]) AS sectors_read,
           sum(counters[5]) AS writes, sum(counters[7]) AS sectors_written
    FROM disk_rows
    GROUP BY bucket
), network_counters AS (
    SELECT bucket, sum(counters[1]) AS rx_bytes, sum(counters[2]) AS rx_packets,
           sum(counters[9]) AS tx_bytes, sum(counters[10]) AS tx_packets
    FROM network_rows
    GROUP BY bucket
)
SELECT b.bucket,
       round(cpu.user_pct::numeric, 2)::float8 AS cpu__user,
       round(cpu.system_pct_avg::numeric, 2)::float8 AS cpu__system,
       round(cpu.iowait_pct_avg::numeric, 2)::float8 AS cpu__iowait,
       round(cpu.idle_pct_avg::numeric, 2)::float8 AS cpu__idle,
       round(cpu.steal_pct_avg::numeric, 2)::float8 AS cpu__steal,
       round((memory.mem_total_kb_avg / 1024)::numeric, 2)::float8 AS memory__total_mb,
       round((memory.mem_used_kb_avg / 1024)::numeric, 2)::float8 AS memory__used_mb,
       round((memory.mem_available_kb_avg / 1024)::numeric, 2)::float8 AS memory__available_mb,
       round((memory.buffers_kb_avg / 1024)::numeric, 2)::float8 AS memory__buffers_mb,
       round((memory.cached_kb_avg / 1024)::numeric, 2)::float8 AS memory__cached_mb,
       (disk_counters.sectors_read * 512)::bigint AS disk__read_bytes,
       (disk_counters.sectors_written * 512)::bigint AS disk__write_bytes,
       disk_counters.reads::bigint AS disk__read_ops,
       disk_counters.writes::bigint AS disk__write_ops,
       round(disk.rtps_avg::numeric, 2)::float8 AS disk__read_iops,
       round(disk.wtps_avg::numeric, 2)::float8 AS disk__write_iops,
       round((disk.read_sectors_ps_avg * 512 / 1048576)::numeric, 4)::float8 AS disk__read_mbps,
       round((disk.written_sectors_ps_avg * 512 / 1048576)::numeric, 4)::float8 AS disk__write_mbps,
       network_counters.rx_bytes::bigint AS network__rx_bytes,
       network_counters.tx_bytes::bigint AS network__tx_bytes,
       network_counters.rx_packets::bigint AS network__rx_packets,
       network_counters.tx_packets::bigint AS network__tx_packets,
       round((network.rx_kb_ps_avg * 1024 * 8 / 1000000)::numeric, 4)::float8 AS network__rx_mbps,
       round((network.tx_kb_ps_avg * 1024 * 8 / 1000000)::numeric, 4)::float8 AS network__tx_mbps,
       round(network.rx_packets_ps_avg::numeric, 2)::float8 AS network__rx_pps,
       round(network.tx_packets_ps_avg::numeric, 2)::float8 AS network__tx_pps
FROM buckets b
LEFT JOIN cpu ON cpu.bucket = b.bucket
LEFT JOIN memory ON memory.bucket = b.bucket
LEFT JOIN disk ON disk.bucket = b.bucket
LEFT JOIN network ON network.bucket = b.bucket
LEFT JOIN disk_counters ON disk_counters.bucket = b.bucket
LEFT JOIN network_counters ON network_counters.bucket = b.bucket
ORDER BY b.bucket
