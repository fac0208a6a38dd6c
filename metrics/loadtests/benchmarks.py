"""Benchmarks (contract §9.5): a collector's benchmark records and their scores.

    benchmark_list(*, organization, status=None, collector_uuid=None) -> QuerySet   newest first
    benchmark_create(*, organization, created_by, **fields) -> Benchmark
    benchmark_update(*, benchmark, **fields) -> Benchmark
    benchmark_delete(*, benchmark) -> None
    benchmark_stats(*, organization) -> {"total", "by_status", "avg_scores"}
"""

from django.db.models import Avg, Count, QuerySet

from accounts.models import Organization
from metrics.loadtests.models import BENCHMARK_SCORES, Benchmark, BenchmarkStatus


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
