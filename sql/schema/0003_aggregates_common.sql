-- Bookkeeping of the aggregates kept by XAT itself under the Apache edition
-- (0004_aggregates_apache.sql, metrics/aggregates.py). The tables exist under both editions
-- because ingest's one write statement logs invalidations through them; under the
-- Community edition aggregate_watermark stays empty, so nothing is ever logged.

CREATE TABLE aggregate_watermark (
    level              text PRIMARY KEY CHECK (level IN ('1m', '1h', '1d')),
    -- Buckets below this are read from aggregate_store.*; the rest are computed on the fly.
    -- The epoch to start with: no sample is older (ingest refuses times before 2000).
    materialized_until timestamptz NOT NULL DEFAULT '1970-01-01 00:00:00+00',
    -- Writes of sample times below this must be logged in aggregate_invalidation: the
    -- refresher moves it first, then materialises up to it, then moves materialized_until.
    pending_until      timestamptz NOT NULL DEFAULT '1970-01-01 00:00:00+00'
);

-- Ranges of sample time whose buckets must be computed again (late ticks, uploads,
-- deletions), per level and collector; consumed by the refresher.
CREATE TABLE aggregate_invalidation (
    id              bigserial PRIMARY KEY,
    level           text NOT NULL CHECK (level IN ('1m', '1h', '1d')),
    organization_id bigint NOT NULL,
    collector_id    bigint NOT NULL,
    range_start     timestamptz NOT NULL,
    range_end       timestamptz NOT NULL     -- inclusive: the last sample time changed
);

-- STABLE, so that TimescaleDB excludes chunks below the watermark when a query starts.
CREATE FUNCTION xat_aggregate_watermark(aggregate_level text) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT materialized_until FROM aggregate_watermark WHERE level = aggregate_level),
                    '1970-01-01 00:00:00+00'::timestamptz)
$$;
