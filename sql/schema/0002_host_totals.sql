-- Host totals, one row per tick, written with the per-item rows of the same tick (and
-- rewritten with them when a late tick changes that tick's rates). Storing them makes the
-- headline charts and their aggregates read one row per tick instead of summing devices.
-- Which devices and interfaces count: metrics/host_totals.py.

CREATE TABLE disk_total_sample (
    organization_id      bigint NOT NULL,
    collector_id         bigint NOT NULL,
    time                 timestamptz NOT NULL,
    disks                smallint NOT NULL,     -- whole disks with rates in this tick
    tps                  double precision,
    rtps                 double precision,
    wtps                 double precision,
    dtps                 double precision,
    read_sectors_ps      double precision,
    written_sectors_ps   double precision,
    discarded_sectors_ps double precision,
    util_pct             double precision,      -- the busiest disk's %util
    await_ms             double precision,      -- over all reads and writes of the whole disks
    UNIQUE (organization_id, collector_id, time)
);
SELECT create_hypertable('disk_total_sample', 'time', chunk_time_interval => interval '1 day',
                         create_default_indexes => false);

CREATE TABLE network_total_sample (
    organization_id  bigint NOT NULL,
    collector_id     bigint NOT NULL,
    time             timestamptz NOT NULL,
    interfaces       smallint NOT NULL,         -- physical interfaces with rates in this tick
    rx_packets_ps    double precision,
    tx_packets_ps    double precision,
    rx_kb_ps         double precision,
    tx_kb_ps         double precision,
    rx_compressed_ps double precision,
    tx_compressed_ps double precision,
    rx_multicast_ps  double precision,
    rx_errors_ps     double precision,
    tx_errors_ps     double precision,
    rx_drops_ps      double precision,
    tx_drops_ps      double precision,
    UNIQUE (organization_id, collector_id, time)
);
SELECT create_hypertable('network_total_sample', 'time', chunk_time_interval => interval '1 day',
                         create_default_indexes => false);
