"""GET /health/ (contract §9.7, §11.2 S9): the contract's fields beside XAT's."""

import re
import time

import pytest

from tests.personas import api_client

pytestmark = pytest.mark.django_db
# The contract's, then XAT's own.
FIELDS = {"status", "timestamp", "version", "database", "response_time_ms", "timescaledb", "edition"}


def test_it_answers_healthy_with_the_contracts_fields():
    before = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    response = api_client().get("/health/")
    after = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 1))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == FIELDS
    assert (body["status"], body["database"]) == ("healthy", "connected")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["timestamp"]) and before <= body["timestamp"] <= after
    assert re.fullmatch(r"\d+\.\d+\.\d+", body["version"])
    assert isinstance(body["response_time_ms"], float) and 0 <= body["response_time_ms"] < 10_000


def test_it_tells_no_internals_when_asked_for_details():
    body = api_client().get("/health/", {"detail": "true"}).json()
    assert set(body) == FIELDS
    assert "details" not in body and "python" not in str(body).lower()
