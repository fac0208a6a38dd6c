"""DELETE /api/collectors/{id}/: the collector, its keys, its samples and aggregates."""

import pytest

from accounts.models import ApiKey
from metrics.models import Collector
from tests.ingest.agent import capture_ticks, envelope, post_like_pcc
from tests.oracle import CAPTURES
from tests.personas import api_client, api_key_make, collector_make, collector_rows, team_make

pytestmark = pytest.mark.django_db
CAPTURE = CAPTURES[0]


def ingest_two_ticks(client, organization, name: str, identifier: str) -> Collector:
    collector = collector_make(organization, name=name)
    _, secret = api_key_make(organization, collector=collector)
    for tick in capture_ticks(CAPTURE)[:2]:
        assert post_like_pcc(client, secret, envelope(identifier, tick)).status_code == 200
    return collector


def test_it_deletes_the_collector_its_keys_and_its_samples(client):
    acme = team_make("acme")
    doomed = ingest_two_ticks(client, acme.organization, "doomed", "a" * 32)
    kept = ingest_two_ticks(client, acme.organization, "kept", "b" * 32)
    assert sum(collector_rows(doomed.pk).values()) > 0

    assert api_client(acme.admin).delete(f"/api/collectors/{doomed.pk}/").status_code == 204
    assert not Collector.objects.filter(pk=doomed.pk).exists()
    assert not ApiKey.objects.filter(collector_id=doomed.pk).exists()
    assert collector_rows(doomed.pk) == dict.fromkeys(collector_rows(doomed.pk), 0)
    assert sum(collector_rows(kept.pk).values()) > 0 and ApiKey.objects.filter(collector=kept).exists()


def test_it_answers_404_for_another_organizations_collector_and_keeps_it():
    acme, globex = team_make("acme"), team_make("globex")
    theirs = collector_make(globex.organization)
    assert api_client(acme.admin).delete(f"/api/collectors/{theirs.pk}/").status_code == 404
    assert Collector.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_it_is_for_admins_only(role):
    acme = team_make("acme")
    web = collector_make(acme.organization)
    assert api_client(getattr(acme, role)).delete(f"/api/collectors/{web.pk}/").status_code == 403
    assert Collector.objects.filter(pk=web.pk).exists()
