-- Analysts' SQL access (docs/analytics.md; roles made by `./manage.py xat_sql_role`,
-- metrics/analytics.py).
--
-- analytics: the public contract. One view per raw family (<family>_raw) and per aggregate
--   level (<family>_1m, _1h, _1d), plus `hosts`. Columns never change meaning and are never
--   removed (tests/analytics/test_contract.py pins them); the relations below may.
--   Every time series has `time` (timestamptz; for aggregates the start of the bucket),
--   then organization (slug), collector (name), hostname, tags, the item (cpu, device,
--   interface, mount) and the metrics, units in their names. No internal ids.
-- analytics_private: never granted to anyone. Which organization each analytics login role
--   belongs to, and the filter every analytics view applies.
--
-- Isolation. An analytics role is a LOGIN role with no membership in any role, no
-- attribute, CONNECT on this database, USAGE on schema analytics and SELECT on its views
-- (plus SELECT on aggregate_watermark: the Apache edition's views call
-- xat_aggregate_watermark(), which runs with the caller's rights; it holds three times).
-- Views run with their owner's rights, so the analyst needs no right on the tables, and
-- each view keeps only the rows of organization_id() = the organization mapped to
-- session_user. A non-superuser cannot change session_user (SET SESSION AUTHORIZATION is
-- for superusers), cannot SET ROLE to a role it is not a member of, and the filter also
-- requires current_user = session_user, so even a role granted by mistake gains nothing.
-- No session variable is read, so SET / set_config cannot move the filter. The views are
-- security barriers: a condition the analyst adds (e.g. a failing cast that would print a
-- value) is evaluated only on rows that passed the filter, unless it is leakproof (plain
-- comparisons are, which keeps time filters pushed down to the chunks).
-- Writes: no INSERT/UPDATE/DELETE right anywhere, no CREATE on any schema, no TEMP on the
-- database (so no temporary functions or tables), no large objects; COPY TO a file needs
-- pg_write_server_files.
-- Changing a view: CREATE OR REPLACE VIEW keeps the grants; a view dropped and created
-- again must be granted again (metrics.analytics.analytics_grants_apply).

CREATE SCHEMA analytics;
CREATE SCHEMA analytics_private;
REVOKE ALL ON SCHEMA analytics, analytics_private FROM PUBLIC;

-- One row per analytics login role. No foreign key to accounts_organization: Django's test
-- flush truncates that table without CASCADE. A role whose organization is deleted keeps
-- seeing nothing (no collector of that id remains) and is listed as orphaned until revoked.
CREATE TABLE analytics_private.role (
    role_name       name PRIMARY KEY,
    organization_id bigint NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- The organization of the session's login role, NULL for any other role. SECURITY DEFINER:
-- it reads analytics_private.role, which analysts may not read; it takes no argument and
-- reads no setting, so it answers for session_user only.
CREATE FUNCTION analytics_private.organization_id() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT organization_id FROM analytics_private.role WHERE role_name = session_user $$;

-- The session's collectors with their human names; every analytics view joins it.
CREATE VIEW analytics_private.collector AS
SELECT c.id AS collector_id, o.slug AS organization, c.name AS collector, c.hostname, c.tags
FROM public.metrics_collector c
JOIN public.accounts_organization o ON o.id = c.organization_id
WHERE c.organization_id = analytics_private.organization_id() AND session_user = current_user;

-- No object creation by roles that were not granted it explicitly, no temporary objects,
-- no large objects (lo_import from a server file already needs pg_read_server_files).
-- PostgreSQL 15 no longer grants CREATE on schema public; older databases did.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
DO $$ BEGIN
    EXECUTE format('REVOKE CREATE, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
EXCEPTION WHEN internal_error THEN
    -- PGlite (the tests' TimescaleDB-TSL engine, tests/tsl.py) cannot update its only
    -- database's row ("tuple concurrently deleted"); PostgreSQL proper never gets here.
    RAISE WARNING 'TEMPORARY on database % left to PUBLIC: %', current_database(), SQLERRM;
END $$;
REVOKE EXECUTE ON FUNCTION lo_creat(integer), lo_create(oid), lo_from_bytea(oid, bytea) FROM PUBLIC;

-- The organization's hosts (collectors): not a time series.
CREATE VIEW analytics.hosts WITH (security_barrier) AS
SELECT h.organization, h.collector, h.hostname, h.tags, c.description, c.ip_address, c.os_name,
       c.os_version, c.kernel_version, c.cpu_model, c.vcpus, c.memory_bytes, c.storage_bytes,
       c.storage_type, c.cloud_provider, c.region, c.instance_type, c.hourly_cost, c.created_at,
       c.last_seen
FROM analytics_private.collector h
JOIN public.metrics_collector c ON c.id = h.collector_id;

-- Raw samples (<family>_raw) and the aggregates (<family>_1m/_1h/_1d): see the columns in
-- docs/analytics.md. cpu is 'total' for the all-CPU line, 'cpu0', 'cpu1', ... otherwise.
-- whole_disk / physical: the device or interface counts in the host totals
-- (disk_total_*, network_total_*; metrics/host_totals.py).

CREATE VIEW analytics.cpu_raw WITH (security_barrier) AS
SELECT s.time, h.organization, h.collector, h.hostname, h.tags,
       CASE WHEN s.cpu < 0 THEN 'total' ELSE 'cpu' || s.cpu END AS cpu,
       s.user_pct, s.nice_pct, s.system_pct, s.iowait_pct, s.irq_pct, s.softirq_pct, s.steal_pct,
       s.idle_pct
FROM public.cpu_sample s
JOIN analytics_private.collector h ON h.collector_id = s.collector_id
WHERE s.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.cpu_1m WITH (security_barrier) AS
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
FROM public.cpu_1m a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.cpu_1h WITH (security_barrier) AS
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
FROM public.cpu_1h a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.cpu_1d WITH (security_barrier) AS
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
FROM public.cpu_1d a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.memory_raw WITH (security_barrier) AS
SELECT s.time, h.organization, h.collector, h.hostname, h.tags,
       s.mem_total_kb, s.mem_free_kb, s.mem_available_kb, s.mem_used_kb, s.mem_used_pct,
       s.buffers_kb, s.cached_kb, s.commit_kb, s.commit_pct, s.active_kb, s.inactive_kb, s.dirty_kb,
       s.swap_total_kb, s.swap_free_kb
FROM public.memory_sample s
JOIN analytics_private.collector h ON h.collector_id = s.collector_id
WHERE s.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.memory_1m WITH (security_barrier) AS
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
FROM public.memory_1m a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.memory_1h WITH (security_barrier) AS
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
FROM public.memory_1h a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.memory_1d WITH (security_barrier) AS
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
FROM public.memory_1d a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.disk_raw WITH (security_barrier) AS
SELECT s.time, h.organization, h.collector, h.hostname, h.tags,
       s.device, s.in_total AS whole_disk,
       s.tps, s.rtps, s.wtps, s.dtps, s.read_sectors_ps, s.written_sectors_ps,
       s.discarded_sectors_ps, s.util_pct, s.await_ms
FROM public.disk_sample s
JOIN analytics_private.collector h ON h.collector_id = s.collector_id
WHERE s.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.disk_1m WITH (security_barrier) AS
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
FROM public.disk_1m a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.disk_1h WITH (security_barrier) AS
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
FROM public.disk_1h a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.disk_1d WITH (security_barrier) AS
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
FROM public.disk_1d a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.network_raw WITH (security_barrier) AS
SELECT s.time, h.organization, h.collector, h.hostname, h.tags,
       s.interface, s.in_total AS physical,
       s.rx_packets_ps, s.tx_packets_ps, s.rx_kb_ps, s.tx_kb_ps, s.rx_compressed_ps,
       s.tx_compressed_ps, s.rx_multicast_ps, s.rx_errors_ps, s.tx_errors_ps, s.rx_drops_ps,
       s.tx_drops_ps, s.if_util_pct
FROM public.network_sample s
JOIN analytics_private.collector h ON h.collector_id = s.collector_id
WHERE s.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.network_1m WITH (security_barrier) AS
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
FROM public.network_1m a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.network_1h WITH (security_barrier) AS
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
FROM public.network_1h a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.network_1d WITH (security_barrier) AS
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
FROM public.network_1d a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.filesystem_raw WITH (security_barrier) AS
SELECT s.time, h.organization, h.collector, h.hostname, h.tags,
       s.mount,
       s.block_size, s.blocks_total, s.blocks_available, s.size_bytes, s.available_bytes, s.use_pct
FROM public.filesystem_sample s
JOIN analytics_private.collector h ON h.collector_id = s.collector_id
WHERE s.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.filesystem_1m WITH (security_barrier) AS
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
FROM public.filesystem_1m a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.filesystem_1h WITH (security_barrier) AS
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
FROM public.filesystem_1h a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.filesystem_1d WITH (security_barrier) AS
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
FROM public.filesystem_1d a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.disk_total_raw WITH (security_barrier) AS
SELECT s.time, h.organization, h.collector, h.hostname, h.tags,
       s.disks,
       s.tps, s.rtps, s.wtps, s.dtps, s.read_sectors_ps, s.written_sectors_ps,
       s.discarded_sectors_ps, s.util_pct, s.await_ms
FROM public.disk_total_sample s
JOIN analytics_private.collector h ON h.collector_id = s.collector_id
WHERE s.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.disk_total_1m WITH (security_barrier) AS
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
FROM public.disk_total_1m a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.disk_total_1h WITH (security_barrier) AS
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
FROM public.disk_total_1h a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.disk_total_1d WITH (security_barrier) AS
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
FROM public.disk_total_1d a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.network_total_raw WITH (security_barrier) AS
SELECT s.time, h.organization, h.collector, h.hostname, h.tags,
       s.interfaces,
       s.rx_packets_ps, s.tx_packets_ps, s.rx_kb_ps, s.tx_kb_ps, s.rx_compressed_ps,
       s.tx_compressed_ps, s.rx_multicast_ps, s.rx_errors_ps, s.tx_errors_ps, s.rx_drops_ps,
       s.tx_drops_ps
FROM public.network_total_sample s
JOIN analytics_private.collector h ON h.collector_id = s.collector_id
WHERE s.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.network_total_1m WITH (security_barrier) AS
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
FROM public.network_total_1m a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.network_total_1h WITH (security_barrier) AS
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
FROM public.network_total_1h a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();

CREATE VIEW analytics.network_total_1d WITH (security_barrier) AS
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
FROM public.network_total_1d a
JOIN analytics_private.collector h ON h.collector_id = a.collector_id
WHERE a.organization_id = analytics_private.organization_id();
