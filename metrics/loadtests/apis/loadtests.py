"""Load tests (contract §9.1) at /api/v1/loadtests/ and its singular alias /api/v1/loadtest/
(metrics/loadtests/services.py). Organization data: every member reads, analysts and admins write;
a collector named in a body must be the organization's (S5), one in the URL answers 404.

Running a load test is a background job (metrics/loadtests/jobs.py): POST .../run/{id}/
answers 201 at once with the load test in status `queued`; GET .../{id}/ follows it to
`completed` (its ten levels) or `failed` (`error`: the message the contract's synchronous
run endpoint answered, e.g. "pcd daemon timed out").
"""

import uuid

import orjson
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.pagination import paginated_response
from accounts.tenancy import IsAnalystOrAdmin
from metrics.perfdash.apis.base import COLLECTOR, COLLECTOR_NOT_FOUND, PerfdashApi
from metrics.perfdash.apis.pagination import ContractPagination
from metrics.loadtests.jobs import loadtest_run_queue
from metrics.loadtests.models import LoadTest
from metrics.loadtests.services import (
    UNIT_FIELDS,
    LoadTestRefused,
    loadtest_compare,
    loadtest_create,
    loadtest_data,
    loadtest_delete,
    loadtest_levels,
    loadtest_list,
    loadtest_update,
    provider_label,
)
from metrics.models import Collector
from xat.openapi import error_response, paginated

LOAD_TEST = (LoadTest.objects.select_related("collector"), "pk")
MAX_COMPARED = 10


@extend_schema_field(OpenApiTypes.UUID)
class OrganizationCollectorField(serializers.SlugRelatedField):
    """A collector of the request's organization, by its UUID (S5: never another one's)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="uuid", **kwargs)

    def get_queryset(self):
        return Collector.objects.filter(organization=self.context["organization"])


class LoadTestSerializer(serializers.Serializer):
    """The LoadTest object of §9.1, then XAT's job fields (`status`, `error`)."""

    id = serializers.UUIDField()
    collectorId = serializers.UUIDField(source="collector.uuid")
    serverName = serializers.CharField(source="collector.name")
    provider = serializers.SerializerMethodField()
    benchmarkId = serializers.UUIDField(source="benchmark_id", allow_null=True)
    data = serializers.SerializerMethodField()
    maxUnits = serializers.SerializerMethodField()
    avgUnits = serializers.SerializerMethodField()
    notes = serializers.CharField()
    createdAt = serializers.DateTimeField(source="created_at")
    collector = serializers.UUIDField(source="collector.uuid")
    locals().update({name: serializers.IntegerField() for name in UNIT_FIELDS})
    status = serializers.CharField(help_text="queued, running (a pcd run), completed, failed")
    error = serializers.CharField(help_text="why a pcd run failed; empty otherwise")

    def get_provider(self, load_test) -> str:
        return provider_label(load_test.collector.vm_brand)

    def get_data(self, load_test) -> list[dict]:
        return loadtest_data(loadtest_levels(load_test))

    def get_maxUnits(self, load_test) -> int:
        return max(loadtest_levels(load_test))

    def get_avgUnits(self, load_test) -> int:
        return sum(loadtest_levels(load_test)) // len(UNIT_FIELDS)


class LoadTestInputSerializer(serializers.Serializer):
    collector = OrganizationCollectorField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    # Each level as the table holds it (a PostgreSQL integer, >= 0).
    locals().update({name: serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, default=0)
                     for name in UNIT_FIELDS})


def with_filters(schema: dict, *filters: OpenApiParameter) -> dict:
    """A list's extend_schema arguments (xat.openapi.paginated) with its filter parameters."""
    return {**schema, "parameters": [*schema["parameters"], *filters]}


class LoadTestListApi(PerfdashApi):
    """GET: the organization's load tests, newest first, paginated; ?collector_id= filters."""

    class FilterSerializer(serializers.Serializer):
        collector_id = serializers.UUIDField(required=False)

    @extend_schema(**with_filters(paginated(LoadTestSerializer, paginator_class=ContractPagination),
                                   OpenApiParameter("collector_id", uuid.UUID)))
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        tests = loadtest_list(organization=request.organization,
                              collector_uuid=filters.validated_data.get("collector_id"))
        return paginated_response(tests, LoadTestSerializer, request=request, view=self,
                                  paginator_class=ContractPagination)


class LoadTestCreateApi(PerfdashApi):
    """POST: `collector` (required) + any units_<level>pct + notes -> 201 LoadTest."""

    permission_classes = [IsAnalystOrAdmin]
    InputSerializer = LoadTestInputSerializer

    @extend_schema(responses={201: LoadTestSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data, context={"organization": request.organization})
        data.is_valid(raise_exception=True)
        load_test = loadtest_create(organization=request.organization, created_by=request.user,
                                    **data.validated_data)
        return Response(LoadTestSerializer(load_test).data, status=status.HTTP_201_CREATED)


class LoadTestDetailApi(PerfdashApi):
    url_objects = {"loadtest_uuid": LOAD_TEST}

    @extend_schema(responses=LoadTestSerializer)
    def get(self, request, loadtest_uuid):
        return Response(LoadTestSerializer(request.url_objects["loadtest_uuid"]).data)


class LoadTestUpdateApi(PerfdashApi):
    """PUT (collector required) and PATCH (any subset) of collector, notes, units_<level>pct."""

    permission_classes = [IsAnalystOrAdmin]
    url_objects = {"loadtest_uuid": LOAD_TEST}
    InputSerializer = LoadTestInputSerializer

    @extend_schema(responses=LoadTestSerializer)
    def put(self, request, loadtest_uuid):
        return self._update(request, partial=False)

    @extend_schema(responses=LoadTestSerializer)
    def patch(self, request, loadtest_uuid):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool):
        data = self.InputSerializer(data=request.data, partial=partial,
                                    context={"organization": request.organization})
        data.is_valid(raise_exception=True)
        load_test = loadtest_update(load_test=request.url_objects["loadtest_uuid"], **data.validated_data)
        return Response(LoadTestSerializer(load_test).data)


class LoadTestDeleteApi(PerfdashApi):
    permission_classes = [IsAnalystOrAdmin]
    url_objects = {"loadtest_uuid": LOAD_TEST}

    def delete(self, request, loadtest_uuid):
        loadtest_delete(load_test=request.url_objects["loadtest_uuid"])
        return Response(status=status.HTTP_204_NO_CONTENT)


_COMPARISON = inline_serializer("LoadTestComparison", fields={
    "servers": inline_serializer("LoadTestComparedServer", many=True, fields={
        "serverId": serializers.UUIDField(), "serverName": serializers.CharField(),
        "provider": serializers.CharField(), "color": serializers.CharField(),
        "data": serializers.ListField(child=serializers.DictField()),
        "hourlyCost": serializers.FloatField(allow_null=True), "maxUnits": serializers.IntegerField(),
        "pricePerformance": serializers.FloatField(allow_null=True)}),
    "ratios": serializers.DictField(child=serializers.FloatField(allow_null=True))})


class LoadTestCompareQueryApi(PerfdashApi):
    """GET ?collector_ids=<uuid>,<uuid> (or a JSON array; 1..10): the servers' newest completed
    load tests, ratios and price-performance. Errors in the custom shape (§9.1). Any member."""

    error_shape = "custom"

    @extend_schema(parameters=[OpenApiParameter("collector_ids", str, required=True,
                                                description="UUIDs, comma-separated or as a JSON array")],
                   responses={200: _COMPARISON, 400: error_response("collector_ids missing or not 1-10 UUIDs.",
                                                                    "Error")})
    def get(self, request):
        text = request.query_params.get("collector_ids", "").strip()
        if not text:
            return Response({"error": "collector_ids parameter required"}, status=status.HTTP_400_BAD_REQUEST)
        try:
            listed = orjson.loads(text) if text.startswith("[") else text.split(",")  # xat/parsers.py: why orjson
        except ValueError:
            listed = None
        if not isinstance(listed, list):
            return Response({"error": "collector_ids: UUIDs, comma-separated or as a JSON array"},
                            status=status.HTTP_400_BAD_REQUEST)
        data = serializers.ListField(child=serializers.UUIDField(), max_length=MAX_COMPARED, allow_empty=False)
        try:
            collector_uuids = data.run_validation([str(item).strip() for item in listed])
        except serializers.ValidationError as error:
            return Response({"error": f"collector_ids: {first_reason(error.detail)}"},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(loadtest_compare(organization=request.organization, collector_uuids=collector_uuids))


class LoadTestCompareApi(PerfdashApi):
    """POST {"collector_ids": [2..10 UUIDs]}: as the GET; errors as field errors (§9.1). A
    read: any member."""

    class InputSerializer(serializers.Serializer):
        collector_ids = serializers.ListField(child=serializers.UUIDField(), min_length=2, max_length=MAX_COMPARED)

    @extend_schema(responses=_COMPARISON)
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        if not data.is_valid():
            return Response(data.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(loadtest_compare(organization=request.organization,
                                         collector_uuids=data.validated_data["collector_ids"]))


def first_reason(detail) -> str:
    """The first message in DRF's (nested) errors."""
    while isinstance(detail, (list, dict)):
        detail = next(iter(detail.values() if isinstance(detail, dict) else detail), "invalid")
    return str(detail)


class LoadTestRunApi(PerfdashApi):
    """POST .../run/{collector_id}/ {"notes"?}: queues the collector's pcd load test; 201
    LoadTest in status `queued` (module docstring)."""

    permission_classes = [IsAnalystOrAdmin]
    url_objects = {"collector_uuid": COLLECTOR}
    not_found = COLLECTOR_NOT_FOUND
    error_shape = "custom"

    class InputSerializer(serializers.Serializer):
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(responses={201: LoadTestSerializer, 400: error_response(
        "The collector has no pcd address or key (or a body field is refused).", "Error")})
    def post(self, request, collector_uuid):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            load_test = loadtest_run_queue(organization=request.organization, created_by=request.user,
                                           collector=request.url_objects["collector_uuid"],
                                           notes=data.validated_data["notes"])
        except LoadTestRefused as refusal:
            return Response({"error": refusal.message}, status=status.HTTP_400_BAD_REQUEST)
        return Response(LoadTestSerializer(load_test).data, status=status.HTTP_201_CREATED)
