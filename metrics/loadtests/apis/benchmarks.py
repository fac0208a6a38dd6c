"""Benchmarks (contract §9.5, /api/v1/benchmarks/) and benchmark comparisons (§9.4,
/api/v1/pcc/benchmark/compare): metrics/loadtests/benchmarks.py, comparisons.py and
jobs.py. Every member reads benchmarks, analysts and admins write them; a collector named
in a body must be the organization's (S5). A comparison is read only by the user who
started it (S4); its progress is in the database (a worker restart does not lose it).
"""

import uuid

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.pagination import paginated_response
from accounts.tenancy import IsAnalystOrAdmin
from metrics.perfdash.apis.base import PerfdashApi
from metrics.perfdash.apis.pagination import ContractPagination
from metrics.loadtests.apis.loadtests import OrganizationCollectorField, first_reason, with_filters
from metrics.loadtests.benchmarks import (
    benchmark_create,
    benchmark_delete,
    benchmark_list,
    benchmark_stats,
    benchmark_update,
)
from metrics.loadtests.comparisons import MAX_COMPARED_SERVERS, comparison_get, comparison_progress, comparison_servers
from metrics.loadtests.jobs import comparison_start
from metrics.loadtests.models import (
    BENCHMARK_SCORES,
    Benchmark,
    BenchmarkStatus,
    ComparisonServerStatus,
    ComparisonStatus,
)
from xat.openapi import paginated
from xat.timestamps import iso_offset

BENCHMARK = (Benchmark.objects.select_related("collector", "created_by", "organization"), "pk")
COMPARISON_NOT_FOUND = {"success": False, "error": "Comparison not found or expired"}


class BenchmarkSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    collector = serializers.UUIDField(source="collector.uuid")
    collector_name = serializers.CharField(source="collector.name")
    owner_username = serializers.SerializerMethodField()
    name = serializers.CharField()
    benchmark_type = serializers.CharField()
    status = serializers.CharField()
    start_time = serializers.DateTimeField(allow_null=True)
    end_time = serializers.DateTimeField(allow_null=True)
    duration_seconds = serializers.IntegerField(allow_null=True)
    locals().update({score: serializers.IntegerField(allow_null=True) for score in BENCHMARK_SCORES})
    error_message = serializers.CharField()
    is_complete = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_owner_username(self, benchmark) -> str:
        # Its creator; once that user is gone, the organization (as collectors' owner_username).
        return benchmark.created_by.username if benchmark.created_by else benchmark.organization.slug

    def get_is_complete(self, benchmark) -> bool:
        return benchmark.status == BenchmarkStatus.COMPLETED


class BenchmarkInputSerializer(serializers.Serializer):
    collector = OrganizationCollectorField()
    name = serializers.CharField(max_length=200)
    benchmark_type = serializers.CharField(max_length=50, required=False, default="standard")


class BenchmarkUpdateSerializer(BenchmarkInputSerializer):
    """PUT (collector and name required) and PATCH: the writable fields of §9.5."""

    status = serializers.ChoiceField(choices=BenchmarkStatus.values, required=False)
    start_time = serializers.DateTimeField(required=False, allow_null=True)
    end_time = serializers.DateTimeField(required=False, allow_null=True)
    duration_seconds = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True)
    locals().update({score: serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)
                     for score in BENCHMARK_SCORES})
    error_message = serializers.CharField(required=False, allow_blank=True)


class BenchmarkListApi(PerfdashApi):
    """GET: the organization's benchmarks, newest first, paginated; ?status= and ?collector_id= filter."""

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=BenchmarkStatus.values, required=False)
        collector_id = serializers.UUIDField(required=False)

    @extend_schema(**with_filters(paginated(BenchmarkSerializer, paginator_class=ContractPagination),
                                  OpenApiParameter("status", str, enum=BenchmarkStatus.values),
                                  OpenApiParameter("collector_id", uuid.UUID)))
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        benchmarks = benchmark_list(organization=request.organization, status=filters.validated_data.get("status"),
                                    collector_uuid=filters.validated_data.get("collector_id"))
        return paginated_response(benchmarks, BenchmarkSerializer, request=request, view=self,
                                  paginator_class=ContractPagination)


class BenchmarkCreateApi(PerfdashApi):
    """POST {collector, name, benchmark_type?}: 201 echoing those three (as the reference)
    and the new benchmark's id."""

    permission_classes = [IsAnalystOrAdmin]
    InputSerializer = BenchmarkInputSerializer

    @extend_schema(responses={201: inline_serializer("NewBenchmark", fields={
        "id": serializers.UUIDField(), "collector": serializers.UUIDField(), "name": serializers.CharField(),
        "benchmark_type": serializers.CharField()})})
    def post(self, request):
        data = self.InputSerializer(data=request.data, context={"organization": request.organization})
        data.is_valid(raise_exception=True)
        benchmark = benchmark_create(organization=request.organization, created_by=request.user,
                                     **data.validated_data)
        return Response({"id": str(benchmark.id), "collector": str(benchmark.collector.uuid),
                         "name": benchmark.name, "benchmark_type": benchmark.benchmark_type},
                        status=status.HTTP_201_CREATED)


class BenchmarkDetailApi(PerfdashApi):
    url_objects = {"benchmark_uuid": BENCHMARK}

    @extend_schema(responses=BenchmarkSerializer)
    def get(self, request, benchmark_uuid):
        return Response(BenchmarkSerializer(request.url_objects["benchmark_uuid"]).data)


class BenchmarkUpdateApi(PerfdashApi):
    permission_classes = [IsAnalystOrAdmin]
    url_objects = {"benchmark_uuid": BENCHMARK}
    InputSerializer = BenchmarkUpdateSerializer

    @extend_schema(responses=BenchmarkSerializer)
    def put(self, request, benchmark_uuid):
        return self._update(request, partial=False)

    @extend_schema(responses=BenchmarkSerializer)
    def patch(self, request, benchmark_uuid):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool):
        data = self.InputSerializer(data=request.data, partial=partial, context={"organization": request.organization})
        data.is_valid(raise_exception=True)
        benchmark = benchmark_update(benchmark=request.url_objects["benchmark_uuid"], **data.validated_data)
        return Response(BenchmarkSerializer(benchmark).data)


class BenchmarkDeleteApi(PerfdashApi):
    permission_classes = [IsAnalystOrAdmin]
    url_objects = {"benchmark_uuid": BENCHMARK}

    def delete(self, request, benchmark_uuid):
        benchmark_delete(benchmark=request.url_objects["benchmark_uuid"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class BenchmarkStatsApi(PerfdashApi):
    @extend_schema(responses=inline_serializer("BenchmarkStats", fields={
        "total": serializers.IntegerField(), "by_status": serializers.DictField(child=serializers.IntegerField()),
        "avg_scores": serializers.DictField(child=serializers.FloatField(allow_null=True))}))
    def get(self, request):
        return Response(benchmark_stats(organization=request.organization))


class ComparisonStartApi(PerfdashApi):
    """POST /api/v1/pcc/benchmark/compare: queues the comparison's job; 201 at once."""

    permission_classes = [IsAnalystOrAdmin]
    error_shape = "custom"

    class InputSerializer(serializers.Serializer):
        class ServerSerializer(serializers.Serializer):
            server_id = serializers.CharField(max_length=100)
            name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
            server_info = serializers.DictField(required=False)

        servers = ServerSerializer(many=True, required=False)
        benchmark_id = serializers.CharField(max_length=200, required=False, default="perfcollector-loadtest")
        duration = serializers.CharField(max_length=50, required=False, default="300s")

    @extend_schema(responses={201: inline_serializer("ComparisonStarted", fields={
        "success": serializers.BooleanField(), "comparison_id": serializers.UUIDField(),
        "message": serializers.CharField()})})
    def post(self, request):
        if not (hasattr(request.data, "get") and request.data.get("servers")):  # a JSON array has no servers
            return Response({"error": "No servers provided"}, status=status.HTTP_400_BAD_REQUEST)
        data = self.InputSerializer(data=request.data)
        if not data.is_valid():
            field = next(iter(data.errors))
            return Response({"error": f"{field}: {first_reason(data.errors[field])}", "fields": data.errors},
                            status=status.HTTP_400_BAD_REQUEST)
        servers = data.validated_data.get("servers")
        if not servers:  # a form body's "servers" that is no list of objects reads as none
            return Response({"error": "No servers provided"}, status=status.HTTP_400_BAD_REQUEST)
        if len(servers) > MAX_COMPARED_SERVERS:
            return Response({"error": f"At most {MAX_COMPARED_SERVERS} servers per comparison"},
                            status=status.HTTP_400_BAD_REQUEST)
        comparison = comparison_start(organization=request.organization, created_by=request.user, servers=servers,
                                      benchmark_id=data.validated_data["benchmark_id"],
                                      duration=data.validated_data["duration"])
        return Response({"success": True, "comparison_id": str(comparison.pk),
                         "message": f"Benchmark comparison started for {len(servers)} servers"},
                        status=status.HTTP_201_CREATED)


class ComparisonDetailApi(PerfdashApi):
    """GET /api/v1/pcc/benchmark/compare/{id}[?include_raw_data=true]: its progress, and its
    results once completed. Only its creator's (S4); any other id answers 404."""

    not_found = COMPARISON_NOT_FOUND

    @extend_schema(parameters=[OpenApiParameter("include_raw_data", bool)],
                   responses=inline_serializer("ComparisonProgress", fields={
                       "success": serializers.BooleanField(), "comparison_id": serializers.UUIDField(),
                       "type": serializers.CharField(), "benchmark_id": serializers.CharField(),
                       "duration": serializers.CharField(), "status": serializers.CharField(),
                       "progress": serializers.IntegerField(), "phase": serializers.CharField(),
                       "servers": serializers.ListField(child=serializers.DictField()),
                       "started_at": serializers.CharField(), "completed_at": serializers.CharField(allow_null=True),
                       "error": serializers.CharField(allow_null=True),
                       "results": serializers.DictField(required=False)}))
    def get(self, request, comparison_uuid):
        comparison = comparison_get(organization=request.organization, user=request.user,
                                    comparison_id=comparison_uuid)
        servers = comparison_servers(comparison)
        body = {
            "success": True, "comparison_id": str(comparison.pk), "type": "benchmark",
            "benchmark_id": comparison.benchmark_id, "duration": comparison.duration, "status": comparison.status,
            "progress": comparison_progress(comparison, servers),
            "phase": comparison.phase,
            "servers": [{"server_id": server.server_id, "name": server.name, "status": server.status,
                         "progress": 100 if server.status == ComparisonServerStatus.COMPLETED else 0}
                        for server in servers],
            "started_at": iso_offset(comparison.started_at), "completed_at": iso_offset(comparison.completed_at),
            "error": None,
        }
        if comparison.status == ComparisonStatus.COMPLETED:
            raw = request.query_params.get("include_raw_data", "").lower() == "true"
            body["results"] = {server.server_id: server.result if raw else
                               {key: server.result.get(key) for key in ("success", "metrics_collected", "metrics",
                                                                        "samples", "error")}
                               for server in servers}
        return Response(body)

