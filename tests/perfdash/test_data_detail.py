"""GET / DELETE /api/v1/data/{id}/ (contract §9.6, §11.2 S9)."""

import pytest

from metrics.uploads.models import Upload
from tests.ingest.agent import capture_ticks
from tests.oracle import CAPTURES
from tests.perfdash.shapes import UPLOAD_FIELDS, sample_rows, upload
from tests.personas import api_client, collector_make, team_make
from tests.uploads.files import uploads_run_here

pytestmark = pytest.mark.django_db


def url(item) -> str:
    return f"/api/v1/data/{item.uuid}/"


def test_it_answers_the_upload_and_serves_no_file():
    acme = team_make("acme")
    web = collector_make(acme.organization, name="web")
    created = upload(api_client(acme.admin), web, (CAPTURES[0] / "collection.ndjson").read_bytes()).json()
    item = Upload.objects.get()
    response = api_client(acme.viewer).get(url(item))
    assert response.status_code == 200 and list(response.json()) == UPLOAD_FIELDS
    assert response.json() == created and created["file"] is None and created["row_count"] is None
    assert api_client(acme.admin).get(f"/media/{item.file_name}").status_code == 404


def test_it_deletes_the_record_and_keeps_the_samples():
    acme = team_make("acme")
    web = collector_make(acme.organization)
    upload(api_client(acme.admin), web, (CAPTURES[0] / "collection.ndjson").read_bytes())
    uploads_run_here()
    rows = sample_rows(web)
    response = api_client(acme.admin).delete(url(Upload.objects.get()))
    assert response.status_code == 204 and not Upload.objects.exists()
    assert rows > len(capture_ticks(CAPTURES[0])) and sample_rows(web) == rows


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_it_answers_403_to_a_non_admin_delete(role):
    acme = team_make("acme")
    item = Upload.objects.create(organization=acme.organization, collector=collector_make(acme.organization),
                                 file_name="a", size_bytes=1, sha256="0" * 64, format="pcc")
    assert api_client(getattr(acme, role)).delete(url(item)).status_code == 403
    assert Upload.objects.exists()


def test_it_answers_404_for_another_organizations_upload():
    acme, globex = team_make("acme"), team_make("globex")
    theirs = Upload.objects.create(organization=globex.organization, collector=collector_make(globex.organization),
                                   file_name="globex.ndjson", size_bytes=1, sha256="0" * 64, format="pcc")
    for role in ("admin", "analyst", "viewer"):
        client = api_client(getattr(acme, role))
        for method in ("get", "delete"):
            response = getattr(client, method)(url(theirs))
            assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert Upload.objects.filter(pk=theirs.pk).exists()


def test_it_shows_an_upload_whose_collector_was_deleted_without_one():
    acme = team_make("acme")
    web = collector_make(acme.organization)
    item = Upload.objects.create(organization=acme.organization, collector=web, file_name="a", size_bytes=1,
                                 sha256="0" * 64, format="pcc")
    api_client(acme.admin).delete(f"/api/v1/collectors/{web.uuid}/")
    body = api_client(acme.viewer).get(url(item)).json()
    assert (body["collector"], body["collector_name"]) == (None, None)
