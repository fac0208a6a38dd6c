-- Trickle sessions (metrics/sessions.py, the TrickleSession model): one row per period a
-- collector streamed ticks, at most one `active` per collector (the partial unique index
-- trickle_session_one_active). A session's samples are not linked to it: they are its
-- collector's samples in [started_at, ended_at or last_data_at] (sample times).
-- A session's sample_count on completion is its collector's ticks in that window
-- (sample_tick's primary key (organization_id, collector_id, time), one range).

-- name: sessions_join
-- On a group of agent requests, in the ingest's transaction (which holds the collectors'
-- ingest locks, sql/queries/samples.sql), per collector of the group (one row each, in the
-- arrays %(collector_ids)s ...): records the agent's contact on the collector and, when its
-- requests stored ticks (stored > 0), joins the collector's active session or opens one (a
-- late tick older than its start moves the start back, so the session holds every tick it
-- counted). An active session idle for longer than %(idle)s (server time of its last
-- request) is completed first (ended_at = its last sample time), so the request opens a
-- new one: the UPDATE below takes the old row out of the partial unique index before the
-- INSERT's conflict check, which sees a row this statement deleted as gone. The upsert
-- is the concurrency guard: two requests cannot both open a session (the second one
-- joins the first one's; ON CONFLICT retries when the row it found was completed meanwhile).
-- The INSERT reads from `idle` so that the completion runs before it (data-modifying CTEs
-- otherwise run in no set order); `contact` runs whatever the rest does.
-- Returns (collector id, session id) for each collector whose requests stored ticks.
WITH joining AS (
    SELECT * FROM unnest(%(organization_ids)s::bigint[], %(collector_ids)s::bigint[], %(session_names)s::text[],
                         %(firsts)s::bigint[], %(lasts)s::bigint[], %(stored)s::int[])
                  AS j(organization_id, collector_id, session_name, first, last, stored)
), contact AS (
    UPDATE metrics_collector SET last_contact_at = now() WHERE id IN (SELECT collector_id FROM joining)
    RETURNING 1
), idle AS (
    UPDATE metrics_tricklesession s
    SET status = 'completed', ended_at = s.last_data_at,
        sample_count = (SELECT count(*) FROM sample_tick t
                        WHERE t.organization_id = s.organization_id AND t.collector_id = s.collector_id
                          AND t.time >= s.started_at AND t.time <= s.last_data_at)
    FROM joining j
    WHERE s.collector_id = j.collector_id AND s.status = 'active' AND j.stored > 0
      AND s.last_received_at < now() - %(idle)s::interval
    RETURNING 1
)
INSERT INTO metrics_tricklesession AS s (id, organization_id, collector_id, status, name, started_at,
                                         last_data_at, last_received_at, sample_count)
SELECT gen_random_uuid(), j.organization_id, j.collector_id, 'active', j.session_name,
       to_timestamp(j.first), to_timestamp(j.last), now(), j.stored
FROM joining j, (SELECT count(*) FROM idle) idle_completed_first
WHERE j.stored > 0
ORDER BY j.collector_id
ON CONFLICT (collector_id) WHERE status = 'active' DO UPDATE
SET started_at = least(s.started_at, EXCLUDED.started_at), last_data_at = greatest(s.last_data_at, EXCLUDED.last_data_at),
    last_received_at = EXCLUDED.last_received_at, sample_count = s.sample_count + EXCLUDED.sample_count
RETURNING s.collector_id, s.id

-- name: sessions_complete
-- Completes active sessions: status completed, ended_at = the last sample time,
-- sample_count = the ticks in the window, name replaced when %(session_name)s is not empty.
-- Which ones: each filter applies when its parameter is not NULL: one session
-- (%(session_id)s, the complete endpoint), an organization's (check-inactive), those
-- whose last request came before %(idle_before)s (check-inactive, the upkeep). Reads only
-- active rows (one per collector at most) through the partial index
-- trickle_session_one_active. Returns each completed session with its collector's name.
UPDATE metrics_tricklesession s
SET status = 'completed', ended_at = s.last_data_at, name = coalesce(nullif(%(session_name)s::text, ''), s.name),
    sample_count = (SELECT count(*) FROM sample_tick t
                    WHERE t.organization_id = s.organization_id AND t.collector_id = s.collector_id
                      AND t.time >= s.started_at AND t.time <= s.last_data_at)
FROM metrics_collector c
WHERE s.status = 'active' AND c.id = s.collector_id
  AND (%(session_id)s::uuid IS NULL OR s.id = %(session_id)s::uuid)
  AND (%(organization_id)s::bigint IS NULL OR s.organization_id = %(organization_id)s::bigint)
  AND (%(idle_before)s::timestamptz IS NULL OR s.last_received_at < %(idle_before)s::timestamptz)
RETURNING s.id, c.name AS collector_name, s.ended_at, s.sample_count

-- name: sessions_active
-- The organization's active sessions (§7.3), collectors newest first, each with the mean
-- CPU busy percent and memory used percent of its collector's newest (at most 10) ticks
-- of the last 5 minutes: two backward probes of the unique indexes (organization_id,
-- collector_id, time[, cpu]) of cpu_sample and memory_sample per session.
SELECT s.id, c.uuid AS collector_uuid, c.name AS collector_name, s.started_at, s.last_data_at, s.ended_at,
       s.sample_count, cpu.busy_pct, memory.used_pct
FROM metrics_tricklesession s
JOIN metrics_collector c ON c.id = s.collector_id
LEFT JOIN LATERAL (
    SELECT avg(100 - idle_pct) AS busy_pct FROM (
        SELECT idle_pct FROM cpu_sample
        WHERE organization_id = s.organization_id AND collector_id = s.collector_id AND cpu = -1
          AND time > now() - interval '5 minutes' AND idle_pct IS NOT NULL
        ORDER BY time DESC LIMIT 10) newest) cpu ON true
LEFT JOIN LATERAL (
    SELECT avg(mem_used_kb) / nullif((array_agg(mem_total_kb ORDER BY time DESC))[1], 0) * 100 AS used_pct
    FROM (
        SELECT time, mem_used_kb, mem_total_kb FROM memory_sample
        WHERE organization_id = s.organization_id AND collector_id = s.collector_id
          AND time > now() - interval '5 minutes'
        ORDER BY time DESC LIMIT 10) newest) memory ON true
WHERE s.organization_id = %(organization_id)s::bigint AND s.status = 'active'
ORDER BY c.created_at DESC, c.id DESC

-- name: sessions_of_collector
-- A collector's sessions of the given statuses, newest first (§7.5), ready to serialise (a
-- year of sessions is 8,760 rows: formatting them here costs a fraction of Python's
-- isoformat and str(uuid)): id, name, status, the UTC date of the start, started_at and
-- ended_at in the contract's offset style (microseconds only when there are some),
-- sample_count, duration in seconds (§2.3). Index trickle_session_history
-- (collector_id, status, started_at DESC).
SELECT id::text, name, status, (started_at AT TIME ZONE 'UTC')::date::text AS day,
       replace(to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US+00:00'), '.000000+', '+'),
       replace(to_char(ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US+00:00'), '.000000+', '+'),
       sample_count, extract(epoch FROM coalesce(ended_at, last_data_at) - started_at)::float8
FROM metrics_tricklesession
WHERE collector_id = %(collector_id)s::bigint AND status = ANY(%(statuses)s::text[])
ORDER BY started_at DESC, id

-- name: session_dates
-- The UTC dates on which a collector's sessions of the given statuses started, newest
-- first, with how many started that day (§7.6): an index-only range of
-- trickle_session_history per status.
SELECT (started_at AT TIME ZONE 'UTC')::date AS day, count(*) AS sessions
FROM metrics_tricklesession
WHERE collector_id = %(collector_id)s::bigint AND status = ANY(%(statuses)s::text[])
GROUP BY 1
ORDER BY 1 DESC

-- name: collector_trickle_status
-- One collector's streaming state (§7.2): its ticks of the last 5 minutes of sample time
-- (a range of sample_tick's primary key) and all its ticks with a /proc/stat sample,
-- counted from the daily CPU aggregate (cpu_levels at 1d: under the Apache edition its
-- view adds the days not yet materialised), which retention keeps when raw ticks are
-- gone and which costs one row per day instead of one per tick.
SELECT (SELECT count(*) FROM sample_tick
        WHERE organization_id = %(organization_id)s::bigint AND collector_id = %(collector_id)s::bigint
          AND time > now() - interval '5 minutes') AS recent,
       (SELECT coalesce(sum(samples), 0) FROM cpu_levels
        WHERE level = '1d' AND organization_id = %(organization_id)s::bigint
          AND collector_id = %(collector_id)s::bigint AND cpu = -1) AS total
