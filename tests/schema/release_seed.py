"""Fills a database of the first release the way its users did, with that release's own
code: run by tests/schema/test_upgrade.py in a checkout of the release, with its tree first
on PYTHONPATH and DATABASE_URL naming a database it migrated. Uses only that release's public API
(and its test helpers, which post like pcc), so the rows are the ones it really wrote.

For each organization of argv[1:] (`slug=capture folder`): its admin registers, refreshes
their token once (the first refresh token is blacklisted, the new one outstanding), issues
an organization key, replays the capture tick by tick to /v1/trickle with it (which
registers the collector `<slug>-host`) and revokes it. Then every level is materialised: by
the release's aggregate refresh (Apache edition), or as its refresh policies would
(Community edition; the test engine runs no background jobs).
"""

import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xat.settings")
django.setup()

from django.db import connection  # noqa: E402  (after setup, as Django requires)
from django.test import Client  # noqa: E402

from metrics.aggregates import aggregates_refresh  # noqa: E402
from metrics.timescale import aggregate_mode  # noqa: E402
from tests.ingest.agent import capture_ticks, envelope, post_like_pcc  # noqa: E402


def answered(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    return response.json() if response.content else {}


def organization_fill(client: Client, *, slug: str, capture: Path) -> None:
    session = answered(client.post("/api/auth/register/", {
        "username": f"{slug}-admin", "email": f"admin@{slug}.example", "password": f"{slug}-Secret-2026",
        "organization": slug.title()}, content_type="application/json"), 201)
    refreshed = answered(client.post("/api/auth/refresh/", {"refresh": session["refresh"]},
                                     content_type="application/json"), 200)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {refreshed['access']}"}
    organization_key = answered(client.post("/api/keys/", {"name": "agents"}, content_type="application/json",
                                            **bearer), 201)
    identifier = f"{slug}-host"
    for tick in capture_ticks(capture):
        body = answered(post_like_pcc(client, organization_key["key"], envelope(identifier, tick)), 200)
        assert body["error"] is None, body
    answered(client.delete(f"/api/keys/{organization_key['id']}/", **bearer), 204)


def main(pairs: list[str]) -> None:
    client = Client()
    for pair in pairs:
        slug, capture = pair.split("=", 1)
        organization_fill(client, slug=slug, capture=Path(capture))
    if aggregate_mode() == "incremental":
        aggregates_refresh()
    else:
        with connection.cursor() as cursor:
            for level in ("1m", "1h", "1d"):  # each level is computed from the one before
                cursor.execute("SELECT view_name FROM timescaledb_information.continuous_aggregates"
                               " WHERE view_name LIKE %s ORDER BY view_name", [f"%\\_{level}"])
                for (view,) in cursor.fetchall():
                    cursor.execute("CALL refresh_continuous_aggregate(%s, NULL, NULL)", [view])


if __name__ == "__main__":
    main(sys.argv[1:])
