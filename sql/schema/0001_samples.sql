-- Raw samples: one hypertable per metric family, partitioned on time (1-day chunks, see
-- docs/storage.md). Every row carries organization_id (tenancy by rows) and collector_id
-- (metrics_collector.id; no foreign key: deleting a collector deletes its samples in
-- metrics.samples.samples_delete, which also reaches the aggregates).
--
-- Counter families (cpu, disk, network) keep the raw counters of each tick beside the
-- rates computed from them: they are the state the next tick's rates need, and the state
-- a late or out-of-order tick needs to be placed between its neighbours.
-- Rates are NULL where there is none: a host's first tick, a counter that went down, an
-- item absent from the previous tick.

-- One row per tick received: re-sending a tick is detected here, and a tick's
-- neighbours (previous and next tick in time) are found here.
CREATE TABLE sample_tick (
    organization_id bigint NOT NULL,
    collector_id    bigint NOT NULL,
    time            timestamptz NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    -- Unique key and the index of the neighbour lookups (ORDER BY time DESC LIMIT 1).
    PRIMARY KEY (organization_id, collector_id, time)
);
SELECT create_hypertable('sample_tick', 'time', chunk_time_interval => interval '1 day',
                         create_default_indexes => false);

CREATE TABLE cpu_sample (
    organization_id bigint NOT NULL,
    collector_id    bigint NOT NULL,
    time            timestamptz NOT NULL,
    cpu             smallint NOT NULL,          -- -1: the `cpu` total line; k: `cpuk`
    counters        bigint[] NOT NULL,          -- jiffies: user .. guest_nice (metrics.procfs.CPU_FIELDS)
    user_pct        double precision,
    nice_pct        double precision,
    system_pct      double precision,
    iowait_pct      double precision,
    irq_pct         double precision,
    softirq_pct     double precision,
    steal_pct       double precision,
    idle_pct        double precision,
    -- Unique key; also serves every chart query (collector, time range, all cpus).
    UNIQUE (organization_id, collector_id, time, cpu)
);
SELECT create_hypertable('cpu_sample', 'time', chunk_time_interval => interval '1 day',
                         create_default_indexes => false);

CREATE TABLE memory_sample (
    organization_id  bigint NOT NULL,
    collector_id     bigint NOT NULL,
    time             timestamptz NOT NULL,
    mem_total_kb     bigint NOT NULL,
    mem_free_kb      bigint,
    mem_available_kb bigint,
    mem_used_kb      bigint,
    mem_used_pct     double precision,
    buffers_kb       bigint,
    cached_kb        bigint,
    commit_kb        bigint,
    commit_pct       double precision,
    active_kb        bigint,
    inactive_kb      bigint,
    dirty_kb         bigint,
    swap_total_kb    bigint,
    swap_free_kb     bigint,
    UNIQUE (organization_id, collector_id, time)
);
SELECT create_hypertable('memory_sample', 'time', chunk_time_interval => interval '1 day',
                         create_default_indexes => false);

CREATE TABLE disk_sample (
    organization_id      bigint NOT NULL,
    collector_id         bigint NOT NULL,
    time                 timestamptz NOT NULL,
    device               text NOT NULL,
    -- Counted in the host total: a whole disk, not a partition, loop, ram, dm or md
    -- device (metrics.host_totals).
    in_total             boolean NOT NULL,
    counters             bigint[] NOT NULL,     -- metrics.procfs.DISK_FIELDS
    tps                  double precision,
    rtps                 double precision,
    wtps                 double precision,
    dtps                 double precision,
    read_sectors_ps      double precision,
    written_sectors_ps   double precision,
    discarded_sectors_ps double precision,
    util_pct             double precision,
    await_ms             double precision,
    UNIQUE (organization_id, collector_id, time, device)
);
SELECT create_hypertable('disk_sample', 'time', chunk_time_interval => interval '1 day',
                         create_default_indexes => false);

CREATE TABLE network_sample (
    organization_id  bigint NOT NULL,
    collector_id     bigint NOT NULL,
    time             timestamptz NOT NULL,
    interface        text NOT NULL,
    -- Counted in the host total: a physical interface, not lo, docker, veth, bridges
    -- (metrics.host_totals).
    in_total         boolean NOT NULL,
    counters         bigint[] NOT NULL,         -- metrics.procfs.NET_FIELDS
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
    if_util_pct      double precision,
    UNIQUE (organization_id, collector_id, time, interface)
);
SELECT create_hypertable('network_sample', 'time', chunk_time_interval => interval '1 day',
                         create_default_indexes => false);

CREATE TABLE filesystem_sample (
    organization_id  bigint NOT NULL,
    collector_id     bigint NOT NULL,
    time             timestamptz NOT NULL,
    mount            text NOT NULL,
    block_size       bigint NOT NULL,
    blocks_total     bigint NOT NULL,
    blocks_available bigint NOT NULL,
    size_bytes       bigint NOT NULL,
    available_bytes  bigint NOT NULL,
    use_pct          double precision,
    UNIQUE (organization_id, collector_id, time, mount)
);
SELECT create_hypertable('filesystem_sample', 'time', chunk_time_interval => interval '1 day',
                         create_default_indexes => false);
