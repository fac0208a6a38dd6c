"""DELETE /api/keys/{id}/."""

import pytest

from accounts.keys import api_key_authenticate
from tests.personas import api_client, api_key_make, team_make

pytestmark = pytest.mark.django_db


def test_it_revokes_the_key_at_once():
    acme = team_make("acme")
    key, secret = api_key_make(acme.organization)
    assert api_client(acme.admin).delete(f"/api/keys/{key.pk}/").status_code == 204
    assert api_key_authenticate(secret) is None
    assert api_client(acme.admin).get("/api/keys/").json()["results"][0]["revoked"] is True


def test_it_answers_404_for_another_organizations_key():
    acme, globex = team_make("acme"), team_make("globex")
    key, secret = api_key_make(globex.organization)
    assert api_client(acme.admin).delete(f"/api/keys/{key.pk}/").status_code == 404
    assert api_key_authenticate(secret) is not None
