"""Benchmarks (contract §9.5) and benchmark comparisons (§9.4, D.5).

    benchmark_list(*, organization, status=None, collector_uuid=None) -> QuerySet   newest first
    benchmark_create(*, organization, created_by, **fields) -> Benchmark
    benchmark_update(*, benchmark, **fields) -> Benchmark
    benchmark_delete(*, benchmark) -> None
    benchmark_stats(*, organization) -> {"total", "by_status", "avg_scores"}

    comparison_start(*, organization, created_by, servers, benchmark_id, duration)
        -> BenchmarkComparison      its servers pending, its job queued (one transaction)
    comparison_get(*, organization, user, comparison_id) -> BenchmarkComparison   Http404
        unless the user started it in that organization (S4)
    comparison_progress(comparison, servers) -> int   percent of its servers run
    comparison_run(*, comparison_id) -> None          the job (metrics/loadtest_jobs.py)
    comparison_unrecorded_resume() -> None            the stalled-job check: comparisons
        whose job ended without completing them (the database away too long) go on

A comparison runs pcd's load test (metrics/loadtests.pcd_run) on its servers in request
order, one at a time. Its progress is its rows: each server is pending, running, completed
or failed, and its result and load test are written in one transaction with its end. A
worker that dies leaves one server `running`; the job, run again (metrics/loadtest_jobs.py),
starts from that server and skips the ones done. A server's failure is recorded on it
(§9.4's result with `error`); the comparison still completes, as the reference's does.
"""

import logging
import uuid

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Organization
from metrics.loadtests import (
    UNRECORDED_ERROR,
    LoadTestRefused,
    database_retried,
    job_failure_reason,
    loadtest_create,
    loadtest_units,
    pcd_run,
)
from metrics.models import (
    BENCHMARK_SCORES,
    Benchmark,
    BenchmarkComparison,
    BenchmarkComparisonServer,
    BenchmarkStatus,
    Collector,
    ComparisonServerStatus,
    ComparisonStatus,
)
from metrics.pcd import PcdLoadTest
from metrics.jobs import organization_job_defer
from xat.sqlfiles import fetch_all

MAX_COMPARED_SERVERS = 10
_OPEN = (ComparisonServerStatus.PENDING, ComparisonServerStatus.RUNNING)
logger = logging.getLogger(__name__)


def benchmark_list(*, organization: Organization, status: str | None = None, collector_uuid=None) -> QuerySet:
    benchmarks = Benchmark.objects.filter(organization=organization).select_related("collector", "created_by",
                                                                                    "organization")
    if status is not None:
        benchmarks = benchmarks.filter(status=status)
    if collector_uuid is not None:
        benchmarks = benchmarks.filter(collector__uuid=collector_uuid)
    return benchmarks.order_by("-created_at", "-id")


def benchmark_create(*, organization: Organization, created_by, **fields) -> Benchmark:
    """fields: the model's; `collector` is the organization's (the caller resolves it: S5)."""
    return Benchmark.objects.create(organization=organization, created_by=created_by, **fields)


def benchmark_update(*, benchmark: Benchmark, **fields) -> Benchmark:
    for name, value in fields.items():
        setattr(benchmark, name, value)
    benchmark.save()
    return benchmark


def benchmark_delete(*, benchmark: Benchmark) -> None:
    benchmark.delete()


def benchmark_stats(*, organization: Organization) -> dict:
    """The count of benchmarks, per status (all six), and the mean of each score over the
    completed ones (1 decimal; {} when none is completed)."""
    benchmarks = Benchmark.objects.filter(organization=organization)
    counted = dict(benchmarks.values_list("status").annotate(count=Count("id")).order_by())
    completed = benchmarks.filter(status=BenchmarkStatus.COMPLETED)
    averages = {}
    if completed.exists():
        means = completed.aggregate(**{score: Avg(score) for score in BENCHMARK_SCORES})
        averages = {score.removesuffix("_score"): None if mean is None else round(float(mean), 1)
                    for score, mean in means.items()}
    return {"total": sum(counted.values()),
            "by_status": {status: counted.get(status, 0) for status in BenchmarkStatus.values},
            "avg_scores": averages}


def comparison_start(*, organization: Organization, created_by, servers: list[dict], benchmark_id: str,
                     duration: str) -> BenchmarkComparison:
    """servers: [{"server_id", "name"}] in the order to run them (at most MAX_COMPARED_SERVERS)."""
    from metrics.loadtest_jobs import comparison_run_job  # the job module imports this one

    with transaction.atomic():
        comparison = BenchmarkComparison.objects.create(organization=organization, created_by=created_by,
                                                        benchmark_id=benchmark_id, duration=duration)
        BenchmarkComparisonServer.objects.bulk_create(
            BenchmarkComparisonServer(comparison=comparison, position=position, server_id=server["server_id"],
                                      name=server.get("name", "")) for position, server in enumerate(servers))
        organization_job_defer(comparison_run_job, organization_id=organization.pk,
                               comparison_id=str(comparison.pk))
    return comparison


def comparison_get(*, organization: Organization, user, comparison_id) -> BenchmarkComparison:
    comparison = BenchmarkComparison.objects.filter(pk=comparison_id, organization=organization,
                                                    created_by=user).first()
    if comparison is None:
        raise Http404("No such comparison.")
    return comparison


def comparison_servers(comparison: BenchmarkComparison) -> list[BenchmarkComparisonServer]:
    return list(comparison.servers.order_by("position"))


def comparison_progress(comparison: BenchmarkComparison, servers: list[BenchmarkComparisonServer]) -> int:
    """Percent done (§9.4): the servers run (completed or failed) of all, rounded down."""
    if comparison.status == ComparisonStatus.COMPLETED:
        return 100
    if not servers:
        return 0
    return sum(server.status not in _OPEN for server in servers) * 100 // len(servers)


def comparison_run(*, comparison_id) -> None:
    """Runs the comparison's servers not done yet, in order, then completes it. Every write
    is retried while the database is away (metrics.loadtests.database_retried)."""
    comparison = BenchmarkComparison.objects.filter(pk=comparison_id, status=ComparisonStatus.RUNNING).first()
    if comparison is None:
        return
    while server := comparison.servers.filter(status__in=_OPEN).order_by("position").first():
        database_retried(lambda: _server_started(comparison, server))
        _server_run(comparison, server)
    comparison.status, comparison.phase = ComparisonStatus.COMPLETED, "completed"
    comparison.completed_at = timezone.now()
    database_retried(lambda: comparison.save(update_fields=["status", "phase", "completed_at"]))


def comparison_unrecorded_resume() -> None:
    """Comparisons still running whose job has ended (its writes gave up while the database
    was away; procrastinate recorded the job's end once it was back): the server it was
    running ends `failed` with the reason and a new job goes on with the servers left, as
    after any server's failure."""
    from metrics.loadtest_jobs import comparison_run_job  # the job module imports this one

    for comparison_id, organization_id in fetch_all("comparison_unrecorded"):
        with transaction.atomic():
            for server in BenchmarkComparisonServer.objects.filter(comparison_id=comparison_id,
                                                                   status=ComparisonServerStatus.RUNNING):
                _server_failed(server, UNRECORDED_ERROR)
            organization_job_defer(comparison_run_job, organization_id=organization_id,
                                   comparison_id=str(comparison_id))
        logger.warning("comparison %s: its job ended before the comparison did; queued again", comparison_id)


def _server_started(comparison: BenchmarkComparison, server: BenchmarkComparisonServer) -> None:
    server.status = ComparisonServerStatus.RUNNING
    server.save(update_fields=["status"])
    comparison.phase = f"Running benchmark on {server.name or server.server_id}"[:300]
    comparison.save(update_fields=["phase"])


def _server_run(comparison: BenchmarkComparison, server: BenchmarkComparisonServer) -> None:
    """One server's load test (D.5 steps 2-10): its result and load test, or its failure,
    whatever the failure is: the comparison goes on with its next server."""
    try:
        collector = Collector.objects.filter(organization_id=comparison.organization_id,
                                             uuid=_uuid_or_none(server.server_id)).first()
        if collector is None:
            raise LoadTestRefused("Collector not found")
        measured = pcd_run(collector=collector)
    except Exception as failure:
        reason = job_failure_reason(failure)
        database_retried(lambda: _server_failed(server, reason))
        return
    database_retried(lambda: _server_completed(comparison, server, collector, measured))


def _server_completed(comparison: BenchmarkComparison, server: BenchmarkComparisonServer, collector: Collector,
                      measured: PcdLoadTest) -> None:
    busy = [level for level, _ in measured.points]
    worked = [units for _, units in measured.points if units]
    try:
        # Both or neither: a worker that dies here leaves the server to run again, without a load test.
        with transaction.atomic():
            server.load_test = loadtest_create(
                organization=comparison.organization, created_by=comparison.created_by, collector=collector,
                notes=f"Benchmark comparison: {comparison.pk}", **loadtest_units(measured))
            server.status, server.result = ComparisonServerStatus.COMPLETED, {
                "success": True, "metrics_collected": True, "error": None, "samples": len(measured.points),
                "metrics": {"avgCpu": sum(busy) / len(busy) if busy else 0.0, "maxCpu": float(max(busy, default=0)),
                            "avgMemory": 0.0, "maxMemory": 0.0, "avgDiskIO": 0.0, "maxDiskIO": 0.0},
                "raw_data": {"loadTestData": [{"busyPct": level, "workUnits": units}
                                              for level, units in measured.points],
                             "maxUnits": max(worked, default=0),
                             "avgUnits": sum(worked) / len(worked) if worked else 0.0}}
            server.save(update_fields=["status", "result", "load_test"])
    except IntegrityError:  # its collector was deleted while pcd ran (the deferred key check, at commit)
        server.load_test = None
        _server_failed(server, "Collector not found")


def _server_failed(server: BenchmarkComparisonServer, error: str) -> None:
    server.status, server.result = ComparisonServerStatus.FAILED, {
        "success": False, "metrics_collected": False, "error": error, "metrics": {}, "samples": 0}
    server.save(update_fields=["status", "result"])


def _uuid_or_none(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None
