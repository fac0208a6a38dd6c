-- xat_aggregate_watermark (0003_aggregates_common.sql) in PL/pgSQL: same result, same
-- STABLE volatility, same (caller's) rights. TimescaleDB evaluates the watermark once per
-- chunk when it excludes chunks at a query's start; a SQL-language function whose body
-- holds a subquery is never inlined and plans that body again on each evaluation, while
-- PL/pgSQL keeps its plan for the session. A 30-day network chart over 31 daily chunks
-- per hypertable: 11-12 ms to 7 ms (docs/performance.md, "Dashboard").
CREATE OR REPLACE FUNCTION xat_aggregate_watermark(aggregate_level text) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN coalesce((SELECT materialized_until FROM aggregate_watermark WHERE level = aggregate_level),
                    '1970-01-01 00:00:00+00'::timestamptz);
END
$$;
