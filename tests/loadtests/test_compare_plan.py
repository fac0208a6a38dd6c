"""The compare endpoint's query (sql/queries/loadtests.sql, loadtest_newest_per_collector)
as the application runs it (generic plan): one probe of loadtest_collector_newest per
compared collector, whatever the history of load tests around them."""

import pytest
from django.db import connection

from metrics.loadtests.models import LoadTest
from metrics.models import Collector
from tests.plans import explain_prepared
from tests.personas import team_make
from xat import sqlfiles

pytestmark = pytest.mark.django_db


def rows_read(query: str, params: dict) -> dict[str, int]:
    """{index (or "Seq Scan on <table>"): rows it returned or discarded, over all its loops}."""
    (plan,), = explain_prepared(sqlfiles.query(query), params, options="ANALYZE, FORMAT JSON")
    reads: dict[str, int] = {}

    def walk(node):
        if "Scan" in node["Node Type"]:
            name = node.get("Index Name") or f"{node['Node Type']} on {node.get('Relation Name')}"
            rows = (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
            reads[name] = reads.get(name, 0) + rows
        for child in node.get("Plans", ()):
            walk(child)

    walk(plan[0]["Plan"])
    return reads


def test_it_reads_one_load_test_per_compared_collector():
    acme = team_make("acme")
    collectors = Collector.objects.bulk_create((Collector(organization=acme.organization, name=f"host-{n}")
                                                for n in range(3000)), batch_size=500)
    LoadTest.objects.bulk_create((
        LoadTest(organization=acme.organization, collector=collector, units_100pct=n,
                 status=("completed", "failed", "queued")[n % 3])
        for collector in collectors[:60] for n in range(40)), batch_size=500)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE metrics_collector")
        cursor.execute("ANALYZE metrics_loadtest")
    compared = collectors[:3]
    reads = rows_read("loadtest_newest_per_collector", {
        "organization_id": acme.organization.pk, "collector_uuids": [c.uuid for c in compared]})
    assert reads["loadtest_collector_newest"] == len(compared), reads
    # Besides: the collectors found by their unique uuid index (and read from the table).
    assert not any(name.startswith("Seq Scan") for name in reads), reads
    assert sum(reads.values()) <= 3 * len(compared), reads
