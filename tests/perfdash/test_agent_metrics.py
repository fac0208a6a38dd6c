"""POST /api/v1/metrics/ (contract §8.2): a capture file, or measurements as JSON stored
with the agent's arithmetic (the numbers checked against pcprocess's own output)."""

import gzip
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from metrics.models import Collector, TrickleSession
from metrics.uploads.models import Upload
from tests.conftest import another_session
from tests.ingest.agent import capture_ticks
from tests.oracle import assert_stored_matches_oracle
from tests.oracle import CAPTURES
from tests.personas import api_client, api_key_make, collector_make, collector_rows, team_make
from tests.uploads.files import uploads_work

pytestmark = pytest.mark.django_db
URL = "/api/v1/metrics/"
MACHINE_ID = "d2da98c4b4f5454cbdb311f4701ad1a1"
NO_METRICS = {"error": "No file or metrics provided"}


def post_json(secret: str, body, *, content_type: str = "", **headers):
    data = body if isinstance(body, bytes) else json.dumps(body)
    return api_client().generic("POST", URL, data, content_type=content_type, HTTP_APIKEY=secret, **headers)


def post_file(secret: str, content: bytes, **fields):
    file = SimpleUploadedFile("collection.ndjson", content)
    return api_client().post(URL, {"file": file, **fields}, format="multipart", HTTP_APIKEY=secret)


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda path: path.name)
def test_it_stores_a_batch_as_pcprocess_computes_it(capture):
    acme = team_make("acme")
    _, fleet = api_key_make(acme.organization)
    ticks = capture_ticks(capture)
    body = {"identifier": MACHINE_ID, "hostname": "azure-1", "metrics": [m for tick in ticks for m in tick]}
    response = post_json(fleet, body)
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "received", "metrics_count": len(ticks)}
    collector = Collector.objects.get(identifier=MACHINE_ID)
    assert (collector.organization, collector.name) == (acme.organization, "azure-1")
    assert assert_stored_matches_oracle(capture, collector.pk) > 1000
    # Sent again: nothing new is stored.
    assert post_json(fleet, body).json() == {"status": "received", "metrics_count": 0}


def test_it_takes_a_single_measurement_or_a_single_object_in_metrics_whatever_the_content_type():
    acme = team_make("acme")
    web = collector_make(acme.organization)
    _, secret = api_key_make(acme.organization, collector=web)
    first, second = capture_ticks(CAPTURES[0])[:2]
    first_stat, second_stat = ({m["subsystem"]: m for m in tick}["/proc/stat"] for tick in (first, second))
    assert post_json(secret, first_stat, content_type="text/plain").json() == {"status": "received",
                                                                              "metrics_count": 1}
    response = post_json(secret, {"metrics": second_stat}, content_type="application/json")
    assert response.json() == {"status": "received", "metrics_count": 1}
    meminfo = {m["subsystem"]: m for m in first}["/proc/meminfo"]
    assert post_json(secret, meminfo).json()["metrics_count"] == 0  # its tick is stored already
    assert post_json(secret, gzip.compress(json.dumps({"metrics": second}).encode()),
                     HTTP_CONTENT_ENCODING="gzip").status_code == 200


def test_it_records_the_contact_and_opens_no_session():
    acme = team_make("acme")
    web = collector_make(acme.organization)
    _, secret = api_key_make(acme.organization, collector=web)
    assert post_json(secret, {"metrics": capture_ticks(CAPTURES[0])[0]}).status_code == 200
    web.refresh_from_db()
    assert web.last_contact_at is not None and web.identifier == ""
    assert not TrickleSession.objects.exists()
    assert api_client(acme.viewer).get(f"/api/v1/collectors/{web.uuid}/").json()["status"] == "connected"


@pytest.mark.parametrize("body", [{}, {"metrics": []}, {"measurements": [{"timestamp": 1}]}, [], "text"])
def test_it_answers_400_without_file_or_metrics(body):
    acme = team_make("acme")
    _, secret = api_key_make(acme.organization, collector=collector_make(acme.organization))
    response = post_json(secret, body)
    assert response.status_code == 400 and response.json() == NO_METRICS


def test_it_answers_400_to_a_multipart_body_without_file():
    acme = team_make("acme")
    _, secret = api_key_make(acme.organization, collector=collector_make(acme.organization))
    response = api_client().post(URL, {"description": "x"}, format="multipart", HTTP_APIKEY=secret)
    assert response.status_code == 400 and response.json() == NO_METRICS


def test_it_answers_400_in_json_to_a_broken_multipart_body():
    acme = team_make("acme")
    _, secret = api_key_make(acme.organization, collector=collector_make(acme.organization))
    response = post_json(secret, b"--x\r\n", content_type="multipart/form-data")
    assert response.status_code == 400 and response.json()["field"] == "body"


def test_it_answers_400_to_an_organization_key_without_identifier_and_to_a_bad_measurement():
    acme = team_make("acme")
    _, fleet = api_key_make(acme.organization)
    tick = capture_ticks(CAPTURES[0])[0]
    response = post_json(fleet, {"metrics": tick})
    assert response.status_code == 400 and "identifier" in response.json()["error"]
    response = post_json(fleet, {"identifier": MACHINE_ID, "metrics": [{**tick[0], "timestamp": "soon"}]})
    assert response.status_code == 400 and response.json()["field"] == "measurements[0].timestamp"
    assert not Collector.objects.exists()


def test_it_answers_403_to_a_collector_key_sent_with_another_hosts_identifier():
    acme = team_make("acme")
    web = collector_make(acme.organization, identifier=MACHINE_ID)
    _, secret = api_key_make(acme.organization, collector=web)
    response = post_json(secret, {"identifier": "0" * 32, "metrics": capture_ticks(CAPTURES[0])[0]})
    assert response.status_code == 403


@pytest.mark.django_db(transaction=True)  # the upload worker reads what the request committed
def test_it_stores_an_uploaded_capture_as_an_upload():
    acme = team_make("acme")
    web = collector_make(acme.organization)
    _, secret = api_key_make(acme.organization, collector=web)
    content = (CAPTURES[0] / "collection.ndjson").read_bytes()
    response = post_file(secret, content, description="first run")
    assert response.status_code == 201, response.content
    upload = Upload.objects.get()
    assert response.json() == {"status": "uploaded", "data_id": str(upload.uuid), "file_size": len(content)}
    assert (upload.collector, upload.description, upload.format, upload.state) == (web, "first run", "pcc", "queued")
    # The worker reads the file, not the request: nothing stored but the upload's own row.
    assert {table: n for table, n in collector_rows(web.pk).items() if n} == {"metrics_upload": 1}
    uploads_work()
    upload.refresh_from_db()
    assert upload.state == "done" and upload.result["ticks"] == len(capture_ticks(CAPTURES[0]))
    assert assert_stored_matches_oracle(CAPTURES[0], web.pk) > 1000
    web.refresh_from_db()
    assert web.last_contact_at is not None


def test_it_keeps_xats_refusals_of_a_file():
    acme = team_make("acme")
    _, secret = api_key_make(acme.organization, collector=collector_make(acme.organization))
    response = post_file(secret, b"\x00\x01binary")
    assert response.status_code == 415 and "error" in response.json()
    response = post_file(secret, b'{"timestamp": 1}\n', description="d" * 201)
    assert response.status_code == 400 and response.json()["field"] == "description"
    assert not Upload.objects.exists()


def test_it_answers_401_without_a_valid_key():
    response = api_client().generic("POST", URL, json.dumps({"metrics": []}))
    assert response.status_code == 401 and response.json() == {"error": "Invalid API key"}


def test_it_answers_a_database_failure_with_503_and_no_detail():
    acme = team_make("acme")
    web = collector_make(acme.organization)
    _, secret = api_key_make(acme.organization, collector=web)
    # Another session holds cpu_sample: the request's write waits, then times out.
    holder = another_session()
    try:
        holder.execute("LOCK TABLE cpu_sample IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        response = post_json(secret, {"metrics": [m for tick in capture_ticks(CAPTURES[0])[:2] for m in tick]})
    finally:
        holder.rollback()
        holder.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json() == {"error": "the database is unavailable; nothing was stored, retry later"}
    assert not any(collector_rows(web.pk).values())
