"""POST /api/keys/{id}/rotate/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.keys import api_key_authenticate
from accounts.models import ApiKey
from tests.personas import api_client, api_key_make, collector_make, team_make

pytestmark = pytest.mark.django_db


def test_it_issues_a_new_key_and_the_old_one_works_for_the_grace_period(settings):
    settings.XAT_KEY_ROTATION_GRACE_HOURS = 2
    acme = team_make("acme")
    old, old_secret = api_key_make(acme.organization, collector=collector_make(acme.organization), name="web")
    response = api_client(acme.admin).post(f"/api/keys/{old.pk}/rotate/")
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "web" and body["collector"] == old.collector_id and body["id"] != old.pk
    assert api_key_authenticate(body["key"]).pk == body["id"]
    assert api_key_authenticate(old_secret).pk == old.pk

    old.refresh_from_db()
    assert timedelta(hours=1, minutes=59) < old.expires_at - timezone.now() <= timedelta(hours=2)
    ApiKey.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api_key_authenticate(old_secret) is None
    assert api_key_authenticate(body["key"]) is not None


def test_it_refuses_to_rotate_a_revoked_key():
    acme = team_make("acme")
    key, _ = api_key_make(acme.organization)
    api_client(acme.admin).delete(f"/api/keys/{key.pk}/")
    response = api_client(acme.admin).post(f"/api/keys/{key.pk}/rotate/")
    assert response.status_code == 400 and "key" in response.json()


def test_it_answers_404_for_another_organizations_key():
    acme, globex = team_make("acme"), team_make("globex")
    key, _ = api_key_make(globex.organization)
    assert api_client(acme.admin).post(f"/api/keys/{key.pk}/rotate/").status_code == 404
    assert ApiKey.objects.count() == 1
