"""GET / POST /api/v1/collectors/{id}/data/ (contract §9.6, §11.2 S5, S9)."""

from datetime import UTC, datetime

import pytest

from metrics.uploads.models import Upload
from tests.ingest.agent import capture_ticks
from tests.oracle import CAPTURES, oracle_rows
from tests.perfdash.shapes import UPLOAD_FIELDS, UUID, Z_TIME, sample_rows, upload, url
from tests.personas import api_client, collector_make, collector_rows, team_make
from tests.uploads.files import uploads_work

pytestmark = pytest.mark.django_db


def _utc(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.django_db(transaction=True)  # the upload worker reads what the request committed
def test_it_stores_a_capture_and_describes_what_it_stored_once_read():
    acme = team_make("acme")
    web = collector_make(acme.organization, name="web")
    content = (CAPTURES[0] / "collection.ndjson").read_bytes()
    response = upload(api_client(acme.analyst), web, content, description="load test",
                      collector="00000000-0000-4000-8000-000000000000")  # the reference's form field: ignored
    assert response.status_code == 201, response.content
    queued = response.json()
    assert list(queued) == UPLOAD_FIELDS
    assert (queued["row_count"], queued["data_start"], queued["data_end"]) == (None, None, None)
    uploads_work()
    body = api_client(acme.viewer).get(f"/api/v1/data/{queued['id']}/").json()
    assert body | {"row_count": None, "data_start": None, "data_end": None} == queued
    times = [tick[0]["timestamp"] for tick in capture_ticks(CAPTURES[0])]
    assert body == {
        "id": body["id"], "collector": str(web.uuid), "collector_name": "web", "description": "load test",
        "file": None, "file_size": len(content), "row_count": sample_rows(web), "data_start": _utc(min(times)), "data_end": _utc(max(times)),
        "created_at": body["created_at"],
    }
    assert UUID.match(body["id"]) and Z_TIME.match(body["created_at"])
    # The oracle: pcprocess's first and last stat rows lie inside the upload's window.
    stat = [int(row["timestamp"]) for row in oracle_rows(CAPTURES[0], "proc/stat")]
    assert body["data_start"] <= _utc(min(stat)) and _utc(max(stat)) <= body["data_end"]


def test_it_lists_the_collectors_uploads_newest_first_paginated():
    acme = team_make("acme")
    web, db = collector_make(acme.organization, name="web"), collector_make(acme.organization, name="db")
    for number, collector in enumerate([web, db, web]):
        Upload.objects.create(organization=acme.organization, collector=collector, file_name=f"{number}.ndjson",
                              description=str(number), size_bytes=1, sha256="0" * 64, format="pcc")
    body = api_client(acme.viewer).get(url(web)).json()
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    assert [item["description"] for item in body["results"]] == ["2", "0"]
    assert body["results"][0]["row_count"] is None and body["results"][0]["data_start"] is None
    assert api_client(acme.viewer).get(url(web), {"page": 2}).json() == {"detail": "Invalid page."}


def test_it_answers_403_to_a_viewer_upload():
    acme = team_make("acme")
    web = collector_make(acme.organization)
    response = upload(api_client(acme.viewer), web, b"")
    assert response.status_code == 403 and not Upload.objects.exists()


def test_it_answers_404_for_another_organizations_collector_on_read_and_write():
    acme, globex = team_make("acme"), team_make("globex")
    theirs = collector_make(globex.organization)
    content = (CAPTURES[0] / "collection.ndjson").read_bytes()
    for role in ("admin", "analyst", "viewer"):
        client = api_client(getattr(acme, role))
        assert client.get(url(theirs)).json() == {"detail": "Not found."}
        response = upload(client, theirs, content)
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert not Upload.objects.exists() and not any(collector_rows(theirs.pk).values())


def test_it_keeps_xats_refusals():
    acme = team_make("acme")
    web = collector_make(acme.organization)
    client = api_client(acme.admin)
    assert upload(client, web, b"\x00\x01binary").status_code == 415
    response = upload(client, web, b"", description="d" * 201)
    assert response.status_code == 400 and set(response.json()) == {"description"}
    assert client.post(url(web), {}, format="multipart").json() == {"file": ["No file was submitted."]}
    assert not Upload.objects.exists()
