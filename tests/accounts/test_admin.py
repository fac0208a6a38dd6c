"""The Django admin for staff: organizations, members, collectors, keys (no secret)."""

import pytest

from accounts.models import ApiKey
from metrics.models import Collector
from tests.personas import api_key_make, collector_make, team_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    staff = django_user_model.objects.create_superuser("staff", "staff@example.com", "pw")
    client.force_login(staff)
    return client


@pytest.mark.parametrize("page", ["accounts/organization", "accounts/membership", "accounts/apikey", "metrics/collector"])
def test_it_lists_and_opens_each_model(staff_client, page):
    acme = team_make("acme")
    collector = collector_make(acme.organization)
    key, _ = api_key_make(acme.organization, collector=collector)
    ids = {"accounts/organization": acme.organization.pk, "accounts/membership": acme.admin.memberships.get().pk,
           "accounts/apikey": key.pk, "metrics/collector": collector.pk}
    assert staff_client.get(f"/admin/{page}/").status_code == 200
    assert staff_client.get(f"/admin/{page}/{ids[page]}/change/").status_code == 200


def test_it_never_shows_the_key_hash(staff_client):
    acme = team_make("acme")
    key, secret = api_key_make(acme.organization)
    page = staff_client.get(f"/admin/accounts/apikey/{key.pk}/change/").content.decode()
    assert key.prefix in page
    assert key.key_hash not in page and secret not in page
    assert staff_client.get("/admin/accounts/apikey/add/").status_code == 403


def test_it_revokes_keys(staff_client):
    acme = team_make("acme")
    key, _ = api_key_make(acme.organization)
    staff_client.post("/admin/accounts/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    assert ApiKey.objects.get().revoked_at is not None


def test_it_deletes_a_collector_through_the_service(staff_client, monkeypatch):
    deleted = []
    monkeypatch.setattr("metrics.collectors.samples_delete", lambda *, collector_id: deleted.append(collector_id))
    acme = team_make("acme")
    collector = collector_make(acme.organization)
    staff_client.post(f"/admin/metrics/collector/{collector.pk}/delete/", {"post": "yes"})
    assert deleted == [collector.pk] and not Collector.objects.exists()


def test_it_refuses_non_staff(client):
    acme = team_make("acme")
    client.force_login(acme.admin)
    assert client.get("/admin/accounts/organization/").status_code == 302
