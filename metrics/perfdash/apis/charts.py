"""GET /dashboard/api/collectors/{id}/cpu|memory|disk|network/ (contract §6.1-§6.4):
the collector's stored series in the contract's fields and units (metrics/perfdash/charts.py).
Another organization's collector is 404 {"error": "Collector not found"} (§11.2 S1)."""

import math

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from metrics import dashboard
from metrics.perfdash import charts
from metrics.perfdash.apis.base import COLLECTOR, COLLECTOR_NOT_FOUND, PerfdashApi
from xat import replicas

NO_DATA = {"error": "No data available"}


def _answer(family: str):
    """The chart's shape: the collector, timestamps (offset style) and the contract's fields."""
    return inline_serializer(f"PerfdashChart{family.title()}", fields={
        "collector_id": serializers.UUIDField(), "collector_name": serializers.CharField(),
        "timestamps": serializers.ListField(child=serializers.DateTimeField()),
        **{name: serializers.ListField(child=serializers.FloatField())
           for name in charts.CONVERSIONS[family].names}})


def _example(summary: str, value: dict) -> OpenApiExample:
    return OpenApiExample(summary, response_only=True, value={
        "collector_id": "3f6c2a9e-8b1d-4c7e-9a51-2d0e7b4c1f88", "collector_name": "azure-b2s-01",
        "timestamps": ["2026-01-21T15:48:23+00:00", "2026-01-21T15:48:28+00:00"], **value})


class _ChartApi(PerfdashApi):
    family: str
    url_objects = {"collector_uuid": COLLECTOR}
    not_found = COLLECTOR_NOT_FOUND
    error_shape = "custom"

    class InputSerializer(serializers.Serializer):
        hours = serializers.FloatField(required=False)

        def validate_hours(self, hours: float) -> float:
            # The reference ignored `hours` (C9); XAT counts it back from the newest sample.
            if not (math.isfinite(hours) and 0 < hours <= dashboard.HOURS_MAX):
                raise serializers.ValidationError(f"must be a positive number of hours, at most {dashboard.HOURS_MAX}")
            return hours

    def get(self, request, collector_uuid):
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        answer = replicas.read(charts.chart, collector=request.url_objects["collector_uuid"], family=self.family,
                               hours=params.validated_data.get("hours"))
        return Response(NO_DATA, status=404) if answer is None else Response(answer)


@extend_schema(responses=_answer("cpu"), examples=[_example("Percent of each interval (§10.3)", {
    "cpu_user": [12.6, 48.9], "cpu_system": [2.3, 5.1], "cpu_iowait": [0.2, 0.1], "cpu_idle": [84.9, 45.9],
    "cpu_steal": [0.0, 0.0]})])
class CpuChartApi(_ChartApi):
    family = "cpu"


@extend_schema(responses=_answer("memory"), examples=[_example("MiB, labelled MB (§1.9)", {
    "mem_used_percent": [30.71, 30.8], "mem_total": [3921.45, 3921.45], "mem_used": [1204.1, 1207.66],
    "mem_available": [2717.35, 2713.79], "mem_buffers": [98.2, 98.2], "mem_cached": [1402.77, 1402.9]})])
class MemoryChartApi(_ChartApi):
    family = "memory"


@extend_schema(responses=_answer("disk"), examples=[_example("Operations/s and MiB/s (§1.9)", {
    "disk_read_iops": [0.0, 12.4], "disk_write_iops": [4.6, 30.2], "disk_read_mbps": [0.0, 0.48],
    "disk_write_mbps": [0.04, 1.21]})])
class DiskChartApi(_ChartApi):
    family = "disk"


@extend_schema(responses=_answer("network"), examples=[_example("MiB/s, not megabits (§10.4)", {
    "net_rx_mbps": [0.02, 1.37], "net_tx_mbps": [0.01, 0.12], "net_rx_pps": [21.4, 1046.2],
    "net_tx_pps": [18.2, 140.6]})])
class NetworkChartApi(_ChartApi):
    family = "network"
