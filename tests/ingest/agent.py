"""Posting to the trickle endpoint the way pcc does: one tick per request, no
Content-Type, the key in an `apikey` header."""

import gzip
import json
from collections import defaultdict
from pathlib import Path

from django.test.client import FakePayload

from accounts.keys import api_key_create
from accounts.models import Organization


def organization_with_ingest_key(slug: str) -> tuple[Organization, str]:
    organization = Organization.objects.create(slug=slug, name=slug.title())
    _, raw_key = api_key_create(organization=organization, name="agents")
    return organization, raw_key


def post_like_pcc(client, key: str | None, body: bytes, *, path="/v1/trickle", gzipped=False, **headers):
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": FakePayload(body),
        **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()},
    }
    if key is not None:
        environ["HTTP_APIKEY"] = key
    if gzipped:
        environ["HTTP_CONTENT_ENCODING"] = "gzip"
    return client.request(**environ)


def capture_ticks(capture: Path) -> list[list[dict]]:
    """The capture's measurements grouped by tick, in file order."""
    by_time: dict[int, list[dict]] = defaultdict(list)
    with (capture / "collection.ndjson").open() as lines:
        for line in lines:
            item = json.loads(line)
            by_time[item["timestamp"]].append(item)
    return list(by_time.values())


def envelope(identifier: str, measurements: list[dict], *, compress=False) -> bytes:
    body = json.dumps({"identifier": identifier, "measurements": measurements}).encode()
    return gzip.compress(body) if compress else body
