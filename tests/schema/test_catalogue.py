"""The catalogue (metrics/catalogue.py) and the lists written elsewhere before it agree, so
that a metric is not added in one place only while those modules still keep their own
lists (ingest's columns, pcprocess's CSV map, the host totals' sums)."""

from metrics import catalogue, host_totals, ingest, pcprocess


def _columns(family: catalogue.Family, **having) -> tuple[str, ...]:
    return tuple(metric.column for metric in family.metrics
                 if all(getattr(metric, field) == value for field, value in having.items()))


def test_it_names_the_columns_ingest_writes():
    assert ingest.CPU_RATES == _columns(catalogue.CPU, kind="rate")
    assert ingest.DISK_RATES == _columns(catalogue.DISK, kind="rate")
    assert ingest.NETWORK_RATES == _columns(catalogue.NETWORK, kind="rate")
    assert ingest.MEMORY_GAUGES == _columns(catalogue.MEMORY, kind="gauge")
    assert ingest.FILESYSTEM_GAUGES == _columns(catalogue.FILESYSTEM, kind="gauge")
    assert set(ingest.SampleRows.FAMILIES) == set(catalogue.FAMILIES)
    assert ingest.SampleRows.ITEM_COLUMNS == {name: family.item.column
                                              for name, family in catalogue.FAMILIES.items() if family.item}


def test_it_maps_pcprocess_columns_as_its_tree_does():
    families = (catalogue.CPU, catalogue.MEMORY, catalogue.NETWORK, catalogue.DISK, catalogue.FILESYSTEM)
    tree = (pcprocess.STAT, pcprocess.MEMINFO, pcprocess.NET_DEV, pcprocess.DISKSTATS, pcprocess.STATFS)
    assert tree == pcprocess.TREE
    for tree_file, family in zip(tree, families, strict=True):
        assert tree_file.columns == {metric.pcprocess: metric.column for metric in family.metrics if metric.pcprocess}


def test_it_sums_the_host_totals_host_totals_sums():
    assert host_totals.DISK_TOTAL_SUMS == _columns(catalogue.DISK, host_total="sum")
    assert host_totals.NETWORK_TOTAL_SUMS == _columns(catalogue.NETWORK, host_total="sum")
    assert _columns(catalogue.DISK_TOTAL) == _columns(catalogue.DISK, host_total="sum") + ("util_pct", "await_ms")
