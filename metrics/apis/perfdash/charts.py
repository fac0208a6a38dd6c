"""GET /dashboard/api/collectors/{id}/cpu|memory|disk|network/ (contract §6.1-§6.4):
the collector's stored series in the contract's fields and units (metrics/perfdash_charts.py).
Another organization's collector is 404 {"error": "Collector not found"} (§11.2 S1)."""

import math

from rest_framework import serializers
from rest_framework.response import Response

from metrics import dashboard, perfdash_charts
from metrics.apis.perfdash.base import COLLECTOR, COLLECTOR_NOT_FOUND, PerfdashApi

NO_DATA = {"error": "No data available"}


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
        answer = perfdash_charts.chart(collector=request.url_objects["collector_uuid"], family=self.family,
                                       hours=params.validated_data.get("hours"))
        return Response(NO_DATA, status=404) if answer is None else Response(answer)


class CpuChartApi(_ChartApi):
    family = "cpu"


class MemoryChartApi(_ChartApi):
    family = "memory"


class DiskChartApi(_ChartApi):
    family = "disk"


class NetworkChartApi(_ChartApi):
    family = "network"
