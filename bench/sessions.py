"""Session history benchmark: the perf-dashboard's sessions list and session-dates for a
collector with a year of sessions.

    make db-start
    .venv/bin/python bench/sessions.py [--per-day 24] [--days 365] [--others 40] [--requests 50]

Creates a throwaway organization in the local cluster's database with one collector holding
`--per-day` completed sessions a day for `--days` days (24 x 365 = 8,760) and `--others`
collectors with a month of sessions each (so that the table and its statistics look like a
fleet's), ANALYZE; then times `--requests` requests of GET
/dashboard/api/collectors/{id}/sessions/ (all statuses, and status=completed) and
/session-dates/ in process (Django's test client with a JWT: the whole view stack and the
JSON, no network), and prints p50 and p95 in ms. The organization and its rows are deleted
at the end. Figures: docs/performance.md, "Sessions".
"""

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xat.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Membership, Organization, Role  # noqa: E402
from metrics.models import Collector  # noqa: E402

END = datetime(2026, 1, 21, tzinfo=UTC)


def sessions_load(collector: Collector, *, per_day: int, days: int, others: int) -> None:
    """per_day completed sessions a day for `days` days ending at END for collector, a month
    of them for each of `others` new collectors of its organization; ANALYZE."""
    with connection.cursor() as cursor:
        spans = [(collector, days)] + [
            (Collector.objects.create(organization=collector.organization, name=f"other-{n}"), 30)
            for n in range(others)]
        for each, span in spans:
            cursor.execute(
                "INSERT INTO metrics_tricklesession (id, organization_id, collector_id, status, name, started_at,"
                " last_data_at, ended_at, last_received_at, sample_count)"
                " SELECT gen_random_uuid(), %s, %s, 'completed', 'Trickle', t, t + interval '50 minutes',"
                " t + interval '50 minutes', t + interval '50 minutes', 600"
                " FROM generate_series(%s::timestamptz, %s::timestamptz - interval '1 second', %s::interval) t",
                [each.organization_id, each.pk, END - timedelta(days=span), END, timedelta(days=1) / per_day])
        cursor.execute("ANALYZE metrics_tricklesession")


def timed(client, path: str, params: dict, requests: int) -> list[float]:
    latencies = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path, params)
        latencies.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:200]
    return latencies


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-day", type=int, default=24)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--others", type=int, default=40)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import AccessToken

    slug = f"bench-sessions-{os.getpid()}"
    organization = Organization.objects.create(slug=slug, name=slug)
    user = get_user_model().objects.create_user(slug, password=None)
    try:
        Membership.objects.create(user=user, organization=organization, role=Role.VIEWER)
        collector = Collector.objects.create(organization=organization, name="a year of sessions")
        started = time.perf_counter()
        sessions_load(collector, per_day=args.per_day, days=args.days, others=args.others)
        print(f"loaded {args.per_day * args.days:,} sessions + {args.others} x 30 days in "
              f"{time.perf_counter() - started:.1f} s")

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
        base = f"/dashboard/api/collectors/{collector.uuid}"
        for label, path, params in (("sessions (all)", f"{base}/sessions/", {}),
                                    ("sessions (completed)", f"{base}/sessions/", {"status": "completed"}),
                                    ("session-dates", f"{base}/session-dates/", {})):
            timed(client, path, params, 3)  # warm: connection, prepared statements
            latencies = sorted(timed(client, path, params, args.requests))
            p95 = statistics.quantiles(latencies, n=20)[-1]
            print(f"{label:>22}: p50 {statistics.median(latencies) * 1e3:6.1f} ms  p95 {p95 * 1e3:6.1f} ms")
    finally:
        organization.delete()
        user.delete()


if __name__ == "__main__":
    main()
