"""The replay page (contract §9.2, §9.3): GET /api/v1/pcc/captures and
/api/v1/pcc/captures/{id}/data, each upload of the caller's organization read back from the
stored series (metrics/perfdash/captures.py). Another organization's upload is 404."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from metrics.perfdash import captures
from metrics.perfdash.apis.base import UPLOAD, PerfdashApi
from xat import replicas

COLLECTION_NOT_FOUND = {"error": "Collection not found"}


def _floats():
    return serializers.ListField(child=serializers.FloatField())


class CaptureSerializer(serializers.Serializer):
    """The answers' shape (metrics/perfdash/captures.py builds them)."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    serverName = serializers.CharField()
    serverId = serializers.UUIDField()
    duration = serializers.CharField()
    capturedAt = serializers.DateTimeField()
    metrics = serializers.ListField(child=serializers.CharField())
    sampleCount = serializers.IntegerField()
    summary = inline_serializer("PerfdashCaptureSummary", fields={
        "avgCpu": serializers.FloatField(), "avgMemory": serializers.FloatField(),
        "avgDiskIO": serializers.FloatField()})


class CaptureDataSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    serverName = serializers.CharField()
    capturedAt = serializers.DateTimeField()
    timeSeries = inline_serializer("PerfdashCaptureTimeSeries", fields={
        "timestamps": serializers.ListField(child=serializers.CharField(), help_text="Naive UTC (contract §1.5)."),
        "cpu": _floats(), "memory": _floats(), "diskRead": _floats(), "diskWrite": _floats(),
        "networkRx": _floats(), "networkTx": _floats()})


class CaptureListApi(PerfdashApi):
    @extend_schema(responses=inline_serializer("PerfdashCaptureList", fields={
        "captures": CaptureSerializer(many=True)}))
    def get(self, request):
        return Response({"captures": replicas.read(captures.capture_list, organization=request.organization)})


class CaptureDataApi(PerfdashApi):
    url_objects = {"upload_uuid": UPLOAD}
    not_found = COLLECTION_NOT_FOUND

    @extend_schema(responses=CaptureDataSerializer)
    def get(self, request, upload_uuid):
        answer = replicas.read(captures.capture_data, upload=request.url_objects["upload_uuid"])
        return Response(COLLECTION_NOT_FOUND, status=404) if answer is None else Response(answer)
