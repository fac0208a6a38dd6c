"""Load tests, benchmarks and benchmark comparisons (issue 14; services.py, benchmarks.py,
comparisons.py, jobs.py). Organization data: any member reads them; a comparison only its
creator (the contract's S4).

Their tables kept the names they had in the metrics app (db_table): the models moved, the
data did not (migrations/0001_initial.py)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from metrics.models import Collector

LOAD_LEVELS = (10, 20, 30, 40, 50, 60, 70, 80, 90, 100)  # busy %: one units_<level>pct each


class LoadTestStatus(models.TextChoices):
    QUEUED = "queued"  # its pcd call waits for a worker
    RUNNING = "running"
    COMPLETED = "completed"  # entered by hand, or pcd answered
    FAILED = "failed"  # see `error`


class LoadTest(models.Model):
    """Work units a server did at each busy level: entered through the API, or measured by
    its collector's pcd daemon in a background job (jobs.py)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    collector = models.ForeignKey(Collector, on_delete=models.CASCADE, related_name="load_tests", db_index=False)
    benchmark = models.ForeignKey("Benchmark", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="load_tests")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    notes = models.TextField(blank=True, default="")
    units_10pct = models.PositiveIntegerField(default=0)
    units_20pct = models.PositiveIntegerField(default=0)
    units_30pct = models.PositiveIntegerField(default=0)
    units_40pct = models.PositiveIntegerField(default=0)
    units_50pct = models.PositiveIntegerField(default=0)
    units_60pct = models.PositiveIntegerField(default=0)
    units_70pct = models.PositiveIntegerField(default=0)
    units_80pct = models.PositiveIntegerField(default=0)
    units_90pct = models.PositiveIntegerField(default=0)
    units_100pct = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=LoadTestStatus.choices, default=LoadTestStatus.COMPLETED)
    # Why a pcd run failed, in the contract's words (never pcd's raw answer).
    error = models.CharField(max_length=300, blank=True, default="")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "metrics_loadtest"
        indexes = [
            # GET /api/v1/loadtests/: the organization's load tests, newest first.
            models.Index(fields=["organization", "-created_at"], name="loadtest_org_created"),
            # ?collector_id= and the comparison's newest completed load test per collector
            # (sql/queries/loadtests.sql, loadtest_newest_per_collector).
            models.Index(fields=["collector", "status", "-created_at"], name="loadtest_collector_newest"),
        ]

    def __str__(self) -> str:
        return f"load test of {self.collector_id} ({self.status})"


class BenchmarkStatus(models.TextChoices):
    PENDING = "pending"
    COLLECTING = "collecting"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


def _score_range(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": 100}),
                                  name=f"benchmark_{field}_range")


BENCHMARK_SCORES = ("cpu_score", "memory_score", "disk_score", "network_score", "overall_score")


class Benchmark(models.Model):
    """A benchmark record of a collector (contract §9.5): what was run and its 0-100 scores."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    collector = models.ForeignKey(Collector, on_delete=models.CASCADE, related_name="benchmarks")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    name = models.CharField(max_length=200)
    benchmark_type = models.CharField(max_length=50, default="standard")
    status = models.CharField(max_length=16, choices=BenchmarkStatus.choices, default=BenchmarkStatus.PENDING)
    start_time = models.DateTimeField(null=True, blank=True)
    end_time = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    cpu_score = models.PositiveSmallIntegerField(null=True, blank=True)
    memory_score = models.PositiveSmallIntegerField(null=True, blank=True)
    disk_score = models.PositiveSmallIntegerField(null=True, blank=True)
    network_score = models.PositiveSmallIntegerField(null=True, blank=True)
    overall_score = models.PositiveSmallIntegerField(null=True, blank=True)
    error_message = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "metrics_benchmark"
        constraints = [_score_range(field) for field in BENCHMARK_SCORES]
        indexes = [
            # GET /api/v1/benchmarks/ (and /stats/): the organization's benchmarks, newest first.
            models.Index(fields=["organization", "-created_at"], name="benchmark_org_created"),
        ]

    def __str__(self) -> str:
        return self.name


class ComparisonStatus(models.TextChoices):
    RUNNING = "running"
    COMPLETED = "completed"


class BenchmarkComparison(models.Model):
    """A run of the pcd load test on several servers in turn (contract §9.4), by one job
    (jobs.py) whose progress is these rows: a restarted worker carries on with the first
    server not done."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    # Only its creator reads it (S4); a comparison whose creator is gone is read by nobody.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    benchmark_id = models.CharField(max_length=200)
    duration = models.CharField(max_length=50)
    status = models.CharField(max_length=16, choices=ComparisonStatus.choices, default=ComparisonStatus.RUNNING)
    phase = models.CharField(max_length=300, default="initializing")
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "metrics_benchmarkcomparison"

    def __str__(self) -> str:
        return f"comparison {self.id} ({self.status})"


class ComparisonServerStatus(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class BenchmarkComparisonServer(models.Model):
    """One server of a comparison, in request order (position), as the request named it."""

    comparison = models.ForeignKey(BenchmarkComparison, on_delete=models.CASCADE, related_name="servers")
    position = models.PositiveSmallIntegerField()
    # As sent: a collector's UUID, or anything (which then fails as "Collector not found").
    server_id = models.CharField(max_length=100)
    name = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(max_length=16, choices=ComparisonServerStatus.choices,
                              default=ComparisonServerStatus.PENDING)
    # {success, metrics_collected, metrics, samples, error[, raw_data]} once run (§9.4).
    result = models.JSONField(null=True, blank=True)
    load_test = models.ForeignKey(LoadTest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "metrics_benchmarkcomparisonserver"
        constraints = [
            models.UniqueConstraint(fields=["comparison", "position"], name="comparison_server_position"),
        ]

    def __str__(self) -> str:
        return f"{self.server_id} ({self.status})"
