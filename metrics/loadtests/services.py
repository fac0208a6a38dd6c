"""Load tests (contract §9.1): work units a server does at each busy level, entered by hand
or measured by its collector's pcd daemon, and the comparison of servers by them.

    loadtest_list(*, organization, collector_uuid=None) -> QuerySet     newest first
    loadtest_create(*, organization, created_by, collector, **fields) -> LoadTest
    loadtest_update(*, load_test, **fields) -> LoadTest
    loadtest_delete(*, load_test) -> None
    loadtest_queued_create(*, organization, created_by, collector, notes="") -> LoadTest
        status queued, for a job to measure (jobs.loadtest_run_queue queues both).
        LoadTestRefused (400) when the collector has no pcd address or key
    loadtest_measure(*, load_test_id) -> None             the job: queued -> running ->
        completed (the ten levels) or failed (`error`: the contract's message, or for any
        other exception "Internal error while measuring (<kind>)"); its last write retried
        while the database is away (database_retried)
    loadtest_unrecorded_fail() -> None                    the stalled-job check: load tests
        whose job ended without recording them (the database away too long) end failed
    pcd_run(*, collector) -> PcdLoadTest                  the pcd call of a collector (pcd.py)
    loadtest_compare(*, organization, collector_uuids) -> {"servers": [...], "ratios": {...}}

Arithmetic (§9.1): data = the ten levels ascending; maxUnits = the largest; avgUnits = their
sum // 10 (a level not measured counts 0). In a comparison each requested collector of the
organization with a completed load test is one server (its newest one; others are skipped),
its colour the palette's at its position in the request; pricePerformance = maxUnits /
hourly_cost and each ratio = maxUnits / the first server's maxUnits, both computed exactly
(Decimal) and rounded half-up to 2 decimals; null without a positive cost, with maxUnits 0,
or (a ratio) when the first server's maxUnits is 0.
"""

import logging
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Organization
from metrics.loadtests.models import LOAD_LEVELS, LoadTest, LoadTestStatus
from metrics.loadtests.pcd import PcdLoadTest, pcd_loadtest_call
from metrics.models import Collector, VmBrand
from metrics.pcd_address import PcdError
from xat.encryption import decrypt
from xat.sqlfiles import fetch_all, fetch_dicts

UNIT_FIELDS = tuple(f"units_{level}pct" for level in LOAD_LEVELS)
UNRECORDED_ERROR = "The job ended without recording its outcome (the database was unavailable): run it again"
PALETTE = ("#3b82f6", "#ef4444", "#22c55e", "#f59e0b", "#8b5cf6", "#ec4899", "#06b6d4", "#f97316")
PROVIDERS = {VmBrand.AWS: "AWS", VmBrand.AZURE: "Azure", VmBrand.GCP: "GCP", VmBrand.ORACLE_CLOUD: "OCI",
             VmBrand.VMWARE: "VMware", VmBrand.BARE_METAL: "Bare Metal"}
_CENTS = Decimal("0.01")
logger = logging.getLogger(__name__)


class LoadTestRefused(Exception):
    """A run that cannot start: `message` is the contract's 400 error."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def provider_label(vm_brand: str) -> str:
    """The collector's vm_brand as the contract's `provider` (§9.1)."""
    return PROVIDERS.get(vm_brand, vm_brand or "Unknown")


def loadtest_levels(units: dict | LoadTest) -> list[int]:
    """The ten levels' work units, 10 % first, of a LoadTest or a row with its unit fields."""
    get = units.get if isinstance(units, dict) else lambda name: getattr(units, name)
    return [get(name) for name in UNIT_FIELDS]


def loadtest_list(*, organization: Organization, collector_uuid=None) -> QuerySet:
    tests = LoadTest.objects.filter(organization=organization).select_related("collector")
    if collector_uuid is not None:
        tests = tests.filter(collector__uuid=collector_uuid)
    return tests.order_by("-created_at", "-id")


def loadtest_create(*, organization: Organization, created_by, collector: Collector, **fields) -> LoadTest:
    """fields: notes, benchmark, units_<level>pct; collector is the organization's (the
    caller resolves it in the organization: S5)."""
    return LoadTest.objects.create(organization=organization, created_by=created_by, collector=collector, **fields)


def loadtest_update(*, load_test: LoadTest, **fields) -> LoadTest:
    for name, value in fields.items():
        setattr(load_test, name, value)
    load_test.save(update_fields=list(fields))
    return load_test


def loadtest_delete(*, load_test: LoadTest) -> None:
    load_test.delete()


def loadtest_queued_create(*, organization: Organization, created_by, collector: Collector,
                           notes: str = "") -> LoadTest:
    """A load test waiting for its job (created with it: jobs.loadtest_run_queue)."""
    _pcd_configured(collector)
    return LoadTest.objects.create(organization=organization, created_by=created_by, collector=collector,
                                   notes=notes, status=LoadTestStatus.QUEUED)


def loadtest_measure(*, load_test_id) -> None:
    """Runs a queued load test (again, if a worker died while it ran): pcd's levels, or the
    reason it failed, on the row."""
    load_test = LoadTest.objects.select_related("collector").filter(
        pk=load_test_id, status__in=(LoadTestStatus.QUEUED, LoadTestStatus.RUNNING)).first()
    if load_test is None:
        return  # deleted while it waited, or done by an earlier attempt
    # Recorded by UPDATE: a load test deleted (or its collector) while pcd ran is left gone.
    recorded = LoadTest.objects.filter(pk=load_test.pk)
    recorded.update(status=LoadTestStatus.RUNNING, started_at=timezone.now())
    try:
        outcome = {"status": LoadTestStatus.COMPLETED, **loadtest_units(pcd_run(collector=load_test.collector))}
    except Exception as failure:  # whatever it is, the row ends with its reason, never left `running`
        outcome = {"status": LoadTestStatus.FAILED, "error": job_failure_reason(failure)[:300]}
    database_retried(lambda: recorded.update(finished_at=timezone.now(), **outcome))


def job_failure_reason(failure: Exception) -> str:
    """Why a load test (or a comparison's server) failed: the contract's message of a refusal
    or of pcd's failure; for anything else its kind only (logged with its traceback)."""
    if isinstance(failure, (PcdError, LoadTestRefused)):
        return failure.message
    logger.error("load test job: unexpected error", exc_info=failure)
    return f"Internal error while measuring ({type(failure).__name__})"


def database_retried(write: Callable[[], object]) -> None:
    """write() again, on a new connection, while the database is unreachable or dropped the
    job's connection (a restart), for up to XAT_JOB_RECORD_RETRY_SECONDS: a job's last
    write would otherwise leave its row `running` for ever. Past that, the error is raised
    (the job fails; the row stays open until the stalled-job check ends it:
    loadtest_unrecorded_fail, jobs.comparison_unrecorded_resume)."""
    deadline = time.monotonic() + settings.XAT_JOB_RECORD_RETRY_SECONDS
    pause = 0.5
    while True:
        try:
            write()
            return
        except (OperationalError, InterfaceError) as error:
            if time.monotonic() + pause > deadline:
                raise
            logger.warning("load test job: database unavailable while recording (%s); retrying in %.1f s",
                           type(error).__name__, pause)
            connections.close_all()  # this thread's: the next write opens a new one
            time.sleep(pause)
            pause = min(pause * 2, 10.0)


def loadtest_unrecorded_fail() -> None:
    """Ends `failed` the load tests still queued or running whose job has ended: a job whose
    last write gave up (database_retried) while procrastinate, waiting longer, recorded the
    job's end once the database was back; nothing would take such a row up again."""
    ended = fetch_all("loadtest_unrecorded_fail", error=UNRECORDED_ERROR)
    for (load_test_id,) in ended:
        logger.warning("load test %s: its job ended without recording it; failed", load_test_id)


def loadtest_units(measured: PcdLoadTest) -> dict[str, int]:
    """pcd's levels as the LoadTest's fields units_<level>pct."""
    return {name: measured.levels[level] for name, level in zip(UNIT_FIELDS, LOAD_LEVELS)}


def pcd_run(*, collector: Collector) -> PcdLoadTest:
    """The collector's pcd load test (pcd.py): LoadTestRefused or PcdError otherwise."""
    _pcd_configured(collector)
    try:
        api_key = decrypt(collector.pcd_apikey_encrypted)
    except InvalidToken:
        raise LoadTestRefused("Collector's pcd_apikey cannot be read with XAT_ENCRYPTION_KEYS: set it again") from None
    return pcd_loadtest_call(address=collector.pcd_address, api_key=api_key)


def _pcd_configured(collector: Collector) -> None:
    for field, value in (("pcd_address", collector.pcd_address), ("pcd_apikey", collector.pcd_apikey_encrypted)):
        if not value:
            raise LoadTestRefused(f"Collector does not have {field} configured")


def loadtest_compare(*, organization: Organization, collector_uuids: list) -> dict:
    """{"servers", "ratios"} of §9.1 (module docstring)."""
    newest = {row["collector_uuid"]: row for row in fetch_dicts(
        "loadtest_newest_per_collector", organization_id=organization.pk, collector_uuids=list(collector_uuids))}
    servers = []
    for position, collector_uuid in enumerate(collector_uuids):
        row = newest.get(collector_uuid)
        if row is None:
            continue
        levels = loadtest_levels(row)
        cost = row["hourly_cost"]
        servers.append({
            "serverId": str(collector_uuid),
            "serverName": row["name"],
            "provider": provider_label(row["vm_brand"]),
            "color": PALETTE[position % len(PALETTE)],
            "data": loadtest_data(levels),
            "hourlyCost": None if cost is None else float(cost),
            "maxUnits": max(levels),
            "pricePerformance": _quotient(max(levels), cost) if max(levels) and cost and cost > 0 else None,
        })
    first = servers[0]["maxUnits"] if servers else 0
    ratios = {server["serverId"]: _quotient(server["maxUnits"], first) if first else None for server in servers[1:]}
    return {"servers": servers, "ratios": ratios}


def loadtest_data(levels: list[int]) -> list[dict]:
    return [{"busyPct": level, "workUnits": units} for level, units in zip(LOAD_LEVELS, levels)]


def _quotient(units: int, divisor) -> float:
    """units / divisor, exact, rounded half-up to 2 decimals."""
    return float((Decimal(units) / Decimal(divisor)).quantize(_CENTS, rounding=ROUND_HALF_UP))
