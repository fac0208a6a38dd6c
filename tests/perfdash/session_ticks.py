"""Ticks of a real capture for the live-view and session tests: sent the way pcc sends them,
as captured or moved in time (the "last 5 minutes" rules compare sample time with the
server's clock), and the sessions they make."""

from datetime import UTC, datetime

from django.utils import timezone

from tests.ingest.agent import capture_ticks, envelope, post_like_pcc
from tests.oracle import CAPTURES

CAPTURE = next(path for path in CAPTURES if path.name == "azure-pcc-test-01")  # 1 vCPU, 5 s ticks
TICKS = capture_ticks(CAPTURE)
HOST = "d2da98c4b4f5454cbdb311f4701ad1a1"


def at(tick: list[dict]) -> datetime:
    return datetime.fromtimestamp(tick[0]["timestamp"], UTC)


def ending_now(ticks: list[list[dict]], *, seconds_ago: int = 0) -> list[list[dict]]:
    """ticks moved in time so that the last one is `seconds_ago` before now."""
    offset = int(timezone.now().timestamp()) - seconds_ago - ticks[-1][0]["timestamp"]
    return [[{**item, "timestamp": item["timestamp"] + offset} for item in tick] for tick in ticks]


def trickle(client, key: str, ticks: list[list[dict]], *, host: str = HOST) -> None:
    """Posts each tick as pcc does."""
    for tick in ticks:
        response = post_like_pcc(client, key, envelope(host, tick))
        assert response.status_code == 200, response.content
