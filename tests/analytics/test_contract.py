"""The analytics views are the analysts' contract: these names, these columns, in this order.
A change here is a change of the public interface (docs/analytics.md)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

FAMILIES = ("cpu", "memory", "disk", "network", "filesystem", "disk_total", "network_total")
LEVELS = ("1m", "1h", "1d")
HOST = ["organization", "collector", "hostname", "tags"]
METRICS = {
    "cpu": ["user_pct", "nice_pct", "system_pct", "iowait_pct", "irq_pct", "softirq_pct", "steal_pct", "idle_pct"],
    "memory": ["mem_total_kb", "mem_free_kb", "mem_available_kb", "mem_used_kb", "mem_used_pct", "buffers_kb",
               "cached_kb", "commit_kb", "commit_pct", "active_kb", "inactive_kb", "dirty_kb", "swap_total_kb",
               "swap_free_kb"],
    "disk": ["tps", "rtps", "wtps", "dtps", "read_sectors_ps", "written_sectors_ps", "discarded_sectors_ps",
             "util_pct", "await_ms"],
    "network": ["rx_packets_ps", "tx_packets_ps", "rx_kb_ps", "tx_kb_ps", "rx_compressed_ps", "tx_compressed_ps",
                "rx_multicast_ps", "rx_errors_ps", "tx_errors_ps", "rx_drops_ps", "tx_drops_ps", "if_util_pct"],
    "filesystem": ["block_size", "blocks_total", "blocks_available", "size_bytes", "available_bytes", "use_pct"],
}
METRICS["disk_total"] = METRICS["disk"]
METRICS["network_total"] = METRICS["network"][:-1]  # no if_util_pct for the sum of interfaces
RAW_ITEMS = {"cpu": ["cpu"], "disk": ["device", "whole_disk"], "network": ["interface", "physical"],
             "filesystem": ["mount"], "disk_total": ["disks"], "network_total": ["interfaces"]}
AGGREGATE_ITEMS = {"cpu": ["cpu"], "disk": ["device"], "network": ["interface"], "filesystem": ["mount"]}
STATISTICS = ("avg", "min", "max", "last", "sum", "count")
HOSTS = HOST + ["description", "ip_address", "os_name", "os_version", "kernel_version", "cpu_model", "vcpus",
                "memory_bytes", "storage_bytes", "storage_type", "cloud_provider", "region", "instance_type",
                "hourly_cost", "created_at", "last_seen"]


def _contract() -> dict[str, list[str]]:
    views = {"hosts": HOSTS}
    for family in FAMILIES:
        views[f"{family}_raw"] = ["time", *HOST, *RAW_ITEMS.get(family, []), *METRICS[family]]
        for level in LEVELS:
            views[f"{family}_{level}"] = ["time", *HOST, *AGGREGATE_ITEMS.get(family, []), "samples",
                                          *(f"{metric}_{statistic}" for metric in METRICS[family]
                                            for statistic in STATISTICS)]
    return views


TIME_SERIES = [name for name in _contract() if name != "hosts"]


def _columns() -> dict[str, list[tuple[str, str]]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name, column_name, data_type FROM information_schema.columns"
                       " WHERE table_schema = 'analytics' ORDER BY table_name, ordinal_position")
        columns: dict[str, list[tuple[str, str]]] = {}
        for table, column, data_type in cursor.fetchall():
            columns.setdefault(table, []).append((column, data_type))
    return columns


def test_it_has_exactly_the_views_of_the_contract_with_their_columns_in_order():
    actual = {view: [name for name, _ in columns] for view, columns in _columns().items()}
    assert actual == _contract()


def test_it_gives_every_time_series_a_timestamptz_time_column_and_human_host_columns():
    columns = _columns()
    for view in TIME_SERIES:
        types = dict(columns[view])
        assert types["time"] == "timestamp with time zone", view
        assert (types["organization"], types["collector"], types["hostname"], types["tags"]) == \
            ("character varying", "character varying", "character varying", "ARRAY"), view


def test_it_exposes_no_internal_id():
    for view, columns in _columns().items():
        assert not [name for name, _ in columns if name == "id" or name.endswith("_id") or name == "counters"], view


def test_it_makes_every_view_a_security_barrier_owned_by_the_migration_user():
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname, c.relkind, coalesce(c.reloptions, '{}'), pg_get_userbyid(c.relowner)"
                       " FROM pg_class c WHERE c.relnamespace = 'analytics'::regnamespace")
        rows = cursor.fetchall()
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
    assert {name for name, *_ in rows} == set(_contract())
    for name, kind, options, view_owner in rows:
        assert (kind, view_owner) == ("v", owner), name
        assert "security_barrier=true" in options, name
