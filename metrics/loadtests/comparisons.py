"""Benchmark comparisons (contract §9.4, D.5).

    comparison_create(*, organization, created_by, servers, benchmark_id, duration)
        -> BenchmarkComparison      its servers pending (jobs.comparison_start queues its job)
    comparison_get(*, organization, user, comparison_id) -> BenchmarkComparison   Http404
        unless the user started it in that organization (S4)
    comparison_progress(comparison, servers) -> int   percent of its servers run
    comparison_run(*, comparison_id) -> None          the job (jobs.comparison_run_job)
    comparisons_unrecorded() -> [(comparison_id, organization_id)]   the stalled-job check:
        comparisons whose job ended without completing them (the database away too long)
    comparison_unrecorded_end(*, comparison_id) -> None   the server such a job was running
        ends failed; jobs.comparison_unrecorded_resume queues a job for the servers left

A comparison runs pcd's load test (services.pcd_run) on its servers in request order, one
at a time. Its progress is its rows: each server is pending, running, completed or failed,
and its result and load test are written in one transaction with its end. A worker that
dies leaves one server `running`; the job, run again (jobs.py), starts from that server and
skips the ones done. A server's failure is recorded on it
(§9.4's result with `error`); the comparison still completes, as the reference's does.
"""

import uuid

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import Organization
from metrics.loadtests.models import (
    BenchmarkComparison,
    BenchmarkComparisonServer,
    ComparisonServerStatus,
    ComparisonStatus,
)
from metrics.loadtests.pcd import PcdLoadTest
from metrics.loadtests.services import (
    UNRECORDED_ERROR,
    LoadTestRefused,
    database_retried,
    job_failure_reason,
    loadtest_create,
    loadtest_units,
    pcd_run,
)
from metrics.models import Collector
from xat.sqlfiles import fetch_all

MAX_COMPARED_SERVERS = 10
_OPEN = (ComparisonServerStatus.PENDING, ComparisonServerStatus.RUNNING)


def comparison_create(*, organization: Organization, created_by, servers: list[dict], benchmark_id: str,
                      duration: str) -> BenchmarkComparison:
    """servers: [{"server_id", "name"}] in the order to run them (at most MAX_COMPARED_SERVERS).
    The caller holds the transaction that queues its job with it (jobs.comparison_start)."""
    comparison = BenchmarkComparison.objects.create(organization=organization, created_by=created_by,
                                                    benchmark_id=benchmark_id, duration=duration)
    BenchmarkComparisonServer.objects.bulk_create(
        BenchmarkComparisonServer(comparison=comparison, position=position, server_id=server["server_id"],
                                  name=server.get("name", "")) for position, server in enumerate(servers))
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
    is retried while the database is away (services.database_retried)."""
    comparison = BenchmarkComparison.objects.filter(pk=comparison_id, status=ComparisonStatus.RUNNING).first()
    if comparison is None:
        return
    while server := comparison.servers.filter(status__in=_OPEN).order_by("position").first():
        database_retried(lambda: _server_started(comparison, server))
        _server_run(comparison, server)
    comparison.status, comparison.phase = ComparisonStatus.COMPLETED, "completed"
    comparison.completed_at = timezone.now()
    database_retried(lambda: comparison.save(update_fields=["status", "phase", "completed_at"]))


def comparisons_unrecorded() -> list[tuple]:
    """(id, organization_id) of the comparisons still running whose job has ended: its writes
    gave up while the database was away, and procrastinate recorded the job's end once it
    was back."""
    return fetch_all("comparison_unrecorded")


def comparison_unrecorded_end(*, comparison_id) -> None:
    """The server such a comparison's job was running ends `failed` with the reason, as
    after any server's failure; a new job goes on with the servers left (queued in the same
    transaction: jobs.comparison_unrecorded_resume)."""
    for server in BenchmarkComparisonServer.objects.filter(comparison_id=comparison_id,
                                                           status=ComparisonServerStatus.RUNNING):
        _server_failed(server, UNRECORDED_ERROR)


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
