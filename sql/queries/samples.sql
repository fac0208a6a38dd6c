-- Writing and reading raw samples (sql/schema/0001_samples.sql, 0002_host_totals.sql,
-- 0007_collector_tick_state.sql). Times travel as Unix seconds (bigint) and become
-- timestamptz here, once. Ingest (metrics/ingest.py) costs the lock (which finds the
-- collector and reads its tick state), then samples_write per slice of at most
-- TICKS_PER_WRITE ticks (one slice for any request of pcc's), with ticks_place before it
-- when a tick of the slice arrives late (older than the collector's newest): a
-- statement's work never grows with the request. samples_write is generated from the
-- catalogue, in sql/queries/samples_write.sql (sql/generate.py): rows travel as one JSON
-- array per family, expanded by json_to_recordset.

-- name: collector_ingest_lock
-- Finds the collector a batch is for and serialises ingest per collector for the
-- transaction, so two requests cannot both miss each other's tick when they look for
-- their neighbours; returns the collector's id and identifier and its tick state (its
-- newest tick and that tick's counters; NULLs when it has none), no row when there is no
-- such collector. The collector: by id (%(collector_id)s, within the organization), or
-- when that is NULL by the organization's identifier (index collector_identifier_unique),
-- as an agent's request names it: the lookup and the lock in one round trip.
-- Also holds the aggregate watermark lock shared (sql/queries/aggregates.sql), and lets
-- the transaction reuse the generic plans of the prepared ingest statements: their custom
-- plans, re-made on each run for hypertables, cost more than running them.
-- The state is read after the locks (the OFFSET 0 keeps them in their own node, run
-- first) and FOR NO KEY UPDATE, which returns the row's newest committed version: this
-- statement's snapshot was taken before it waited for the lock, so a plain read could
-- return what the request it waited for replaced. A state inserted by that request is
-- not seen: ingest then looks in the hypertables (ticks_place, a statement of its own).
SELECT locked.id, locked.identifier, extract(epoch FROM state.time)::bigint, state.counters::text
FROM (SELECT c.id, c.identifier,
             pg_advisory_xact_lock(c.id),
             pg_advisory_xact_lock_shared(1482, 1),
             set_config('plan_cache_mode', 'force_generic_plan', true)
      FROM metrics_collector c
      WHERE c.id = (SELECT id FROM metrics_collector
                    WHERE id = %(collector_id)s::bigint AND organization_id = %(organization_id)s::bigint
                    UNION ALL
                    SELECT id FROM metrics_collector
                    WHERE %(collector_id)s::bigint IS NULL AND organization_id = %(organization_id)s::bigint
                      AND identifier = %(identifier)s::text AND identifier <> '')
      OFFSET 0) locked
LEFT JOIN LATERAL (
    SELECT time, counters FROM collector_tick_state WHERE collector_id = locked.id
    FOR NO KEY UPDATE) state ON true

-- name: collectors_ingest_lock
-- A group of agent requests (metrics/ingest_groups.py): takes the ingest lock of each of
-- its collectors (%(collector_ids)s), in id order so that two groups never wait for each
-- other in a cycle, and returns each one's id, identifier and tick state as
-- collector_ingest_lock does (primary key lookups); no row for a collector that is gone.
-- Same reasons for the shared watermark lock, the generic plans and the state read after
-- the locks (FOR NO KEY UPDATE) as collector_ingest_lock.
SELECT locked.id, locked.identifier, extract(epoch FROM state.time)::bigint, state.counters::text
FROM (SELECT c.id, c.identifier,
             pg_advisory_xact_lock(c.id),
             pg_advisory_xact_lock_shared(1482, 1),
             set_config('plan_cache_mode', 'force_generic_plan', true)
      FROM (SELECT id, identifier FROM metrics_collector
            WHERE id = ANY(%(collector_ids)s::bigint[]) ORDER BY id OFFSET 0) c
      OFFSET 0) locked
LEFT JOIN LATERAL (
    SELECT time, counters FROM collector_tick_state WHERE collector_id = locked.id
    FOR NO KEY UPDATE) state ON true

-- name: collectors_without_ticks
-- Of a group's collectors that collectors_ingest_lock found without a tick state (their
-- ingest locks held now), those that have stored no tick at all: a new host's first ticks
-- go to the group's COPY rather than through ticks_place. Read by a statement of its own,
-- after the locks: collectors_ingest_lock's snapshot was taken before it waited for them,
-- and may miss the first ticks another group committed meanwhile. Primary key lookups
-- (collector_tick_state; sample_tick by organization and collector, one index descent a
-- chunk).
SELECT c.collector_id
FROM unnest(%(organization_ids)s::bigint[], %(collector_ids)s::bigint[]) AS c(organization_id, collector_id)
WHERE NOT EXISTS (SELECT 1 FROM collector_tick_state s WHERE s.collector_id = c.collector_id)
  AND NOT EXISTS (SELECT 1 FROM sample_tick t
                  WHERE t.organization_id = c.organization_id AND t.collector_id = c.collector_id)

-- name: sample_table_columns
-- The columns of the raw sample tables (%(tables)s) and their type oids, from the
-- catalog: what a binary COPY into them sends (metrics/sample_copy.py). Read once per
-- process.
SELECT c.relname::text, a.attname::text, a.atttypid::int
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relname = ANY(%(tables)s::text[]) AND c.relnamespace = 'public'::regnamespace
  AND a.attnum > 0 AND NOT a.attisdropped

-- name: samples_copy
-- A group's new rows of one raw sample table, in binary (metrics/sample_copy.py: the
-- table and its columns are composed in as identifiers). Only ticks newer than their
-- collector's newest come this way (nothing to conflict with); late ones go through
-- ticks_place and samples_write.
COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)

-- name: samples_group_finish
-- After a group's COPY (metrics/ingest_groups.py), per collector that got ticks newer
-- than its newest: moves its tick state to its newest tick (%(state_times)s, and
-- %(state_counters)s: a JSON array, one element per collector in the same order), its
-- last_seen along, and logs the new ticks' time range for the aggregates when it lies
-- below the 1m watermark, as samples_write does for one batch.
-- Primary key updates; the collectors are locked by collectors_ingest_lock.
-- Returns the tick states moved.
WITH changed AS (
    SELECT c.organization_id, c.collector_id, c.first_time, c.state_time, s.state_counters
    FROM unnest(%(organization_ids)s::bigint[], %(collector_ids)s::bigint[], %(first_times)s::bigint[],
                %(state_times)s::bigint[]) WITH ORDINALITY AS c(organization_id, collector_id, first_time, state_time, n)
    JOIN json_array_elements(%(state_counters)s::json) WITH ORDINALITY AS s(state_counters, n) USING (n)
), state AS (
    INSERT INTO collector_tick_state (collector_id, time, counters)
    SELECT collector_id, to_timestamp(state_time), state_counters FROM changed
    ON CONFLICT (collector_id) DO UPDATE SET time = EXCLUDED.time, counters = EXCLUDED.counters
    WHERE collector_tick_state.time < EXCLUDED.time
    RETURNING 1
), invalidated AS (
    INSERT INTO aggregate_invalidation (level, organization_id, collector_id, range_start, range_end)
    SELECT w.level, c.organization_id, c.collector_id, to_timestamp(c.first_time), to_timestamp(c.state_time)
    FROM changed c JOIN aggregate_watermark w ON w.level = '1m' AND w.pending_until > to_timestamp(c.first_time)
    RETURNING 1
), seen AS (
    UPDATE metrics_collector m SET last_seen = to_timestamp(c.state_time)
    FROM changed c
    WHERE m.id = c.collector_id AND (m.last_seen IS NULL OR m.last_seen < to_timestamp(c.state_time))
    RETURNING 1
)
SELECT (SELECT count(*) FROM state), (SELECT count(*) FROM invalidated), (SELECT count(*) FROM seen)

-- name: ticks_place
-- For a batch with late ticks (or a collector without a tick state): records the ticks and
-- returns what placing them needs, in one statement:
--   ('tick', t, previous, next, new): for each tick of the batch, the closest stored ticks
--       before and after it (as stored before this statement) and whether it is new;
--   ('cpu'|'disk'|'network', t, item, counters): the counters stored at those neighbours.
-- Every lookup descends a primary key or unique index (organization, collector, time...).
WITH batch AS (
    SELECT DISTINCT unnest(%(times)s::bigint[]) AS t
), inserted AS (
    INSERT INTO sample_tick (organization_id, collector_id, time)
    SELECT %(organization_id)s::bigint, %(collector_id)s::bigint, to_timestamp(t) FROM batch
    ON CONFLICT DO NOTHING
    RETURNING extract(epoch FROM time)::bigint AS t
), placed AS (
    SELECT b.t,
           (SELECT s.time FROM sample_tick s
            WHERE s.organization_id = %(organization_id)s::bigint AND s.collector_id = %(collector_id)s::bigint
              AND s.time < to_timestamp(b.t)
            ORDER BY s.time DESC LIMIT 1) AS previous,
           (SELECT s.time FROM sample_tick s
            WHERE s.organization_id = %(organization_id)s::bigint AND s.collector_id = %(collector_id)s::bigint
              AND s.time > to_timestamp(b.t)
            ORDER BY s.time LIMIT 1) AS next
    FROM batch b
), neighbour AS (
    -- LATERAL lookups below: one index descent per neighbour and family (a plain join
    -- would read every row of the collector).
    SELECT time, extract(epoch FROM time)::bigint AS t FROM (
        SELECT previous AS time FROM placed WHERE previous IS NOT NULL
        UNION
        SELECT next FROM placed WHERE next IS NOT NULL) times
)
SELECT 'tick', p.t, extract(epoch FROM p.previous)::bigint, extract(epoch FROM p.next)::bigint,
       EXISTS (SELECT 1 FROM inserted i WHERE i.t = p.t), NULL, NULL::bigint[]
FROM placed p
UNION ALL
SELECT 'cpu', n.t, NULL, NULL, NULL, c.cpu::text, c.counters
FROM neighbour n CROSS JOIN LATERAL (
    SELECT cpu, counters FROM cpu_sample WHERE organization_id = %(organization_id)s::bigint
       AND collector_id = %(collector_id)s::bigint AND time = n.time OFFSET 0) c
UNION ALL
SELECT 'disk', n.t, NULL, NULL, NULL, d.device, d.counters
FROM neighbour n CROSS JOIN LATERAL (
    SELECT device, counters FROM disk_sample WHERE organization_id = %(organization_id)s::bigint
       AND collector_id = %(collector_id)s::bigint AND time = n.time OFFSET 0) d
UNION ALL
SELECT 'network', n.t, NULL, NULL, NULL, w.interface, w.counters
FROM neighbour n CROSS JOIN LATERAL (
    SELECT interface, counters FROM network_sample WHERE organization_id = %(organization_id)s::bigint
       AND collector_id = %(collector_id)s::bigint AND time = n.time OFFSET 0) w

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
     nt AS (DELETE FROM network_total_sample WHERE organization_id = (SELECT organization_id FROM owner) AND collector_id = %(collector_id)s),
     s AS (DELETE FROM collector_tick_state WHERE collector_id = %(collector_id)s)
DELETE FROM filesystem_sample WHERE organization_id = (SELECT organization_id FROM owner) AND collector_id = %(collector_id)s

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
