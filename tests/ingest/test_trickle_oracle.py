"""Replaying each real capture through POST /v1/trickle stores what pcprocess computed."""

import random
import pytest
from django.db import connection

from tests.ingest.agent import capture_ticks, envelope, organization_with_ingest_key, post_like_pcc
from tests.oracle import CAPTURES, CPU_COLUMNS, DISK_COLUMNS, MEMORY_COLUMNS, NET_COLUMNS, close, oracle_rows

pytestmark = pytest.mark.django_db

FAMILIES = {
    # table: (item column, oracle CSV, its item column, column map)
    "cpu_sample": ("cpu", "proc/stat", "CPU", CPU_COLUMNS),
    "network_sample": ("interface", "proc/net/dev", "IFACE", NET_COLUMNS),
    "disk_sample": ("device", "proc/diskstats", "DEV", DISK_COLUMNS),
}


def _replay(client, key, identifier, ticks):
    for tick in ticks:
        response = post_like_pcc(client, key, envelope(identifier, tick))
        assert response.status_code == 200, response.content
        assert response.json()["error"] is None


def _stored(table: str, item_column: str | None, columns, collector_id: int) -> dict:
    item = f"{item_column}::text" if item_column else "''"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT extract(epoch FROM time)::bigint, {item}, {', '.join(columns)} FROM {table} "
            "WHERE collector_id = %s",
            [collector_id],
        )
        return {(t, name): dict(zip(columns, values)) for t, name, *values in cursor.fetchall()}


def _collector_id(identifier: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM metrics_collector WHERE identifier = %s", [identifier])
        return cursor.fetchone()[0]


def _assert_matches_oracle(capture, collector_id):
    compared = 0
    for table, (item_column, csv_name, csv_item, columns) in FAMILIES.items():
        stored = _stored(table, item_column, list(columns.values()), collector_id)
        rows = oracle_rows(capture, csv_name)
        first = min(int(row["timestamp"]) for row in rows)
        mismatches = []
        for row in rows:
            if int(row["timestamp"]) == first:
                continue  # pcprocess's first row pairs the 3rd tick with the 1st
            ours = stored.get((int(row["timestamp"]), row[csv_item]))
            for column, our_column in columns.items():
                if ours is None or not close(ours[our_column], row[column]):
                    mismatches.append((table, row["timestamp"], row[csv_item], column, row[column], ours))
            compared += 1
        assert not mismatches, f"{len(mismatches)} differences, first: {mismatches[:3]}"

    memory = _stored("memory_sample", None, list(MEMORY_COLUMNS.values()), collector_id)
    for row in oracle_rows(capture, "proc/meminfo"):
        ours = memory[(int(row["timestamp"]), "")]
        assert all(close(ours[our], row[theirs]) for theirs, our in MEMORY_COLUMNS.items()), row
        compared += 1
    filesystems = _stored("filesystem_sample", "mount", ["block_size", "blocks_total", "blocks_available", "use_pct"],
                          collector_id)
    for row in oracle_rows(capture, "statfs_ALL"):
        ours = filesystems[(int(row["timestamp"]), row["mount"])]
        assert (ours["block_size"], ours["blocks_total"], ours["blocks_available"]) == (
            int(row["blocksize"]), int(row["blockstotal"]), int(row["blocksavail"]))
        assert abs(ours["use_pct"] - int(row["use"])) <= 1
        compared += 1
    return compared


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda path: path.name)
def test_it_stores_what_pcprocess_computed(client, capture):
    _, key = organization_with_ingest_key("oracle")
    ticks = capture_ticks(capture)
    _replay(client, key, "host-in-order", ticks)

    compared = _assert_matches_oracle(capture, _collector_id("host-in-order"))
    assert compared > 1000


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda path: path.name)
def test_it_stores_the_same_table_from_shuffled_ticks_with_duplicates(client, capture):
    _, key = organization_with_ingest_key("shuffle")
    ticks = capture_ticks(capture)
    _replay(client, key, "in-order", ticks)
    shuffled = ticks + random.Random(7).sample(ticks, 20)
    random.Random(42).shuffle(shuffled)
    _replay(client, key, "shuffled", shuffled)

    in_order, scrambled = _collector_id("in-order"), _collector_id("shuffled")
    for table in ("cpu_sample", "memory_sample", "disk_sample", "network_sample", "filesystem_sample", "sample_tick",
                  "disk_total_sample", "network_total_sample"):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT * FROM {table} WHERE collector_id = %s) t", [in_order])
            (count,) = cursor.fetchone()
            cursor.execute(
                f"""SELECT count(*) FROM (
                      (SELECT to_jsonb(t) - 'collector_id' - 'received_at' FROM {table} t WHERE collector_id = %s
                       EXCEPT ALL
                       SELECT to_jsonb(t) - 'collector_id' - 'received_at' FROM {table} t WHERE collector_id = %s)
                      UNION ALL
                      (SELECT to_jsonb(t) - 'collector_id' - 'received_at' FROM {table} t WHERE collector_id = %s
                       EXCEPT ALL
                       SELECT to_jsonb(t) - 'collector_id' - 'received_at' FROM {table} t WHERE collector_id = %s)
                    ) difference""",
                [in_order, scrambled, scrambled, in_order],
            )
            assert cursor.fetchone()[0] == 0, table
        assert count >= len(ticks) - 1, table
    assert _assert_matches_oracle(capture, scrambled) > 1000
