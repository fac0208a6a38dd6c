"""The catalogue (metrics/catalogue.py) and the modules that still keep data of their own
agree, so that a metric is not added in one place only: ingest's families, the
pcprocess files' headers (copied from real trees), the host totals' rules beyond a sum, and
the dashboard series the perf dashboard converts. Ingest's column lists, pcprocess's column
maps and the host totals' sums are read from the catalogue itself."""

from metrics import catalogue, host_totals, ingest, pcprocess
from metrics.perfdash.charts import CONVERSIONS


def test_it_writes_every_family_of_the_catalogue():
    # ingest's column lists are the catalogue's; the order of its families is samples_write's.
    assert set(ingest.SampleRows.FAMILIES) == set(catalogue.FAMILIES)


def test_it_finds_the_catalogues_pcprocess_columns_in_pcprocess_headers():
    # The exported tree writes each file's header as it is and its values in the map's order.
    for tree_file in pcprocess.TREE:
        assert tree_file.names == ["timestamp", *([tree_file.item] if tree_file.item else []), *tree_file.columns]


def test_it_totals_every_metric_the_catalogue_gives_a_host_total_rule():
    # disk_total writes its %util ("max") and await ("io_weighted") by hand.
    assert tuple(host_totals.disk_total({})) == catalogue.DISK_TOTAL.columns()
    assert tuple(host_totals.network_total({})) == catalogue.NETWORK_TOTAL.columns()


def test_it_converts_only_series_the_dashboard_charts():
    for family, conversion in CONVERSIONS.items():
        charted = {metric.dashboard for metric in catalogue.FAMILIES[family].metrics if metric.dashboard}
        assert set(conversion.needs) <= charted, family
