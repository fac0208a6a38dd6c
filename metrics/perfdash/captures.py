"""The perf-dashboard's replay page (contract §9.2, §9.3): each upload (metrics.models.Upload)
as a "capture", read back from its collector's stored series over the range of its file's
ticks, those it stored and those the collector held already (the same file uploaded again
stores nothing and is a capture of the same samples).

    capture_list(*, organization) -> list[dict]
    capture_data(*, upload) -> dict | None

A capture's series and summary are read at the level XAT's dashboard would chart its range
with (metrics.dashboard.resolution_choose, POINTS_DEFAULT buckets at most): raw samples up
to about 83 minutes, one aggregate level beyond, so neither a long capture nor a long list
costs a scan of raw samples. The list's summaries take one statement per level in use (at
most four), whatever the number of uploads, and one look per capture older than a retention
period at the levels that hold it (metrics.dashboard.levels_held: retention counts from
arrival, so an old capture uploaded lately keeps its raw samples).
"""

from collections import defaultdict
from datetime import UTC

from django.utils import timezone

from accounts.models import Organization
from metrics import aggregates, dashboard
from metrics.perfdash.charts import CONVERSIONS, MIB, host_series, upload_window
from metrics.uploads.models import Upload
from xat import sqlfiles
from xat.timestamps import iso_naive, iso_offset

# The catalogue families the dashboard has a conversion for, in its order (cpu, memory, disk, network).
METRIC_FAMILIES = tuple(CONVERSIONS)
MBIT = 1_000_000


def capture_list(*, organization: Organization, using: str = "default") -> list[dict]:
    """The organization's uploads that have a collector, newest first (from the primary),
    with their summaries read from `using`."""
    uploads = list(Upload.objects.filter(organization=organization, collector__isnull=False)
                   .select_related("collector").order_by("-created_at", "-pk"))
    summaries = _summaries(organization=organization, uploads=uploads, using=using)
    return [{
        "id": str(upload.uuid),
        "name": _name(upload),
        "serverName": upload.collector.name,
        "serverId": str(upload.collector.uuid),
        "duration": f"{_ticks(upload)} samples",
        "capturedAt": iso_offset(upload.created_at),
        "metrics": summaries.get(upload.pk, _NOTHING)[1],
        "sampleCount": _ticks(upload),
        "summary": summaries.get(upload.pk, _NOTHING)[0],
    } for upload in uploads]


_NOTHING = ({"avgCpu": 0.0, "avgMemory": 0.0, "avgDiskIO": 0.0}, [])  # an upload whose file held no tick


def capture_data(*, upload: Upload, using: str = "default") -> dict | None:
    """One point per tick (or bucket) with a CPU value over the upload's sample times; a
    subsystem without a value there gives 0. None: the upload's collector is gone."""
    collector = upload.collector
    if collector is None:
        return None
    window = upload_window(upload)
    cpu, memory, disk, network = (host_series(collector=collector, family=family, window=window, using=using)
                                  for family in METRIC_FAMILIES)

    def at_cpu_times(series, field, scale=1.0):
        by_time = dict(zip(series.times, series.fields[field]))
        return [round(by_time.get(moment, 0.0) * scale, 2) for moment in cpu.times]

    to_mbit = MIB * 8 / MBIT  # MiB/s -> Mbit/s (decimal), the unit of the live view (§1.9)
    return {
        "id": str(upload.uuid),
        "name": _name(upload),
        "serverName": collector.name,
        "capturedAt": iso_offset(upload.created_at),
        "timeSeries": {
            "timestamps": [iso_naive(moment) for moment in cpu.times],
            "cpu": [round(100 - idle, 2) for idle in cpu.fields["cpu_idle"]],
            "memory": at_cpu_times(memory, "mem_used_percent"),
            "diskRead": at_cpu_times(disk, "disk_read_mbps"),
            "diskWrite": at_cpu_times(disk, "disk_write_mbps"),
            "networkRx": at_cpu_times(network, "net_rx_mbps", to_mbit),
            "networkTx": at_cpu_times(network, "net_tx_mbps", to_mbit),
        },
    }


def _name(upload: Upload) -> str:
    return upload.description or f"Collection {upload.created_at.astimezone(UTC):%Y-%m-%d %H:%M}"


def _ticks(upload: Upload) -> int:
    # XAT reads several formats (pcc NDJSON, pcprocess trees, ...): the ticks its file held
    # are the one count they share, where the reference counted NDJSON lines; those its
    # collector held already (the same file uploaded again) are the capture's too.
    return upload.result.get("ticks", 0) + upload.result.get("duplicate_ticks", 0)


def _summaries(*, organization: Organization, uploads: list[Upload], using: str) -> dict[int, tuple[dict, list[str]]]:
    """{upload pk: (summary, the families with values)} of the uploads whose file held
    ticks, read from their collector's samples over the file's range (those it stored or
    the collector held already): one query per level."""
    now = timezone.now()
    by_level: dict[str, list[tuple]] = defaultdict(list)
    for upload in uploads:
        window = upload_window(upload)
        if window is not None:
            level = dashboard.resolution_choose(window=window, points=dashboard.POINTS_DEFAULT, now=now,
                                                collector=upload.collector, using=using)
            by_level[level].append((upload.pk, upload.collector_id, window.start, window.end))
    summaries = {}
    for level, rows in by_level.items():
        upload_ids, collector_ids, firsts, lasts = (list(column) for column in zip(*rows))
        for upload_id, cpu, memory, disk, network in sqlfiles.fetch_rows(
                "perfdash_capture_summaries", using=using, at_level=level, organization_id=organization.pk,
                width=aggregates.WIDTHS.get(level), upload_ids=upload_ids, collector_ids=collector_ids,
                firsts=firsts, lasts=lasts)[1]:
            present = dict(zip(METRIC_FAMILIES, (cpu is not None, memory is not None, disk is not None, network)))
            summaries[upload_id] = ({"avgCpu": round(cpu or 0.0, 1), "avgMemory": round(memory or 0.0, 1),
                                     "avgDiskIO": round(disk or 0.0, 2)},
                                    [family for family in METRIC_FAMILIES if present[family]])
    return summaries
