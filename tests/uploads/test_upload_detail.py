"""GET /api/performance/uploads/{uuid}/: an upload and its job, to its organization only."""

import pytest

from metrics.uploads.models import Upload
from tests.personas import api_client, api_key_make, collector_make, team_make
from tests.uploads.files import PORTAL_CSV, upload

pytestmark = pytest.mark.django_db


def test_it_shows_a_queued_upload_to_every_member():
    acme = team_make("acme")
    web = collector_make(acme.organization, name="web-1")
    answer = upload(api_client(acme.analyst), PORTAL_CSV.read_bytes(), name="p.csv", collector=web).json()
    for role in ("admin", "analyst", "viewer"):
        shown = api_client(getattr(acme, role)).get(answer["url"])
        assert shown.status_code == 200 and shown.json() == answer
    assert (answer["state"], answer["bytes_read"], answer["size_bytes"]) == ("queued", 0, len(PORTAL_CSV.read_bytes()))
    assert (answer["format"], answer["collector"], answer["result"], answer["failure"]) == ("portal_csv", web.pk, {}, "")


def test_it_answers_404_for_another_organizations_upload_and_401_without_a_token():
    acme, globex = team_make("acme"), team_make("globex")
    theirs = collector_make(globex.organization, name="globex-web")
    answer = upload(api_client(globex.admin), PORTAL_CSV.read_bytes(), name="p.csv", collector=theirs).json()
    for role in ("admin", "analyst", "viewer"):
        response = api_client(getattr(acme, role)).get(answer["url"])
        assert response.status_code == 404 and "globex" not in response.content.decode()
    assert api_client().get(answer["url"]).status_code == 401
    _, key = api_key_make(globex.organization, collector=theirs)
    agent = api_client()
    agent.credentials(HTTP_APIKEY=key)
    assert agent.get(answer["url"]).status_code == 401  # a key uploads; members read
    assert Upload.objects.filter(organization=globex.organization).count() == 1
