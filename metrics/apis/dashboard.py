"""GET /api/dashboard/collectors/{id}/<chart>/: charts, summary and live feed of one
collector (metrics/dashboard.py; docs/api.md, "Dashboard"). Each view parses its query
string, fetches the collector (404 for another organization's), calls one function, on a
read replica when one is healthy (xat/replicas.py)."""

import orjson
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from accounts.tenancy import OrganizationAPIView
from metrics import dashboard
from metrics.collectors import collector_get_for_org
from xat import replicas
from xat.openapi import shape


class OrjsonRenderer(BaseRenderer):
    """JSON by orjson: a disk or network chart (~300 kB of floats) renders in 0.3 ms instead
    of DRF's 6 ms with the standard library (docs/performance.md, "Dashboard"). The same
    JSON: compact, UTF-8; a NaN or infinity becomes null (DRF's strict JSON would fail).
    DRF keys a list item's errors by its index, an int: such a body is rendered again with
    OPT_NON_STR_KEYS, which is slower, so only a body that needs it pays."""

    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        try:
            return orjson.dumps(data)
        except orjson.JSONEncodeError:
            return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)


class DashboardApi(OrganizationAPIView):
    renderer_classes = [OrjsonRenderer]


@extend_schema_field({"type": "string", "description": "ISO 8601 (naive: UTC) or Unix seconds"})
class InstantField(serializers.Field):
    """ISO 8601 (naive: UTC) or Unix seconds."""

    def to_internal_value(self, data):
        try:
            return dashboard.instant_parse(data)
        except (TypeError, ValueError):
            raise serializers.ValidationError("expected an ISO 8601 date-time or Unix seconds") from None


class RangeSerializer(serializers.Serializer):
    start = InstantField(required=False)
    end = InstantField(required=False)
    hours = serializers.FloatField(required=False, min_value=1 / 3600, max_value=dashboard.HOURS_MAX)


def _window(request, serializer_class, collector):
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    data = params.validated_data
    window = dashboard.window_resolve(start=data.get("start"), end=data.get("end"), hours=data.get("hours"),
                                      latest=collector.last_seen)
    return window, data


class _ChartApi(DashboardApi):
    family: str

    class InputSerializer(RangeSerializer):
        points = serializers.IntegerField(required=False, default=dashboard.POINTS_DEFAULT, min_value=1,
                                          max_value=dashboard.POINTS_MAX)
        stat = serializers.ChoiceField(
            choices=dashboard.STATS, default="avg",
            error_messages={"invalid_choice": f"unknown stat {{input!r}}: expected one of {', '.join(dashboard.STATS)}"},
        )

    @extend_schema(responses=shape(dashboard.Chart))
    def get(self, request, collector_id):
        collector = collector_get_for_org(organization=request.organization, collector_id=collector_id)
        window, data = _window(request, self.InputSerializer, collector)
        return Response(replicas.read(dashboard.chart, collector=collector, family=self.family, window=window,
                                      points=data["points"], stat=data["stat"],
                                      per_core=data.get("per_core", False)))


@extend_schema(examples=[OpenApiExample("Two 1-minute buckets", response_only=True, value={
    "collector": {"id": 7, "name": "web-1"}, "resolution": "1m", "start": "2026-01-22T14:00:00Z",
    "end": "2026-01-22T14:02:00Z", "timestamps": [1769090400, 1769090460],
    "series": {"user": [12.4, 48.9], "nice": [0.0, 0.0], "system": [2.1, 5.3], "iowait": [0.2, 0.1],
               "irq": [0.0, 0.0], "softirq": [0.1, 0.3], "steal": [0.0, 0.0], "idle": [85.2, 45.4],
               "busy": [14.8, 54.6]},
    "units": {"user": "%", "nice": "%", "system": "%", "iowait": "%", "irq": "%", "softirq": "%", "steal": "%",
              "idle": "%", "busy": "%"}})])
class CpuChartApi(_ChartApi):
    family = "cpu"

    class InputSerializer(_ChartApi.InputSerializer):
        per_core = serializers.BooleanField(required=False, default=False)


class MemoryChartApi(_ChartApi):
    family = "memory"


class DiskChartApi(_ChartApi):
    family = "disk"


class NetworkChartApi(_ChartApi):
    family = "network"


class FilesystemChartApi(_ChartApi):
    family = "filesystem"


class SummaryApi(DashboardApi):
    class InputSerializer(RangeSerializer):
        pass

    @extend_schema(responses=shape(dashboard.Summary))
    def get(self, request, collector_id):
        collector = collector_get_for_org(organization=request.organization, collector_id=collector_id)
        window, _ = _window(request, self.InputSerializer, collector)
        return Response(replicas.read(dashboard.summary, collector=collector, window=window))


class LiveApi(DashboardApi):
    class InputSerializer(serializers.Serializer):
        since = InstantField()

    @extend_schema(responses=shape(dashboard.Live))
    def get(self, request, collector_id):
        collector = collector_get_for_org(organization=request.organization, collector_id=collector_id)
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(replicas.read(dashboard.live, collector=collector, since=params.validated_data["since"]))
