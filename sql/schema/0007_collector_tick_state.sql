-- The newest stored tick of each collector with its counters: where the next tick's rates
-- come from when ticks arrive in order (nearly always), so that placing a tick reads one
-- row of a plain table. Looking the neighbour up in the hypertables instead
-- (sql/queries/samples.sql, ticks_place) costs more with every chunk they hold: a generic
-- plan starts one index scan per chunk and per family (2 ms per tick with 31 daily chunks
-- against 0.2 ms with one), and a custom plan re-plans them all (5 ms).
--
-- A cache of what sample_tick and the counter families hold, never the only copy: written
-- by samples_write in the ingest transaction, under the collector's ingest lock, only ever
-- moving forward in time. Without a row (a new collector), ingest looks in the hypertables.
CREATE TABLE collector_tick_state (
    collector_id bigint PRIMARY KEY,
    time         timestamptz NOT NULL,
    -- {"cpu": {"-1": [jiffies...], "0": [...]}, "disk": {"sda": [...]}, "network": {"eth0": [...]}}:
    -- json, not jsonb: stored and returned as the text ingest wrote, with no parsing.
    counters     json NOT NULL
) WITH (fillfactor = 50);  -- one update per tick: room on the page for HOT updates
