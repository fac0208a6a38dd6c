"""The console's browser test world: acme with a replayed capture (its last tick kept back for
live mode), a month of hourly samples, an empty collector to upload into, globex's collector
that acme must not see; served by gunicorn as deployed, with an upload worker beside it."""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import global_settings
from django.db import connection

from bench.upload import capture_write
from accounts.models import Membership, Role
from metrics.models import Collector
from tests.conftest import gunicorn_serving
from tests.dashboard.capture import TICKS, Replayed, replayed
from tests.ingest.agent import envelope
from tests.personas import api_client, api_key_make, collector_make, team_make
from tests.uploads.files import upload, uploads_work, worker_start, worker_stop

MONTH_HOURS = 720
UPLOAD_MEGABYTES = 24  # the capture about 17 times, 9 batches of 250 ticks: the bar seen part-way
# The capture is older than the default retention, which would make the charts read a
# coarser level: nothing is dropped here (as tests/perfdash/replay.py keeps them).
RETENTION_KEPT = {f"XAT_RETENTION_{level}_DAYS": "0" for level in ("RAW", "1M", "1H", "1D")}
PORTAL_COLUMNS = ("timestamp,cpu_user,cpu_system,cpu_idle,cpu_iowait,cpu_steal,mem_total_kb,mem_used_kb,mem_free_kb,"
                  "mem_cached_kb,disk_read_bytes,disk_write_bytes,net_rx_bytes,net_tx_bytes")


@dataclass
class ConsoleWorld:
    acme: Replayed  # its collector holds the capture but its last tick
    month: Collector  # an hourly sample over the last 30 days
    upload_into: Collector  # empty: the browser uploads a capture into it
    foreign: Collector  # globex's, whose viewer acme's admin also is
    live_key: str  # a collector key of acme's collector, for the tick held back
    upload_file: Path
    live_tick_file: Path


@pytest.fixture
def console_world(client, settings, tmp_path) -> ConsoleWorld:
    settings.XAT_UPLOAD_DIR = tmp_path / "uploads"
    # gunicorn checks passwords with the deployed hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    settings.XAT_RETENTION_DAYS = dict.fromkeys(("raw", "1m", "1h", "1d"), 0)
    acme = replayed(client, TICKS[:-1])
    organization = acme.team.organization
    _, live_key = api_key_make(organization, collector=acme.collector, name="live tick")
    month = collector_make(organization, name="month")
    answer = upload(api_client(acme.team.analyst), portal_month(), name="month.csv", collector=month)
    assert answer.status_code == 202, answer.content
    uploads_work()
    # Several batches of the job's, so that the page sees the bar between 0 and 100 %.
    upload_file = tmp_path / "collection.ndjson"
    capture_write(upload_file, UPLOAD_MEGABYTES)
    live_tick_file = tmp_path / "tick.json"
    live_tick_file.write_bytes(envelope("host", TICKS[-1]))
    globex = team_make("globex").organization
    # acme's admin also reads globex: the console's organization switch.
    Membership.objects.create(user=acme.team.admin, organization=globex, role=Role.VIEWER)
    return ConsoleWorld(acme=acme, month=month, upload_into=collector_make(organization, name="uploaded"),
                        foreign=collector_make(globex, name="globex-web"),
                        live_key=live_key, upload_file=upload_file, live_tick_file=live_tick_file)


def portal_month() -> bytes:
    """A portal CSV of one row an hour over the MONTH_HOURS hours before this hour: a
    30-day chart of real answers (hourly buckets), every series varying."""
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    lines = [PORTAL_COLUMNS]
    for hour in range(MONTH_HOURS + 1):
        t = int((end - timedelta(hours=MONTH_HOURS - hour)).timestamp())
        busy = 40 + 35 * math.sin(hour / 12 * math.pi)
        lines.append(f"{t},{busy * 0.7:.3f},{busy * 0.25:.3f},{100 - busy:.3f},{busy * 0.05:.3f},0,"
                     f"16000000,{8000000 + hour * 1000},{4000000 - hour * 1000},4000000,"
                     f"{hour % 24 * 100000},{hour % 7 * 50000},{hour * 300},{hour * 200}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def console_server(console_world, settings, tmp_path) -> Iterator[str]:
    """http://127.0.0.1:<port> of gunicorn as deployed over the test database, with an
    upload worker reading the same folder of uploaded files."""
    database = connection.settings_dict
    env = {"PGHOST": database["HOST"], "PGPORT": str(database["PORT"]), "PGUSER": database["USER"],
           "PGDATABASE": database["NAME"], "XAT_UPLOAD_DIR": str(settings.XAT_UPLOAD_DIR), **RETENTION_KEPT}
    with gunicorn_serving(env=env, log=tmp_path / "gunicorn.log") as (port, _):
        worker = worker_start(tmp_path / "worker.log", **env)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            worker_stop(worker)

