-- Apache edition only (applied by migration 0007_analytics_apache): the analytics views of
-- the aggregates stop reading public.<family>_<level> as a whole.
--
-- Why: the Apache edition's aggregate views compute their real-time buckets with
-- aggregate_store.<family>_<level>_between(), a plain SQL function (0004_aggregates_apache.sql).
-- A function runs with the rights of the caller, not of the view that calls it, so an
-- analytics role reading analytics.cpu_1m would need SELECT on cpu_sample itself, which
-- would give it every organization's rows. So each analytics aggregate view now reads
--   the materialized buckets from aggregate_store.<family>_<level> (a table: the view's
--   owner's rights, filters pushed down to its chunks), UNION ALL
--   the not yet materialized buckets from analytics_private.<family>_<level>_live(): a
--   SECURITY DEFINER function that reads public.<family>_<level> with the owner's rights,
--   for the session's organization only (organization_id() answers for session_user).
-- The live part is computed for the whole organization on each query (a SECURITY DEFINER
-- function is not inlined, so a query's time filter does not reach it): it is small while
-- `xat_aggregates refresh` runs (the buckets since its last run), and everything before the
-- first refresh. Same columns as 0006_analytics.sql; CREATE OR REPLACE keeps the grants.

CREATE FUNCTION analytics_private.cpu_1m_live() RETURNS SETOF aggregate_store.cpu_1m
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.cpu_1m
      WHERE bucket >= xat_aggregate_watermark('1m') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.cpu_1m WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       CASE WHEN a.cpu < 0 THEN 'total' ELSE 'cpu' || a.cpu END AS cpu,
       a.samples, a.user_pct_avg, a.user_pct_min, a.user_pct_max, a.user_pct_last, a.user_pct_sum,
       a.user_pct_count, a.nice_pct_avg, a.nice_pct_min, a.nice_pct_max, a.nice_pct_last,
       a.nice_pct_sum, a.nice_pct_count, a.system_pct_avg, a.system_pct_min, a.system_pct_max,
       a.system_pct_last, a.system_pct_sum, a.system_pct_count, a.iowait_pct_avg, a.iowait_pct_min,
       a.iowait_pct_max, a.iowait_pct_last, a.iowait_pct_sum, a.iowait_pct_count, a.irq_pct_avg,
       a.irq_pct_min, a.irq_pct_max, a.irq_pct_last, a.irq_pct_sum, a.irq_pct_count,
       a.softirq_pct_avg, a.softirq_pct_min, a.softirq_pct_max, a.softirq_pct_last,
       a.softirq_pct_sum, a.softirq_pct_count, a.steal_pct_avg, a.steal_pct_min, a.steal_pct_max,
       a.steal_pct_last, a.steal_pct_sum, a.steal_pct_count, a.idle_pct_avg, a.idle_pct_min,
       a.idle_pct_max, a.idle_pct_last, a.idle_pct_sum, a.idle_pct_count
FROM (SELECT * FROM aggregate_store.cpu_1m WHERE bucket < xat_aggregate_watermark('1m')
      UNION ALL
      SELECT * FROM analytics_private.cpu_1m_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.cpu_1h_live() RETURNS SETOF aggregate_store.cpu_1h
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.cpu_1h
      WHERE bucket >= xat_aggregate_watermark('1h') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.cpu_1h WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       CASE WHEN a.cpu < 0 THEN 'total' ELSE 'cpu' || a.cpu END AS cpu,
       a.samples, a.user_pct_avg, a.user_pct_min, a.user_pct_max, a.user_pct_last, a.user_pct_sum,
       a.user_pct_count, a.nice_pct_avg, a.nice_pct_min, a.nice_pct_max, a.nice_pct_last,
       a.nice_pct_sum, a.nice_pct_count, a.system_pct_avg, a.system_pct_min, a.system_pct_max,
       a.system_pct_last, a.system_pct_sum, a.system_pct_count, a.iowait_pct_avg, a.iowait_pct_min,
       a.iowait_pct_max, a.iowait_pct_last, a.iowait_pct_sum, a.iowait_pct_count, a.irq_pct_avg,
       a.irq_pct_min, a.irq_pct_max, a.irq_pct_last, a.irq_pct_sum, a.irq_pct_count,
       a.softirq_pct_avg, a.softirq_pct_min, a.softirq_pct_max, a.softirq_pct_last,
       a.softirq_pct_sum, a.softirq_pct_count, a.steal_pct_avg, a.steal_pct_min, a.steal_pct_max,
       a.steal_pct_last, a.steal_pct_sum, a.steal_pct_count, a.idle_pct_avg, a.idle_pct_min,
       a.idle_pct_max, a.idle_pct_last, a.idle_pct_sum, a.idle_pct_count
FROM (SELECT * FROM aggregate_store.cpu_1h WHERE bucket < xat_aggregate_watermark('1h')
      UNION ALL
      SELECT * FROM analytics_private.cpu_1h_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.cpu_1d_live() RETURNS SETOF aggregate_store.cpu_1d
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.cpu_1d
      WHERE bucket >= xat_aggregate_watermark('1d') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.cpu_1d WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       CASE WHEN a.cpu < 0 THEN 'total' ELSE 'cpu' || a.cpu END AS cpu,
       a.samples, a.user_pct_avg, a.user_pct_min, a.user_pct_max, a.user_pct_last, a.user_pct_sum,
       a.user_pct_count, a.nice_pct_avg, a.nice_pct_min, a.nice_pct_max, a.nice_pct_last,
       a.nice_pct_sum, a.nice_pct_count, a.system_pct_avg, a.system_pct_min, a.system_pct_max,
       a.system_pct_last, a.system_pct_sum, a.system_pct_count, a.iowait_pct_avg, a.iowait_pct_min,
       a.iowait_pct_max, a.iowait_pct_last, a.iowait_pct_sum, a.iowait_pct_count, a.irq_pct_avg,
       a.irq_pct_min, a.irq_pct_max, a.irq_pct_last, a.irq_pct_sum, a.irq_pct_count,
       a.softirq_pct_avg, a.softirq_pct_min, a.softirq_pct_max, a.softirq_pct_last,
       a.softirq_pct_sum, a.softirq_pct_count, a.steal_pct_avg, a.steal_pct_min, a.steal_pct_max,
       a.steal_pct_last, a.steal_pct_sum, a.steal_pct_count, a.idle_pct_avg, a.idle_pct_min,
       a.idle_pct_max, a.idle_pct_last, a.idle_pct_sum, a.idle_pct_count
FROM (SELECT * FROM aggregate_store.cpu_1d WHERE bucket < xat_aggregate_watermark('1d')
      UNION ALL
      SELECT * FROM analytics_private.cpu_1d_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.memory_1m_live() RETURNS SETOF aggregate_store.memory_1m
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.memory_1m
      WHERE bucket >= xat_aggregate_watermark('1m') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.memory_1m WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       a.samples, a.mem_total_kb_avg, a.mem_total_kb_min, a.mem_total_kb_max, a.mem_total_kb_last,
       a.mem_total_kb_sum, a.mem_total_kb_count, a.mem_free_kb_avg, a.mem_free_kb_min,
       a.mem_free_kb_max, a.mem_free_kb_last, a.mem_free_kb_sum, a.mem_free_kb_count,
       a.mem_available_kb_avg, a.mem_available_kb_min, a.mem_available_kb_max,
       a.mem_available_kb_last, a.mem_available_kb_sum, a.mem_available_kb_count, a.mem_used_kb_avg,
       a.mem_used_kb_min, a.mem_used_kb_max, a.mem_used_kb_last, a.mem_used_kb_sum,
       a.mem_used_kb_count, a.mem_used_pct_avg, a.mem_used_pct_min, a.mem_used_pct_max,
       a.mem_used_pct_last, a.mem_used_pct_sum, a.mem_used_pct_count, a.buffers_kb_avg,
       a.buffers_kb_min, a.buffers_kb_max, a.buffers_kb_last, a.buffers_kb_sum, a.buffers_kb_count,
       a.cached_kb_avg, a.cached_kb_min, a.cached_kb_max, a.cached_kb_last, a.cached_kb_sum,
       a.cached_kb_count, a.commit_kb_avg, a.commit_kb_min, a.commit_kb_max, a.commit_kb_last,
       a.commit_kb_sum, a.commit_kb_count, a.commit_pct_avg, a.commit_pct_min, a.commit_pct_max,
       a.commit_pct_last, a.commit_pct_sum, a.commit_pct_count, a.active_kb_avg, a.active_kb_min,
       a.active_kb_max, a.active_kb_last, a.active_kb_sum, a.active_kb_count, a.inactive_kb_avg,
       a.inactive_kb_min, a.inactive_kb_max, a.inactive_kb_last, a.inactive_kb_sum,
       a.inactive_kb_count, a.dirty_kb_avg, a.dirty_kb_min, a.dirty_kb_max, a.dirty_kb_last,
       a.dirty_kb_sum, a.dirty_kb_count, a.swap_total_kb_avg, a.swap_total_kb_min,
       a.swap_total_kb_max, a.swap_total_kb_last, a.swap_total_kb_sum, a.swap_total_kb_count,
       a.swap_free_kb_avg, a.swap_free_kb_min, a.swap_free_kb_max, a.swap_free_kb_last,
       a.swap_free_kb_sum, a.swap_free_kb_count
FROM (SELECT * FROM aggregate_store.memory_1m WHERE bucket < xat_aggregate_watermark('1m')
      UNION ALL
      SELECT * FROM analytics_private.memory_1m_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.memory_1h_live() RETURNS SETOF aggregate_store.memory_1h
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.memory_1h
      WHERE bucket >= xat_aggregate_watermark('1h') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.memory_1h WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       a.samples, a.mem_total_kb_avg, a.mem_total_kb_min, a.mem_total_kb_max, a.mem_total_kb_last,
       a.mem_total_kb_sum, a.mem_total_kb_count, a.mem_free_kb_avg, a.mem_free_kb_min,
       a.mem_free_kb_max, a.mem_free_kb_last, a.mem_free_kb_sum, a.mem_free_kb_count,
       a.mem_available_kb_avg, a.mem_available_kb_min, a.mem_available_kb_max,
       a.mem_available_kb_last, a.mem_available_kb_sum, a.mem_available_kb_count, a.mem_used_kb_avg,
       a.mem_used_kb_min, a.mem_used_kb_max, a.mem_used_kb_last, a.mem_used_kb_sum,
       a.mem_used_kb_count, a.mem_used_pct_avg, a.mem_used_pct_min, a.mem_used_pct_max,
       a.mem_used_pct_last, a.mem_used_pct_sum, a.mem_used_pct_count, a.buffers_kb_avg,
       a.buffers_kb_min, a.buffers_kb_max, a.buffers_kb_last, a.buffers_kb_sum, a.buffers_kb_count,
       a.cached_kb_avg, a.cached_kb_min, a.cached_kb_max, a.cached_kb_last, a.cached_kb_sum,
       a.cached_kb_count, a.commit_kb_avg, a.commit_kb_min, a.commit_kb_max, a.commit_kb_last,
       a.commit_kb_sum, a.commit_kb_count, a.commit_pct_avg, a.commit_pct_min, a.commit_pct_max,
       a.commit_pct_last, a.commit_pct_sum, a.commit_pct_count, a.active_kb_avg, a.active_kb_min,
       a.active_kb_max, a.active_kb_last, a.active_kb_sum, a.active_kb_count, a.inactive_kb_avg,
       a.inactive_kb_min, a.inactive_kb_max, a.inactive_kb_last, a.inactive_kb_sum,
       a.inactive_kb_count, a.dirty_kb_avg, a.dirty_kb_min, a.dirty_kb_max, a.dirty_kb_last,
       a.dirty_kb_sum, a.dirty_kb_count, a.swap_total_kb_avg, a.swap_total_kb_min,
       a.swap_total_kb_max, a.swap_total_kb_last, a.swap_total_kb_sum, a.swap_total_kb_count,
       a.swap_free_kb_avg, a.swap_free_kb_min, a.swap_free_kb_max, a.swap_free_kb_last,
       a.swap_free_kb_sum, a.swap_free_kb_count
FROM (SELECT * FROM aggregate_store.memory_1h WHERE bucket < xat_aggregate_watermark('1h')
      UNION ALL
      SELECT * FROM analytics_private.memory_1h_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.memory_1d_live() RETURNS SETOF aggregate_store.memory_1d
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.memory_1d
      WHERE bucket >= xat_aggregate_watermark('1d') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.memory_1d WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       a.samples, a.mem_total_kb_avg, a.mem_total_kb_min, a.mem_total_kb_max, a.mem_total_kb_last,
       a.mem_total_kb_sum, a.mem_total_kb_count, a.mem_free_kb_avg, a.mem_free_kb_min,
       a.mem_free_kb_max, a.mem_free_kb_last, a.mem_free_kb_sum, a.mem_free_kb_count,
       a.mem_available_kb_avg, a.mem_available_kb_min, a.mem_available_kb_max,
       a.mem_available_kb_last, a.mem_available_kb_sum, a.mem_available_kb_count, a.mem_used_kb_avg,
       a.mem_used_kb_min, a.mem_used_kb_max, a.mem_used_kb_last, a.mem_used_kb_sum,
       a.mem_used_kb_count, a.mem_used_pct_avg, a.mem_used_pct_min, a.mem_used_pct_max,
       a.mem_used_pct_last, a.mem_used_pct_sum, a.mem_used_pct_count, a.buffers_kb_avg,
       a.buffers_kb_min, a.buffers_kb_max, a.buffers_kb_last, a.buffers_kb_sum, a.buffers_kb_count,
       a.cached_kb_avg, a.cached_kb_min, a.cached_kb_max, a.cached_kb_last, a.cached_kb_sum,
       a.cached_kb_count, a.commit_kb_avg, a.commit_kb_min, a.commit_kb_max, a.commit_kb_last,
       a.commit_kb_sum, a.commit_kb_count, a.commit_pct_avg, a.commit_pct_min, a.commit_pct_max,
       a.commit_pct_last, a.commit_pct_sum, a.commit_pct_count, a.active_kb_avg, a.active_kb_min,
       a.active_kb_max, a.active_kb_last, a.active_kb_sum, a.active_kb_count, a.inactive_kb_avg,
       a.inactive_kb_min, a.inactive_kb_max, a.inactive_kb_last, a.inactive_kb_sum,
       a.inactive_kb_count, a.dirty_kb_avg, a.dirty_kb_min, a.dirty_kb_max, a.dirty_kb_last,
       a.dirty_kb_sum, a.dirty_kb_count, a.swap_total_kb_avg, a.swap_total_kb_min,
       a.swap_total_kb_max, a.swap_total_kb_last, a.swap_total_kb_sum, a.swap_total_kb_count,
       a.swap_free_kb_avg, a.swap_free_kb_min, a.swap_free_kb_max, a.swap_free_kb_last,
       a.swap_free_kb_sum, a.swap_free_kb_count
FROM (SELECT * FROM aggregate_store.memory_1d WHERE bucket < xat_aggregate_watermark('1d')
      UNION ALL
      SELECT * FROM analytics_private.memory_1d_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.disk_1m_live() RETURNS SETOF aggregate_store.disk_1m
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.disk_1m
      WHERE bucket >= xat_aggregate_watermark('1m') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.disk_1m WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       a.device,
       a.samples, a.tps_avg, a.tps_min, a.tps_max, a.tps_last, a.tps_sum, a.tps_count, a.rtps_avg,
       a.rtps_min, a.rtps_max, a.rtps_last, a.rtps_sum, a.rtps_count, a.wtps_avg, a.wtps_min,
       a.wtps_max, a.wtps_last, a.wtps_sum, a.wtps_count, a.dtps_avg, a.dtps_min, a.dtps_max,
       a.dtps_last, a.dtps_sum, a.dtps_count, a.read_sectors_ps_avg, a.read_sectors_ps_min,
       a.read_sectors_ps_max, a.read_sectors_ps_last, a.read_sectors_ps_sum,
       a.read_sectors_ps_count, a.written_sectors_ps_avg, a.written_sectors_ps_min,
       a.written_sectors_ps_max, a.written_sectors_ps_last, a.written_sectors_ps_sum,
       a.written_sectors_ps_count, a.discarded_sectors_ps_avg, a.discarded_sectors_ps_min,
       a.discarded_sectors_ps_max, a.discarded_sectors_ps_last, a.discarded_sectors_ps_sum,
       a.discarded_sectors_ps_count, a.util_pct_avg, a.util_pct_min, a.util_pct_max,
       a.util_pct_last, a.util_pct_sum, a.util_pct_count, a.await_ms_avg, a.await_ms_min,
       a.await_ms_max, a.await_ms_last, a.await_ms_sum, a.await_ms_count
FROM (SELECT * FROM aggregate_store.disk_1m WHERE bucket < xat_aggregate_watermark('1m')
      UNION ALL
      SELECT * FROM analytics_private.disk_1m_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.disk_1h_live() RETURNS SETOF aggregate_store.disk_1h
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.disk_1h
      WHERE bucket >= xat_aggregate_watermark('1h') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.disk_1h WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       a.device,
       a.samples, a.tps_avg, a.tps_min, a.tps_max, a.tps_last, a.tps_sum, a.tps_count, a.rtps_avg,
       a.rtps_min, a.rtps_max, a.rtps_last, a.rtps_sum, a.rtps_count, a.wtps_avg, a.wtps_min,
       a.wtps_max, a.wtps_last, a.wtps_sum, a.wtps_count, a.dtps_avg, a.dtps_min, a.dtps_max,
       a.dtps_last, a.dtps_sum, a.dtps_count, a.read_sectors_ps_avg, a.read_sectors_ps_min,
       a.read_sectors_ps_max, a.read_sectors_ps_last, a.read_sectors_ps_sum,
       a.read_sectors_ps_count, a.written_sectors_ps_avg, a.written_sectors_ps_min,
       a.written_sectors_ps_max, a.written_sectors_ps_last, a.written_sectors_ps_sum,
       a.written_sectors_ps_count, a.discarded_sectors_ps_avg, a.discarded_sectors_ps_min,
       a.discarded_sectors_ps_max, a.discarded_sectors_ps_last, a.discarded_sectors_ps_sum,
       a.discarded_sectors_ps_count, a.util_pct_avg, a.util_pct_min, a.util_pct_max,
       a.util_pct_last, a.util_pct_sum, a.util_pct_count, a.await_ms_avg, a.await_ms_min,
       a.await_ms_max, a.await_ms_last, a.await_ms_sum, a.await_ms_count
FROM (SELECT * FROM aggregate_store.disk_1h WHERE bucket < xat_aggregate_watermark('1h')
      UNION ALL
      SELECT * FROM analytics_private.disk_1h_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.disk_1d_live() RETURNS SETOF aggregate_store.disk_1d
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.disk_1d
      WHERE bucket >= xat_aggregate_watermark('1d') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.disk_1d WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       a.device,
       a.samples, a.tps_avg, a.tps_min, a.tps_max, a.tps_last, a.tps_sum, a.tps_count, a.rtps_avg,
       a.rtps_min, a.rtps_max, a.rtps_last, a.rtps_sum, a.rtps_count, a.wtps_avg, a.wtps_min,
       a.wtps_max, a.wtps_last, a.wtps_sum, a.wtps_count, a.dtps_avg, a.dtps_min, a.dtps_max,
       a.dtps_last, a.dtps_sum, a.dtps_count, a.read_sectors_ps_avg, a.read_sectors_ps_min,
       a.read_sectors_ps_max, a.read_sectors_ps_last, a.read_sectors_ps_sum,
       a.read_sectors_ps_count, a.written_sectors_ps_avg, a.written_sectors_ps_min,
       a.written_sectors_ps_max, a.written_sectors_ps_last, a.written_sectors_ps_sum,
       a.written_sectors_ps_count, a.discarded_sectors_ps_avg, a.discarded_sectors_ps_min,
       a.discarded_sectors_ps_max, a.discarded_sectors_ps_last, a.discarded_sectors_ps_sum,
       a.discarded_sectors_ps_count, a.util_pct_avg, a.util_pct_min, a.util_pct_max,
       a.util_pct_last, a.util_pct_sum, a.util_pct_count, a.await_ms_avg, a.await_ms_min,
       a.await_ms_max, a.await_ms_last, a.await_ms_sum, a.await_ms_count
FROM (SELECT * FROM aggregate_store.disk_1d WHERE bucket < xat_aggregate_watermark('1d')
      UNION ALL
      SELECT * FROM analytics_private.disk_1d_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.network_1m_live() RETURNS SETOF aggregate_store.network_1m
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.network_1m
      WHERE bucket >= xat_aggregate_watermark('1m') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.network_1m WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       a.interface,
       a.samples, a.rx_packets_ps_avg, a.rx_packets_ps_min, a.rx_packets_ps_max,
       a.rx_packets_ps_last, a.rx_packets_ps_sum, a.rx_packets_ps_count, a.tx_packets_ps_avg,
       a.tx_packets_ps_min, a.tx_packets_ps_max, a.tx_packets_ps_last, a.tx_packets_ps_sum,
       a.tx_packets_ps_count, a.rx_kb_ps_avg, a.rx_kb_ps_min, a.rx_kb_ps_max, a.rx_kb_ps_last,
       a.rx_kb_ps_sum, a.rx_kb_ps_count, a.tx_kb_ps_avg, a.tx_kb_ps_min, a.tx_kb_ps_max,
       a.tx_kb_ps_last, a.tx_kb_ps_sum, a.tx_kb_ps_count, a.rx_compressed_ps_avg,
       a.rx_compressed_ps_min, a.rx_compressed_ps_max, a.rx_compressed_ps_last,
       a.rx_compressed_ps_sum, a.rx_compressed_ps_count, a.tx_compressed_ps_avg,
       a.tx_compressed_ps_min, a.tx_compressed_ps_max, a.tx_compressed_ps_last,
       a.tx_compressed_ps_sum, a.tx_compressed_ps_count, a.rx_multicast_ps_avg,
       a.rx_multicast_ps_min, a.rx_multicast_ps_max, a.rx_multicast_ps_last, a.rx_multicast_ps_sum,
       a.rx_multicast_ps_count, a.rx_errors_ps_avg, a.rx_errors_ps_min, a.rx_errors_ps_max,
       a.rx_errors_ps_last, a.rx_errors_ps_sum, a.rx_errors_ps_count, a.tx_errors_ps_avg,
       a.tx_errors_ps_min, a.tx_errors_ps_max, a.tx_errors_ps_last, a.tx_errors_ps_sum,
       a.tx_errors_ps_count, a.rx_drops_ps_avg, a.rx_drops_ps_min, a.rx_drops_ps_max,
       a.rx_drops_ps_last, a.rx_drops_ps_sum, a.rx_drops_ps_count, a.tx_drops_ps_avg,
       a.tx_drops_ps_min, a.tx_drops_ps_max, a.tx_drops_ps_last, a.tx_drops_ps_sum,
       a.tx_drops_ps_count, a.if_util_pct_avg, a.if_util_pct_min, a.if_util_pct_max,
       a.if_util_pct_last, a.if_util_pct_sum, a.if_util_pct_count
FROM (SELECT * FROM aggregate_store.network_1m WHERE bucket < xat_aggregate_watermark('1m')
      UNION ALL
      SELECT * FROM analytics_private.network_1m_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.network_1h_live() RETURNS SETOF aggregate_store.network_1h
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.network_1h
      WHERE bucket >= xat_aggregate_watermark('1h') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.network_1h WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       a.interface,
       a.samples, a.rx_packets_ps_avg, a.rx_packets_ps_min, a.rx_packets_ps_max,
       a.rx_packets_ps_last, a.rx_packets_ps_sum, a.rx_packets_ps_count, a.tx_packets_ps_avg,
       a.tx_packets_ps_min, a.tx_packets_ps_max, a.tx_packets_ps_last, a.tx_packets_ps_sum,
       a.tx_packets_ps_count, a.rx_kb_ps_avg, a.rx_kb_ps_min, a.rx_kb_ps_max, a.rx_kb_ps_last,
       a.rx_kb_ps_sum, a.rx_kb_ps_count, a.tx_kb_ps_avg, a.tx_kb_ps_min, a.tx_kb_ps_max,
       a.tx_kb_ps_last, a.tx_kb_ps_sum, a.tx_kb_ps_count, a.rx_compressed_ps_avg,
       a.rx_compressed_ps_min, a.rx_compressed_ps_max, a.rx_compressed_ps_last,
       a.rx_compressed_ps_sum, a.rx_compressed_ps_count, a.tx_compressed_ps_avg,
       a.tx_compressed_ps_min, a.tx_compressed_ps_max, a.tx_compressed_ps_last,
       a.tx_compressed_ps_sum, a.tx_compressed_ps_count, a.rx_multicast_ps_avg,
       a.rx_multicast_ps_min, a.rx_multicast_ps_max, a.rx_multicast_ps_last, a.rx_multicast_ps_sum,
       a.rx_multicast_ps_count, a.rx_errors_ps_avg, a.rx_errors_ps_min, a.rx_errors_ps_max,
       a.rx_errors_ps_last, a.rx_errors_ps_sum, a.rx_errors_ps_count, a.tx_errors_ps_avg,
       a.tx_errors_ps_min, a.tx_errors_ps_max, a.tx_errors_ps_last, a.tx_errors_ps_sum,
       a.tx_errors_ps_count, a.rx_drops_ps_avg, a.rx_drops_ps_min, a.rx_drops_ps_max,
       a.rx_drops_ps_last, a.rx_drops_ps_sum, a.rx_drops_ps_count, a.tx_drops_ps_avg,
       a.tx_drops_ps_min, a.tx_drops_ps_max, a.tx_drops_ps_last, a.tx_drops_ps_sum,
       a.tx_drops_ps_count, a.if_util_pct_avg, a.if_util_pct_min, a.if_util_pct_max,
       a.if_util_pct_last, a.if_util_pct_sum, a.if_util_pct_count
FROM (SELECT * FROM aggregate_store.network_1h WHERE bucket < xat_aggregate_watermark('1h')
      UNION ALL
      SELECT * FROM analytics_private.network_1h_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.network_1d_live() RETURNS SETOF aggregate_store.network_1d
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.network_1d
      WHERE bucket >= xat_aggregate_watermark('1d') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.network_1d WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       a.interface,
       a.samples, a.rx_packets_ps_avg, a.rx_packets_ps_min, a.rx_packets_ps_max,
       a.rx_packets_ps_last, a.rx_packets_ps_sum, a.rx_packets_ps_count, a.tx_packets_ps_avg,
       a.tx_packets_ps_min, a.tx_packets_ps_max, a.tx_packets_ps_last, a.tx_packets_ps_sum,
       a.tx_packets_ps_count, a.rx_kb_ps_avg, a.rx_kb_ps_min, a.rx_kb_ps_max, a.rx_kb_ps_last,
       a.rx_kb_ps_sum, a.rx_kb_ps_count, a.tx_kb_ps_avg, a.tx_kb_ps_min, a.tx_kb_ps_max,
       a.tx_kb_ps_last, a.tx_kb_ps_sum, a.tx_kb_ps_count, a.rx_compressed_ps_avg,
       a.rx_compressed_ps_min, a.rx_compressed_ps_max, a.rx_compressed_ps_last,
       a.rx_compressed_ps_sum, a.rx_compressed_ps_count, a.tx_compressed_ps_avg,
       a.tx_compressed_ps_min, a.tx_compressed_ps_max, a.tx_compressed_ps_last,
       a.tx_compressed_ps_sum, a.tx_compressed_ps_count, a.rx_multicast_ps_avg,
       a.rx_multicast_ps_min, a.rx_multicast_ps_max, a.rx_multicast_ps_last, a.rx_multicast_ps_sum,
       a.rx_multicast_ps_count, a.rx_errors_ps_avg, a.rx_errors_ps_min, a.rx_errors_ps_max,
       a.rx_errors_ps_last, a.rx_errors_ps_sum, a.rx_errors_ps_count, a.tx_errors_ps_avg,
       a.tx_errors_ps_min, a.tx_errors_ps_max, a.tx_errors_ps_last, a.tx_errors_ps_sum,
       a.tx_errors_ps_count, a.rx_drops_ps_avg, a.rx_drops_ps_min, a.rx_drops_ps_max,
       a.rx_drops_ps_last, a.rx_drops_ps_sum, a.rx_drops_ps_count, a.tx_drops_ps_avg,
       a.tx_drops_ps_min, a.tx_drops_ps_max, a.tx_drops_ps_last, a.tx_drops_ps_sum,
       a.tx_drops_ps_count, a.if_util_pct_avg, a.if_util_pct_min, a.if_util_pct_max,
       a.if_util_pct_last, a.if_util_pct_sum, a.if_util_pct_count
FROM (SELECT * FROM aggregate_store.network_1d WHERE bucket < xat_aggregate_watermark('1d')
      UNION ALL
      SELECT * FROM analytics_private.network_1d_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.filesystem_1m_live() RETURNS SETOF aggregate_store.filesystem_1m
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.filesystem_1m
      WHERE bucket >= xat_aggregate_watermark('1m') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.filesystem_1m WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       a.mount,
       a.samples, a.block_size_avg, a.block_size_min, a.block_size_max, a.block_size_last,
       a.block_size_sum, a.block_size_count, a.blocks_total_avg, a.blocks_total_min,
       a.blocks_total_max, a.blocks_total_last, a.blocks_total_sum, a.blocks_total_count,
       a.blocks_available_avg, a.blocks_available_min, a.blocks_available_max,
       a.blocks_available_last, a.blocks_available_sum, a.blocks_available_count, a.size_bytes_avg,
       a.size_bytes_min, a.size_bytes_max, a.size_bytes_last, a.size_bytes_sum, a.size_bytes_count,
       a.available_bytes_avg, a.available_bytes_min, a.available_bytes_max, a.available_bytes_last,
       a.available_bytes_sum, a.available_bytes_count, a.use_pct_avg, a.use_pct_min, a.use_pct_max,
       a.use_pct_last, a.use_pct_sum, a.use_pct_count
FROM (SELECT * FROM aggregate_store.filesystem_1m WHERE bucket < xat_aggregate_watermark('1m')
      UNION ALL
      SELECT * FROM analytics_private.filesystem_1m_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.filesystem_1h_live() RETURNS SETOF aggregate_store.filesystem_1h
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.filesystem_1h
      WHERE bucket >= xat_aggregate_watermark('1h') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.filesystem_1h WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       a.mount,
       a.samples, a.block_size_avg, a.block_size_min, a.block_size_max, a.block_size_last,
       a.block_size_sum, a.block_size_count, a.blocks_total_avg, a.blocks_total_min,
       a.blocks_total_max, a.blocks_total_last, a.blocks_total_sum, a.blocks_total_count,
       a.blocks_available_avg, a.blocks_available_min, a.blocks_available_max,
       a.blocks_available_last, a.blocks_available_sum, a.blocks_available_count, a.size_bytes_avg,
       a.size_bytes_min, a.size_bytes_max, a.size_bytes_last, a.size_bytes_sum, a.size_bytes_count,
       a.available_bytes_avg, a.available_bytes_min, a.available_bytes_max, a.available_bytes_last,
       a.available_bytes_sum, a.available_bytes_count, a.use_pct_avg, a.use_pct_min, a.use_pct_max,
       a.use_pct_last, a.use_pct_sum, a.use_pct_count
FROM (SELECT * FROM aggregate_store.filesystem_1h WHERE bucket < xat_aggregate_watermark('1h')
      UNION ALL
      SELECT * FROM analytics_private.filesystem_1h_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.filesystem_1d_live() RETURNS SETOF aggregate_store.filesystem_1d
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.filesystem_1d
      WHERE bucket >= xat_aggregate_watermark('1d') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.filesystem_1d WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       a.mount,
       a.samples, a.block_size_avg, a.block_size_min, a.block_size_max, a.block_size_last,
       a.block_size_sum, a.block_size_count, a.blocks_total_avg, a.blocks_total_min,
       a.blocks_total_max, a.blocks_total_last, a.blocks_total_sum, a.blocks_total_count,
       a.blocks_available_avg, a.blocks_available_min, a.blocks_available_max,
       a.blocks_available_last, a.blocks_available_sum, a.blocks_available_count, a.size_bytes_avg,
       a.size_bytes_min, a.size_bytes_max, a.size_bytes_last, a.size_bytes_sum, a.size_bytes_count,
       a.available_bytes_avg, a.available_bytes_min, a.available_bytes_max, a.available_bytes_last,
       a.available_bytes_sum, a.available_bytes_count, a.use_pct_avg, a.use_pct_min, a.use_pct_max,
       a.use_pct_last, a.use_pct_sum, a.use_pct_count
FROM (SELECT * FROM aggregate_store.filesystem_1d WHERE bucket < xat_aggregate_watermark('1d')
      UNION ALL
      SELECT * FROM analytics_private.filesystem_1d_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.disk_total_1m_live() RETURNS SETOF aggregate_store.disk_total_1m
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.disk_total_1m
      WHERE bucket >= xat_aggregate_watermark('1m') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.disk_total_1m WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       a.samples, a.tps_avg, a.tps_min, a.tps_max, a.tps_last, a.tps_sum, a.tps_count, a.rtps_avg,
       a.rtps_min, a.rtps_max, a.rtps_last, a.rtps_sum, a.rtps_count, a.wtps_avg, a.wtps_min,
       a.wtps_max, a.wtps_last, a.wtps_sum, a.wtps_count, a.dtps_avg, a.dtps_min, a.dtps_max,
       a.dtps_last, a.dtps_sum, a.dtps_count, a.read_sectors_ps_avg, a.read_sectors_ps_min,
       a.read_sectors_ps_max, a.read_sectors_ps_last, a.read_sectors_ps_sum,
       a.read_sectors_ps_count, a.written_sectors_ps_avg, a.written_sectors_ps_min,
       a.written_sectors_ps_max, a.written_sectors_ps_last, a.written_sectors_ps_sum,
       a.written_sectors_ps_count, a.discarded_sectors_ps_avg, a.discarded_sectors_ps_min,
       a.discarded_sectors_ps_max, a.discarded_sectors_ps_last, a.discarded_sectors_ps_sum,
       a.discarded_sectors_ps_count, a.util_pct_avg, a.util_pct_min, a.util_pct_max,
       a.util_pct_last, a.util_pct_sum, a.util_pct_count, a.await_ms_avg, a.await_ms_min,
       a.await_ms_max, a.await_ms_last, a.await_ms_sum, a.await_ms_count
FROM (SELECT * FROM aggregate_store.disk_total_1m WHERE bucket < xat_aggregate_watermark('1m')
      UNION ALL
      SELECT * FROM analytics_private.disk_total_1m_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.disk_total_1h_live() RETURNS SETOF aggregate_store.disk_total_1h
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.disk_total_1h
      WHERE bucket >= xat_aggregate_watermark('1h') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.disk_total_1h WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       a.samples, a.tps_avg, a.tps_min, a.tps_max, a.tps_last, a.tps_sum, a.tps_count, a.rtps_avg,
       a.rtps_min, a.rtps_max, a.rtps_last, a.rtps_sum, a.rtps_count, a.wtps_avg, a.wtps_min,
       a.wtps_max, a.wtps_last, a.wtps_sum, a.wtps_count, a.dtps_avg, a.dtps_min, a.dtps_max,
       a.dtps_last, a.dtps_sum, a.dtps_count, a.read_sectors_ps_avg, a.read_sectors_ps_min,
       a.read_sectors_ps_max, a.read_sectors_ps_last, a.read_sectors_ps_sum,
       a.read_sectors_ps_count, a.written_sectors_ps_avg, a.written_sectors_ps_min,
       a.written_sectors_ps_max, a.written_sectors_ps_last, a.written_sectors_ps_sum,
       a.written_sectors_ps_count, a.discarded_sectors_ps_avg, a.discarded_sectors_ps_min,
       a.discarded_sectors_ps_max, a.discarded_sectors_ps_last, a.discarded_sectors_ps_sum,
       a.discarded_sectors_ps_count, a.util_pct_avg, a.util_pct_min, a.util_pct_max,
       a.util_pct_last, a.util_pct_sum, a.util_pct_count, a.await_ms_avg, a.await_ms_min,
       a.await_ms_max, a.await_ms_last, a.await_ms_sum, a.await_ms_count
FROM (SELECT * FROM aggregate_store.disk_total_1h WHERE bucket < xat_aggregate_watermark('1h')
      UNION ALL
      SELECT * FROM analytics_private.disk_total_1h_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.disk_total_1d_live() RETURNS SETOF aggregate_store.disk_total_1d
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.disk_total_1d
      WHERE bucket >= xat_aggregate_watermark('1d') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.disk_total_1d WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       a.samples, a.tps_avg, a.tps_min, a.tps_max, a.tps_last, a.tps_sum, a.tps_count, a.rtps_avg,
       a.rtps_min, a.rtps_max, a.rtps_last, a.rtps_sum, a.rtps_count, a.wtps_avg, a.wtps_min,
       a.wtps_max, a.wtps_last, a.wtps_sum, a.wtps_count, a.dtps_avg, a.dtps_min, a.dtps_max,
       a.dtps_last, a.dtps_sum, a.dtps_count, a.read_sectors_ps_avg, a.read_sectors_ps_min,
       a.read_sectors_ps_max, a.read_sectors_ps_last, a.read_sectors_ps_sum,
       a.read_sectors_ps_count, a.written_sectors_ps_avg, a.written_sectors_ps_min,
       a.written_sectors_ps_max, a.written_sectors_ps_last, a.written_sectors_ps_sum,
       a.written_sectors_ps_count, a.discarded_sectors_ps_avg, a.discarded_sectors_ps_min,
       a.discarded_sectors_ps_max, a.discarded_sectors_ps_last, a.discarded_sectors_ps_sum,
       a.discarded_sectors_ps_count, a.util_pct_avg, a.util_pct_min, a.util_pct_max,
       a.util_pct_last, a.util_pct_sum, a.util_pct_count, a.await_ms_avg, a.await_ms_min,
       a.await_ms_max, a.await_ms_last, a.await_ms_sum, a.await_ms_count
FROM (SELECT * FROM aggregate_store.disk_total_1d WHERE bucket < xat_aggregate_watermark('1d')
      UNION ALL
      SELECT * FROM analytics_private.disk_total_1d_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.network_total_1m_live() RETURNS SETOF aggregate_store.network_total_1m
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.network_total_1m
      WHERE bucket >= xat_aggregate_watermark('1m') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.network_total_1m WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       a.samples, a.rx_packets_ps_avg, a.rx_packets_ps_min, a.rx_packets_ps_max,
       a.rx_packets_ps_last, a.rx_packets_ps_sum, a.rx_packets_ps_count, a.tx_packets_ps_avg,
       a.tx_packets_ps_min, a.tx_packets_ps_max, a.tx_packets_ps_last, a.tx_packets_ps_sum,
       a.tx_packets_ps_count, a.rx_kb_ps_avg, a.rx_kb_ps_min, a.rx_kb_ps_max, a.rx_kb_ps_last,
       a.rx_kb_ps_sum, a.rx_kb_ps_count, a.tx_kb_ps_avg, a.tx_kb_ps_min, a.tx_kb_ps_max,
       a.tx_kb_ps_last, a.tx_kb_ps_sum, a.tx_kb_ps_count, a.rx_compressed_ps_avg,
       a.rx_compressed_ps_min, a.rx_compressed_ps_max, a.rx_compressed_ps_last,
       a.rx_compressed_ps_sum, a.rx_compressed_ps_count, a.tx_compressed_ps_avg,
       a.tx_compressed_ps_min, a.tx_compressed_ps_max, a.tx_compressed_ps_last,
       a.tx_compressed_ps_sum, a.tx_compressed_ps_count, a.rx_multicast_ps_avg,
       a.rx_multicast_ps_min, a.rx_multicast_ps_max, a.rx_multicast_ps_last, a.rx_multicast_ps_sum,
       a.rx_multicast_ps_count, a.rx_errors_ps_avg, a.rx_errors_ps_min, a.rx_errors_ps_max,
       a.rx_errors_ps_last, a.rx_errors_ps_sum, a.rx_errors_ps_count, a.tx_errors_ps_avg,
       a.tx_errors_ps_min, a.tx_errors_ps_max, a.tx_errors_ps_last, a.tx_errors_ps_sum,
       a.tx_errors_ps_count, a.rx_drops_ps_avg, a.rx_drops_ps_min, a.rx_drops_ps_max,
       a.rx_drops_ps_last, a.rx_drops_ps_sum, a.rx_drops_ps_count, a.tx_drops_ps_avg,
       a.tx_drops_ps_min, a.tx_drops_ps_max, a.tx_drops_ps_last, a.tx_drops_ps_sum,
       a.tx_drops_ps_count
FROM (SELECT * FROM aggregate_store.network_total_1m WHERE bucket < xat_aggregate_watermark('1m')
      UNION ALL
      SELECT * FROM analytics_private.network_total_1m_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.network_total_1h_live() RETURNS SETOF aggregate_store.network_total_1h
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.network_total_1h
      WHERE bucket >= xat_aggregate_watermark('1h') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.network_total_1h WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       a.samples, a.rx_packets_ps_avg, a.rx_packets_ps_min, a.rx_packets_ps_max,
       a.rx_packets_ps_last, a.rx_packets_ps_sum, a.rx_packets_ps_count, a.tx_packets_ps_avg,
       a.tx_packets_ps_min, a.tx_packets_ps_max, a.tx_packets_ps_last, a.tx_packets_ps_sum,
       a.tx_packets_ps_count, a.rx_kb_ps_avg, a.rx_kb_ps_min, a.rx_kb_ps_max, a.rx_kb_ps_last,
       a.rx_kb_ps_sum, a.rx_kb_ps_count, a.tx_kb_ps_avg, a.tx_kb_ps_min, a.tx_kb_ps_max,
       a.tx_kb_ps_last, a.tx_kb_ps_sum, a.tx_kb_ps_count, a.rx_compressed_ps_avg,
       a.rx_compressed_ps_min, a.rx_compressed_ps_max, a.rx_compressed_ps_last,
       a.rx_compressed_ps_sum, a.rx_compressed_ps_count, a.tx_compressed_ps_avg,
       a.tx_compressed_ps_min, a.tx_compressed_ps_max, a.tx_compressed_ps_last,
       a.tx_compressed_ps_sum, a.tx_compressed_ps_count, a.rx_multicast_ps_avg,
       a.rx_multicast_ps_min, a.rx_multicast_ps_max, a.rx_multicast_ps_last, a.rx_multicast_ps_sum,
       a.rx_multicast_ps_count, a.rx_errors_ps_avg, a.rx_errors_ps_min, a.rx_errors_ps_max,
       a.rx_errors_ps_last, a.rx_errors_ps_sum, a.rx_errors_ps_count, a.tx_errors_ps_avg,
       a.tx_errors_ps_min, a.tx_errors_ps_max, a.tx_errors_ps_last, a.tx_errors_ps_sum,
       a.tx_errors_ps_count, a.rx_drops_ps_avg, a.rx_drops_ps_min, a.rx_drops_ps_max,
       a.rx_drops_ps_last, a.rx_drops_ps_sum, a.rx_drops_ps_count, a.tx_drops_ps_avg,
       a.tx_drops_ps_min, a.tx_drops_ps_max, a.tx_drops_ps_last, a.tx_drops_ps_sum,
       a.tx_drops_ps_count
FROM (SELECT * FROM aggregate_store.network_total_1h WHERE bucket < xat_aggregate_watermark('1h')
      UNION ALL
      SELECT * FROM analytics_private.network_total_1h_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE FUNCTION analytics_private.network_total_1d_live() RETURNS SETOF aggregate_store.network_total_1d
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM public.network_total_1d
      WHERE bucket >= xat_aggregate_watermark('1d') AND organization_id = analytics_private.organization_id() $$;

CREATE OR REPLACE VIEW analytics.network_total_1d WITH (security_barrier) AS
SELECT a.bucket AS time, h.organization, h.collector, h.hostname, h.tags,
       a.samples, a.rx_packets_ps_avg, a.rx_packets_ps_min, a.rx_packets_ps_max,
       a.rx_packets_ps_last, a.rx_packets_ps_sum, a.rx_packets_ps_count, a.tx_packets_ps_avg,
       a.tx_packets_ps_min, a.tx_packets_ps_max, a.tx_packets_ps_last, a.tx_packets_ps_sum,
       a.tx_packets_ps_count, a.rx_kb_ps_avg, a.rx_kb_ps_min, a.rx_kb_ps_max, a.rx_kb_ps_last,
       a.rx_kb_ps_sum, a.rx_kb_ps_count, a.tx_kb_ps_avg, a.tx_kb_ps_min, a.tx_kb_ps_max,
       a.tx_kb_ps_last, a.tx_kb_ps_sum, a.tx_kb_ps_count, a.rx_compressed_ps_avg,
       a.rx_compressed_ps_min, a.rx_compressed_ps_max, a.rx_compressed_ps_last,
       a.rx_compressed_ps_sum, a.rx_compressed_ps_count, a.tx_compressed_ps_avg,
       a.tx_compressed_ps_min, a.tx_compressed_ps_max, a.tx_compressed_ps_last,
       a.tx_compressed_ps_sum, a.tx_compressed_ps_count, a.rx_multicast_ps_avg,
       a.rx_multicast_ps_min, a.rx_multicast_ps_max, a.rx_multicast_ps_last, a.rx_multicast_ps_sum,
       a.rx_multicast_ps_count, a.rx_errors_ps_avg, a.rx_errors_ps_min, a.rx_errors_ps_max,
       a.rx_errors_ps_last, a.rx_errors_ps_sum, a.rx_errors_ps_count, a.tx_errors_ps_avg,
       a.tx_errors_ps_min, a.tx_errors_ps_max, a.tx_errors_ps_last, a.tx_errors_ps_sum,
       a.tx_errors_ps_count, a.rx_drops_ps_avg, a.rx_drops_ps_min, a.rx_drops_ps_max,
       a.rx_drops_ps_last, a.rx_drops_ps_sum, a.rx_drops_ps_count, a.tx_drops_ps_avg,
       a.tx_drops_ps_min, a.tx_drops_ps_max, a.tx_drops_ps_last, a.tx_drops_ps_sum,
       a.tx_drops_ps_count
FROM (SELECT * FROM aggregate_store.network_total_1d WHERE bucket < xat_aggregate_watermark('1d')
      UNION ALL
      SELECT * FROM analytics_private.network_total_1d_live()) a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();
