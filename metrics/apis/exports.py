"""GET /api/performance/export/: streamed CSV, JSON or sar zip (metrics/exports.py)."""

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from accounts.tenancy import IsAnalystOrAdmin, OrganizationAPIView
from metrics.collectors import collector_get_for_org
from metrics.exports import FORMATS, RESOLUTIONS, SAR_RESOLUTIONS, export_open
from xat import replicas
from xat.openapi import error_response

_FAR_FUTURE = 253402300799  # 9999-12-31T23:59:59Z


class ExportApi(OrganizationAPIView):
    permission_classes = [IsAnalystOrAdmin]

    class FilterSerializer(serializers.Serializer):
        start = serializers.DateTimeField(required=False)
        end = serializers.DateTimeField(required=False)
        resolution = serializers.ChoiceField(
            choices=RESOLUTIONS, default="raw",
            error_messages={"invalid_choice": f"unknown resolution {{input!r}}: expected one of {', '.join(RESOLUTIONS)}"},
        )
        format = serializers.ChoiceField(choices=FORMATS, default="csv")

        def validate(self, data):
            if "start" in data and "end" in data and data["start"] >= data["end"]:
                raise serializers.ValidationError({"end": "must be after start"})
            if data["format"] == "sar" and data["resolution"] not in SAR_RESOLUTIONS:
                raise serializers.ValidationError({"format": f"sar is available at {', '.join(SAR_RESOLUTIONS)} only"})
            return data

    def perform_content_negotiation(self, request, force=False):
        # `format` is this endpoint's parameter, not DRF's renderer override; errors are JSON.
        return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(
        parameters=[OpenApiParameter("collector", str, required=True, many=True,
                                     description="Collector ids: the parameter repeated, or comma-separated.")],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, "format=csv (attachment)."),
                   (200, "application/json"): OpenApiResponse({"type": "array", "items": {"type": "object"}},
                                                              "format=json: one record per row (attachment)."),
                   (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, "format=sar: sar files (attachment)."),
                   404: error_response("A collector of another organization, or of none.", "Detail")},
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        given = [part.strip() for value in request.query_params.getlist("collector") for part in value.split(",")]
        if not any(given):
            raise serializers.ValidationError({"collector": ["Required: one or several collector ids."]})
        collectors = [collector_get_for_org(organization=request.organization, collector_id=part)
                      for part in dict.fromkeys(part for part in given if part)]
        options = filters.validated_data
        export = replicas.read(
            export_open,
            organization=request.organization,
            collectors=collectors,
            start=int(options["start"].timestamp()) if "start" in options else 0,
            end=int(options["end"].timestamp()) if "end" in options else _FAR_FUTURE,
            resolution=options["resolution"],
            format=options["format"],
        )
        response = StreamingHttpResponse(export.chunks, content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
        return response
