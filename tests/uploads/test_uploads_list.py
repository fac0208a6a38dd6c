"""GET /api/performance/uploads/."""

import hashlib

import pytest

from tests.personas import api_client, collector_make, team_make
from tests.uploads.files import PORTAL_CSV, uploaded

# Transactional: the upload worker reads what the requests committed.
pytestmark = pytest.mark.django_db(transaction=True)
URL = "/api/performance/uploads/"


def test_it_lists_the_organizations_uploads_newest_first():
    acme, globex = team_make("acme"), team_make("globex")
    web, db = collector_make(acme.organization, name="web-1"), collector_make(acme.organization, name="db-1")
    theirs = collector_make(globex.organization, name="globex-web")
    content = PORTAL_CSV.read_bytes()
    uploaded(api_client(acme.analyst), content, name="first.csv", collector=web)
    uploaded(api_client(acme.admin), content, name="second.csv", collector=db)
    uploaded(api_client(globex.admin), content, name="globex.csv", collector=theirs)

    response = api_client(acme.viewer).get(URL)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [u["file_name"] for u in results] == ["second.csv", "first.csv"]
    second, first = results
    assert first["uploaded_by"] == "acme-analyst" and first["collector"] == web.pk
    assert first["sha256"] == hashlib.sha256(content).hexdigest() and first["size_bytes"] == len(content)
    assert first["format"] == "portal_csv" and first["result"]["ticks"] == 130 and first["state"] == "done"
    assert second["result"]["duplicate_ticks"] == 0

    by_collector = api_client(acme.viewer).get(URL, {"collector": web.pk}).json()["results"]
    assert [u["file_name"] for u in by_collector] == ["first.csv"]
    assert api_client(acme.viewer).get(URL, {"collector": theirs.pk}).status_code == 404
    assert api_client().get(URL).status_code == 401
