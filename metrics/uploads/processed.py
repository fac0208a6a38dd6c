"""What the processed formats (portal CSV, pcprocess zip) share: the tick they fill with the
columns they carry, and how a cell is read."""

import math
import time
from dataclasses import dataclass, field

from django.conf import settings

from metrics.ingest import EARLIEST_TICK


@dataclass
class ProcessedTick:
    cpu: dict = field(default_factory=dict)
    memory: dict | None = None
    disk: dict = field(default_factory=dict)
    network: dict = field(default_factory=dict)
    filesystems: dict = field(default_factory=dict)
    disk_total: dict | None = None
    network_total: dict | None = None
    disk_in_total: set = field(default_factory=set)


def number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def kb(text: str) -> int:
    value = number(text)
    if value < 0 or value > 2**62:
        raise ValueError(f"{text!r} is not a size in kB")
    return round(value)


def tick_time(text: str) -> int:
    """A row's time, in the bounds the agent path takes a tick in (metrics.ingest)."""
    t = math.floor(number(text))
    ahead = settings.XAT_TICK_MAX_FUTURE_SECONDS
    if not EARLIEST_TICK <= t <= int(time.time()) + ahead:
        raise ValueError(f"timestamp {text!r} is before 2000-01-01 or more than {ahead} s ahead of this server's clock")
    return t
