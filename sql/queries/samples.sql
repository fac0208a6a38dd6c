-- Writing and reading raw samples (sql/schema/0001_samples.sql). Times travel as Unix
-- seconds (bigint) and are turned into timestamptz here, once.

-- name: collector_ingest_lock
-- Serialises ingest per collector for the transaction, so two requests cannot both miss
-- each other's tick when they look for their neighbours.
SELECT pg_advisory_xact_lock(%(collector_id)s)

-- name: ticks_insert_new
-- Records the ticks; returns only those not seen before (a re-sent tick returns nothing).
INSERT INTO sample_tick (organization_id, collector_id, time)
SELECT %(organization_id)s, %(collector_id)s, to_timestamp(t)
FROM unnest(%(times)s::bigint[]) AS t
ON CONFLICT DO NOTHING
RETURNING extract(epoch FROM time)::bigint

-- name: tick_neighbours
-- For each new tick, the previous and next tick of the collector (new ticks included).
-- Each subquery is one descent of the sample_tick primary key.
SELECT n.t,
       (SELECT extract(epoch FROM s.time)::bigint FROM sample_tick s
        WHERE s.organization_id = %(organization_id)s AND s.collector_id = %(collector_id)s
          AND s.time < to_timestamp(n.t)
        ORDER BY s.time DESC LIMIT 1),
       (SELECT extract(epoch FROM s.time)::bigint FROM sample_tick s
        WHERE s.organization_id = %(organization_id)s AND s.collector_id = %(collector_id)s
          AND s.time > to_timestamp(n.t)
        ORDER BY s.time LIMIT 1)
FROM unnest(%(times)s::bigint[]) AS n(t)

-- name: counters_at
-- The stored counters of the given ticks: the state a new tick's rates are computed from.
-- Uses each family's unique index (organization, collector, time, item).
SELECT 'cpu', extract(epoch FROM time)::bigint, cpu::text, counters FROM cpu_sample
WHERE organization_id = %(organization_id)s AND collector_id = %(collector_id)s AND time = ANY(%(times)s)
UNION ALL
SELECT 'disk', extract(epoch FROM time)::bigint, device, counters FROM disk_sample
WHERE organization_id = %(organization_id)s AND collector_id = %(collector_id)s AND time = ANY(%(times)s)
UNION ALL
SELECT 'network', extract(epoch FROM time)::bigint, interface, counters FROM network_sample
WHERE organization_id = %(organization_id)s AND collector_id = %(collector_id)s AND time = ANY(%(times)s)

-- name: cpu_sample_upsert
-- New rows, or new rates for a tick whose previous tick arrived late.
INSERT INTO cpu_sample (organization_id, collector_id, time, cpu, counters, user_pct, nice_pct,
                        system_pct, iowait_pct, irq_pct, softirq_pct, steal_pct, idle_pct)
SELECT %(organization_id)s, %(collector_id)s, to_timestamp(u.t), u.item, u.counters::bigint[],
       u.user_pct, u.nice_pct, u.system_pct, u.iowait_pct, u.irq_pct, u.softirq_pct, u.steal_pct, u.idle_pct
FROM unnest(%(t)s::bigint[], %(item)s::smallint[], %(counters)s::text[], %(user_pct)s::float8[],
            %(nice_pct)s::float8[], %(system_pct)s::float8[], %(iowait_pct)s::float8[], %(irq_pct)s::float8[],
            %(softirq_pct)s::float8[], %(steal_pct)s::float8[], %(idle_pct)s::float8[])
     AS u(t, item, counters, user_pct, nice_pct, system_pct, iowait_pct, irq_pct, softirq_pct, steal_pct, idle_pct)
ON CONFLICT (organization_id, collector_id, time, cpu) DO UPDATE SET
    user_pct = EXCLUDED.user_pct, nice_pct = EXCLUDED.nice_pct, system_pct = EXCLUDED.system_pct,
    iowait_pct = EXCLUDED.iowait_pct, irq_pct = EXCLUDED.irq_pct, softirq_pct = EXCLUDED.softirq_pct,
    steal_pct = EXCLUDED.steal_pct, idle_pct = EXCLUDED.idle_pct

-- name: disk_sample_upsert
INSERT INTO disk_sample (organization_id, collector_id, time, device, in_total, counters, tps, rtps, wtps,
                         dtps, read_sectors_ps, written_sectors_ps, discarded_sectors_ps, util_pct, await_ms)
SELECT %(organization_id)s, %(collector_id)s, to_timestamp(u.t), u.item, u.in_total, u.counters::bigint[],
       u.tps, u.rtps, u.wtps, u.dtps, u.read_sectors_ps, u.written_sectors_ps, u.discarded_sectors_ps,
       u.util_pct, u.await_ms
FROM unnest(%(t)s::bigint[], %(item)s::text[], %(in_total)s::boolean[], %(counters)s::text[],
            %(tps)s::float8[], %(rtps)s::float8[], %(wtps)s::float8[], %(dtps)s::float8[],
            %(read_sectors_ps)s::float8[], %(written_sectors_ps)s::float8[],
            %(discarded_sectors_ps)s::float8[], %(util_pct)s::float8[], %(await_ms)s::float8[])
     AS u(t, item, in_total, counters, tps, rtps, wtps, dtps, read_sectors_ps, written_sectors_ps,
          discarded_sectors_ps, util_pct, await_ms)
ON CONFLICT (organization_id, collector_id, time, device) DO UPDATE SET
    tps = EXCLUDED.tps, rtps = EXCLUDED.rtps, wtps = EXCLUDED.wtps, dtps = EXCLUDED.dtps,
    read_sectors_ps = EXCLUDED.read_sectors_ps, written_sectors_ps = EXCLUDED.written_sectors_ps,
    discarded_sectors_ps = EXCLUDED.discarded_sectors_ps, util_pct = EXCLUDED.util_pct,
    await_ms = EXCLUDED.await_ms

-- name: network_sample_upsert
INSERT INTO network_sample (organization_id, collector_id, time, interface, in_total, counters,
                            rx_packets_ps, tx_packets_ps, rx_kb_ps, tx_kb_ps, rx_compressed_ps,
                            tx_compressed_ps, rx_multicast_ps, rx_errors_ps, tx_errors_ps, rx_drops_ps,
                            tx_drops_ps, if_util_pct)
SELECT %(organization_id)s, %(collector_id)s, to_timestamp(u.t), u.item, u.in_total, u.counters::bigint[],
       u.rx_packets_ps, u.tx_packets_ps, u.rx_kb_ps, u.tx_kb_ps, u.rx_compressed_ps, u.tx_compressed_ps,
       u.rx_multicast_ps, u.rx_errors_ps, u.tx_errors_ps, u.rx_drops_ps, u.tx_drops_ps, u.if_util_pct
FROM unnest(%(t)s::bigint[], %(item)s::text[], %(in_total)s::boolean[], %(counters)s::text[],
            %(rx_packets_ps)s::float8[], %(tx_packets_ps)s::float8[], %(rx_kb_ps)s::float8[],
            %(tx_kb_ps)s::float8[], %(rx_compressed_ps)s::float8[], %(tx_compressed_ps)s::float8[],
            %(rx_multicast_ps)s::float8[], %(rx_errors_ps)s::float8[], %(tx_errors_ps)s::float8[],
            %(rx_drops_ps)s::float8[], %(tx_drops_ps)s::float8[], %(if_util_pct)s::float8[])
     AS u(t, item, in_total, counters, rx_packets_ps, tx_packets_ps, rx_kb_ps, tx_kb_ps, rx_compressed_ps,
          tx_compressed_ps, rx_multicast_ps, rx_errors_ps, tx_errors_ps, rx_drops_ps, tx_drops_ps, if_util_pct)
ON CONFLICT (organization_id, collector_id, time, interface) DO UPDATE SET
    rx_packets_ps = EXCLUDED.rx_packets_ps, tx_packets_ps = EXCLUDED.tx_packets_ps,
    rx_kb_ps = EXCLUDED.rx_kb_ps, tx_kb_ps = EXCLUDED.tx_kb_ps,
    rx_compressed_ps = EXCLUDED.rx_compressed_ps, tx_compressed_ps = EXCLUDED.tx_compressed_ps,
    rx_multicast_ps = EXCLUDED.rx_multicast_ps, rx_errors_ps = EXCLUDED.rx_errors_ps,
    tx_errors_ps = EXCLUDED.tx_errors_ps, rx_drops_ps = EXCLUDED.rx_drops_ps,
    tx_drops_ps = EXCLUDED.tx_drops_ps, if_util_pct = EXCLUDED.if_util_pct

-- name: memory_sample_insert
INSERT INTO memory_sample (organization_id, collector_id, time, mem_total_kb, mem_free_kb, mem_available_kb,
                           mem_used_kb, mem_used_pct, buffers_kb, cached_kb, commit_kb, commit_pct,
                           active_kb, inactive_kb, dirty_kb, swap_total_kb, swap_free_kb)
SELECT %(organization_id)s, %(collector_id)s, to_timestamp(u.t), u.mem_total_kb, u.mem_free_kb,
       u.mem_available_kb, u.mem_used_kb, u.mem_used_pct, u.buffers_kb, u.cached_kb, u.commit_kb,
       u.commit_pct, u.active_kb, u.inactive_kb, u.dirty_kb, u.swap_total_kb, u.swap_free_kb
FROM unnest(%(t)s::bigint[], %(mem_total_kb)s::bigint[], %(mem_free_kb)s::bigint[],
            %(mem_available_kb)s::bigint[], %(mem_used_kb)s::bigint[], %(mem_used_pct)s::float8[],
            %(buffers_kb)s::bigint[], %(cached_kb)s::bigint[], %(commit_kb)s::bigint[],
            %(commit_pct)s::float8[], %(active_kb)s::bigint[], %(inactive_kb)s::bigint[],
            %(dirty_kb)s::bigint[], %(swap_total_kb)s::bigint[], %(swap_free_kb)s::bigint[])
     AS u(t, mem_total_kb, mem_free_kb, mem_available_kb, mem_used_kb, mem_used_pct, buffers_kb, cached_kb,
          commit_kb, commit_pct, active_kb, inactive_kb, dirty_kb, swap_total_kb, swap_free_kb)
ON CONFLICT DO NOTHING

-- name: filesystem_sample_insert
INSERT INTO filesystem_sample (organization_id, collector_id, time, mount, block_size, blocks_total,
                               blocks_available, size_bytes, available_bytes, use_pct)
SELECT %(organization_id)s, %(collector_id)s, to_timestamp(u.t), u.item, u.block_size, u.blocks_total,
       u.blocks_available, u.size_bytes, u.available_bytes, u.use_pct
FROM unnest(%(t)s::bigint[], %(item)s::text[], %(block_size)s::bigint[], %(blocks_total)s::bigint[],
            %(blocks_available)s::bigint[], %(size_bytes)s::bigint[], %(available_bytes)s::bigint[],
            %(use_pct)s::float8[])
     AS u(t, item, block_size, blocks_total, blocks_available, size_bytes, available_bytes, use_pct)
ON CONFLICT DO NOTHING

-- name: collector_last_seen_advance
-- last_seen only moves forward: a late tick does not make a host look older.
UPDATE metrics_collector SET last_seen = to_timestamp(%(t)s)
WHERE id = %(collector_id)s AND (last_seen IS NULL OR last_seen < to_timestamp(%(t)s))

-- name: samples_delete
-- Everything stored for one collector (its deletion); run before the collector row goes.
-- The organization is looked up so that each delete uses the (organization, collector,
-- time) unique index. The aggregates are reached by their own statements once they exist.
WITH owner AS (SELECT organization_id FROM metrics_collector WHERE id = %(collector_id)s),
     t AS (DELETE FROM sample_tick WHERE organization_id = (SELECT organization_id FROM owner) AND collector_id = %(collector_id)s),
     c AS (DELETE FROM cpu_sample WHERE organization_id = (SELECT organization_id FROM owner) AND collector_id = %(collector_id)s),
     m AS (DELETE FROM memory_sample WHERE organization_id = (SELECT organization_id FROM owner) AND collector_id = %(collector_id)s),
     d AS (DELETE FROM disk_sample WHERE organization_id = (SELECT organization_id FROM owner) AND collector_id = %(collector_id)s),
     n AS (DELETE FROM network_sample WHERE organization_id = (SELECT organization_id FROM owner) AND collector_id = %(collector_id)s),
     dt AS (DELETE FROM disk_total_sample WHERE organization_id = (SELECT organization_id FROM owner) AND collector_id = %(collector_id)s),
     nt AS (DELETE FROM network_total_sample WHERE organization_id = (SELECT organization_id FROM owner) AND collector_id = %(collector_id)s)
DELETE FROM filesystem_sample WHERE organization_id = (SELECT organization_id FROM owner) AND collector_id = %(collector_id)s

-- name: disk_total_sample_upsert
INSERT INTO disk_total_sample (organization_id, collector_id, time, disks, tps, rtps, wtps, dtps, read_sectors_ps,
                               written_sectors_ps, discarded_sectors_ps, util_pct, await_ms)
SELECT %(organization_id)s, %(collector_id)s, to_timestamp(u.t), u.disks, u.tps, u.rtps, u.wtps, u.dtps,
       u.read_sectors_ps, u.written_sectors_ps, u.discarded_sectors_ps, u.util_pct, u.await_ms
FROM unnest(%(t)s::bigint[], %(disks)s::smallint[], %(tps)s::float8[], %(rtps)s::float8[], %(wtps)s::float8[],
            %(dtps)s::float8[], %(read_sectors_ps)s::float8[], %(written_sectors_ps)s::float8[],
            %(discarded_sectors_ps)s::float8[], %(util_pct)s::float8[], %(await_ms)s::float8[])
     AS u(t, disks, tps, rtps, wtps, dtps, read_sectors_ps, written_sectors_ps, discarded_sectors_ps, util_pct,
          await_ms)
ON CONFLICT (organization_id, collector_id, time) DO UPDATE SET
    disks = EXCLUDED.disks, tps = EXCLUDED.tps, rtps = EXCLUDED.rtps, wtps = EXCLUDED.wtps, dtps = EXCLUDED.dtps,
    read_sectors_ps = EXCLUDED.read_sectors_ps, written_sectors_ps = EXCLUDED.written_sectors_ps,
    discarded_sectors_ps = EXCLUDED.discarded_sectors_ps, util_pct = EXCLUDED.util_pct,
    await_ms = EXCLUDED.await_ms

-- name: network_total_sample_upsert
INSERT INTO network_total_sample (organization_id, collector_id, time, interfaces, rx_packets_ps, tx_packets_ps,
                                  rx_kb_ps, tx_kb_ps, rx_compressed_ps, tx_compressed_ps, rx_multicast_ps,
                                  rx_errors_ps, tx_errors_ps, rx_drops_ps, tx_drops_ps)
SELECT %(organization_id)s, %(collector_id)s, to_timestamp(u.t), u.interfaces, u.rx_packets_ps, u.tx_packets_ps,
       u.rx_kb_ps, u.tx_kb_ps, u.rx_compressed_ps, u.tx_compressed_ps, u.rx_multicast_ps, u.rx_errors_ps,
       u.tx_errors_ps, u.rx_drops_ps, u.tx_drops_ps
FROM unnest(%(t)s::bigint[], %(interfaces)s::smallint[], %(rx_packets_ps)s::float8[], %(tx_packets_ps)s::float8[],
            %(rx_kb_ps)s::float8[], %(tx_kb_ps)s::float8[], %(rx_compressed_ps)s::float8[],
            %(tx_compressed_ps)s::float8[], %(rx_multicast_ps)s::float8[], %(rx_errors_ps)s::float8[],
            %(tx_errors_ps)s::float8[], %(rx_drops_ps)s::float8[], %(tx_drops_ps)s::float8[])
     AS u(t, interfaces, rx_packets_ps, tx_packets_ps, rx_kb_ps, tx_kb_ps, rx_compressed_ps, tx_compressed_ps,
          rx_multicast_ps, rx_errors_ps, tx_errors_ps, rx_drops_ps, tx_drops_ps)
ON CONFLICT (organization_id, collector_id, time) DO UPDATE SET
    interfaces = EXCLUDED.interfaces, rx_packets_ps = EXCLUDED.rx_packets_ps, tx_packets_ps = EXCLUDED.tx_packets_ps,
    rx_kb_ps = EXCLUDED.rx_kb_ps, tx_kb_ps = EXCLUDED.tx_kb_ps, rx_compressed_ps = EXCLUDED.rx_compressed_ps,
    tx_compressed_ps = EXCLUDED.tx_compressed_ps, rx_multicast_ps = EXCLUDED.rx_multicast_ps,
    rx_errors_ps = EXCLUDED.rx_errors_ps, tx_errors_ps = EXCLUDED.tx_errors_ps, rx_drops_ps = EXCLUDED.rx_drops_ps,
    tx_drops_ps = EXCLUDED.tx_drops_ps

-- name: trickle_status
-- Each collector of the organization with its newest sample and how many ticks arrived
-- for the last 5 minutes of sample time (sample_tick's primary key, one range per row).
SELECT c.id, c.name, c.last_seen,
       (SELECT count(*) FROM sample_tick t
        WHERE t.organization_id = c.organization_id AND t.collector_id = c.id
          AND t.time > now() - interval '5 minutes') AS recent_ticks
FROM metrics_collector c
WHERE c.organization_id = %(organization_id)s
ORDER BY c.name
