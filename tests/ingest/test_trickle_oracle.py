"""Replaying each real capture through POST /v1/trickle stores what pcprocess computed."""

import random
import pytest
from django.db import connection

from tests.ingest.agent import capture_ticks, envelope, organization_with_ingest_key, post_like_pcc
from tests.oracle import CAPTURES, assert_stored_matches_oracle, collector_id_of

pytestmark = pytest.mark.django_db


def _replay(client, key, identifier, ticks):
    for tick in ticks:
        response = post_like_pcc(client, key, envelope(identifier, tick))
        assert response.status_code == 200, response.content
        assert response.json()["error"] is None


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda path: path.name)
def test_it_stores_what_pcprocess_computed(client, capture):
    _, key = organization_with_ingest_key("oracle")
    ticks = capture_ticks(capture)
    _replay(client, key, "host-in-order", ticks)

    compared = assert_stored_matches_oracle(capture, collector_id_of("host-in-order"))
    assert compared > 1000


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda path: path.name)
def test_it_stores_the_same_table_from_shuffled_ticks_with_duplicates(client, capture):
    _, key = organization_with_ingest_key("shuffle")
    ticks = capture_ticks(capture)
    _replay(client, key, "in-order", ticks)
    shuffled = ticks + random.Random(7).sample(ticks, 20)
    random.Random(42).shuffle(shuffled)
    _replay(client, key, "shuffled", shuffled)

    in_order, scrambled = collector_id_of("in-order"), collector_id_of("shuffled")
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
    assert assert_stored_matches_oracle(capture, scrambled) > 1000
