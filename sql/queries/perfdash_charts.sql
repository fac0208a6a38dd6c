-- The perf-dashboard's replay list (metrics/perfdash/captures.py). Its charts and capture
-- data read the dashboard's own chart queries (sql/queries/dashboard.sql).

-- name: perfdash_capture_summaries
-- One row per upload of the arrays (upload_ids, collector_ids, firsts, lasts: its
-- collector and the first and last tick its file held), over the buckets of the
-- requested level from the one holding first (width: the level's bucket width; NULL at
-- raw, where the bucket is the sample) to last:
--   avg_cpu: the mean CPU busy percent, 100 - idle of the total line (sum of sums / sum of
--     counts: exact at any level);
--   avg_memory: the mean over buckets of (total - available) / total x 100, available being
--     MemAvailable or, where it is missing or 0, MemFree + Buffers + Cached (the memory
--     chart's rule, metrics/perfdash/charts.py; exact at raw);
--   avg_disk_mibps: the mean read plus written MiB/s of the host total (sectors x 512);
--   network: whether a bucket of the network host total has a received rate.
-- NULL where no bucket has the value. Each subquery reads one collector's range of the
-- unique index (organization_id, collector_id, time[, cpu]) of cpu_sample, memory_sample,
-- disk_total_sample and network_total_sample at raw, or of the level's aggregate key
-- (organization_id, collector_id, bucket[, cpu]).
SELECT c.upload_id,
       (SELECT 100 - sum(idle_pct_sum) / nullif(sum(idle_pct_count), 0)
        FROM cpu_levels
        WHERE level = {level} AND organization_id = %(organization_id)s::bigint AND collector_id = c.collector_id
          AND bucket >= c.first_bucket AND bucket <= c.last AND cpu = -1)::float8 AS avg_cpu,
       (SELECT avg(100 * (mem_total_kb_avg - coalesce(nullif(mem_available_kb_avg, 0),
                                                      mem_free_kb_avg + buffers_kb_avg + cached_kb_avg))
                   / nullif(mem_total_kb_avg, 0))
        FROM memory_levels
        WHERE level = {level} AND organization_id = %(organization_id)s::bigint AND collector_id = c.collector_id
          AND bucket >= c.first_bucket AND bucket <= c.last)::float8 AS avg_memory,
       (SELECT (sum(read_sectors_ps_sum) / nullif(sum(read_sectors_ps_count), 0)
                + sum(written_sectors_ps_sum) / nullif(sum(written_sectors_ps_count), 0)) * 512 / 1048576
        FROM disk_total_levels
        WHERE level = {level} AND organization_id = %(organization_id)s::bigint AND collector_id = c.collector_id
          AND bucket >= c.first_bucket AND bucket <= c.last)::float8 AS avg_disk_mibps,
       EXISTS (SELECT FROM network_total_levels
               WHERE level = {level} AND organization_id = %(organization_id)s::bigint
                 AND collector_id = c.collector_id AND bucket >= c.first_bucket AND bucket <= c.last
                 AND rx_kb_ps_count > 0) AS network
FROM (
    SELECT upload_id, collector_id, coalesce(time_bucket(%(width)s::interval, first), first) AS first_bucket, last
    FROM unnest(%(upload_ids)s::bigint[], %(collector_ids)s::bigint[], %(firsts)s::timestamptz[],
                %(lasts)s::timestamptz[]) AS upload(upload_id, collector_id, first, last)
) c
