"""The agents' endpoints of the perf-dashboard contract (§8.1, §8.2): key auth, headers
only (accounts/agent_auth.py), JSON bodies read whatever the Content-Type (pcc may send
none), every failure a deliberate status with an {"error": ...} body, never a 500.

    POST /api/v1/register/   an agent describes its host -> 200 {"status": "registered", ...}
    POST /api/v1/metrics/    a capture file (multipart `file`) -> 201 {"status": "uploaded", ...},
                             or measurements as JSON -> 200 {"status": "received", ...}
"""

import logging
from functools import wraps

import orjson
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers

from accounts.agent_auth import agent_key_required, database_unavailable
from metrics.agent_batches import NO_METRICS, NoMetrics, agent_batch_ingest
from metrics.apis.collectors import HostFieldsSerializer
from metrics.apis.trickle import ONE_TICK, MeasurementSerializer
from metrics.collectors import bytes_from_gib, collector_for_agent, collector_register
from metrics.envelope import EnvelopeError
from metrics.trickle import trickle_refusal
from metrics.uploads.errors import UploadRejected
from metrics.uploads.jobs import upload_queue
from xat.openapi import API_KEY, agent_refusals, error_response, function_schema
from xat.request_body import BodyTooLarge, BodyUnreadable, request_body_read

logger = logging.getLogger(__name__)
DESCRIPTION_MAX_LENGTH = 200


def _refusals(view):
    """The agent paths' refusals, one mapping for both endpoints (an identifier's:
    agent_key_required); a database failure is a 503 (the request's transaction rolled
    back: nothing stored)."""
    def answer(status: int, error, **details) -> JsonResponse:
        return JsonResponse({"error": str(error), **details}, status=status)

    @wraps(view)
    def wrapper(request):
        try:
            return view(request)
        except (BodyTooLarge, BodyUnreadable, EnvelopeError) as error:
            status, body = trickle_refusal(error)
            return JsonResponse(body, status=status)
        except MultiPartParserError:
            return answer(400, "the multipart body cannot be read", field="body")
        except NoMetrics:
            return JsonResponse(NO_METRICS, status=400)
        except UploadRejected as error:
            return JsonResponse(error.payload, status=error.status)
        except ValidationError as error:  # a file that names no host, sent with an organization key
            return answer(400, " ".join(error.messages))
        except DatabaseError as error:
            logger.error("%s: database error, request rolled back (%s)", view.__name__, type(error).__name__)
            return database_unavailable()

    return wrapper


class AgentRegisterSerializer(HostFieldsSerializer):
    """§8.1: pcc's description of its host (collector-protocol.md, "Registration")."""

    hostname = serializers.CharField(max_length=255)
    processor_model = serializers.CharField(max_length=255, required=False, allow_blank=True)
    vcpus = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False, allow_null=True)
    memory_gib = serializers.FloatField(min_value=0, max_value=2**32, required=False, allow_null=True)
    storage_gib = serializers.FloatField(min_value=0, max_value=2**32, required=False, allow_null=True)

    def to_internal_value(self, data):
        if isinstance(data, dict):  # brands and storage types arrive in any case
            data = {k: v.lower() if k in ("processor_brand", "storage_type") and isinstance(v, str) else v
                    for k, v in data.items()}
        return super().to_internal_value(data)

    @staticmethod
    def collector_fields(validated: dict) -> dict:
        """The Collector fields the agent sent (left-out ones keep their stored values)."""
        renamed = {"processor_model": "cpu_model"}
        fields = {renamed.get(k, k): v for k, v in validated.items() if k not in ("identifier", "memory_gib", "storage_gib")}
        for source, target in (("memory_gib", "memory_bytes"), ("storage_gib", "storage_bytes")):
            if source in validated:
                fields[target] = bytes_from_gib(validated[source])
        return fields


@function_schema(
    "POST", auth=[API_KEY], request=AgentRegisterSerializer,
    responses={200: inline_serializer("AgentRegistered", fields={
        "error": serializers.CharField(allow_null=True), "status": serializers.CharField(),
        "collector_id": serializers.UUIDField(), "name": serializers.CharField(), "message": serializers.CharField(),
        "identifier": serializers.CharField()}),
        **agent_refusals(), 400: error_response("Not JSON, or invalid fields (`fields` names each).", "Error")},
    examples=[OpenApiExample("pcc's registration", request_only=True, value={
        "hostname": "azure-b2s-01", "identifier": "4c4c4544004d3510", "ip_address": "10.0.0.4", "os_name": "Ubuntu",
        "os_version": "22.04", "kernel_version": "6.5.0-1017-azure", "processor_brand": "Intel",
        "processor_model": "Intel(R) Xeon(R) Platinum 8272CL CPU @ 2.60GHz", "vcpus": 2, "memory_gib": 4,
        "storage_gib": 30, "storage_type": "SSD"})],
)
@csrf_exempt
@require_POST
@agent_key_required
@_refusals
def agent_register(request):
    """200 {"status": "registered", "collector_id": <uuid>, "name", "message"} plus XAT's
    "error": null and "identifier"; 400 {"error", "fields"} naming each invalid field."""
    try:
        body = orjson.loads(request.body or b"{}")
    except orjson.JSONDecodeError:
        return JsonResponse({"error": "The body is not JSON."}, status=400)
    data = AgentRegisterSerializer(data=body)
    if not data.is_valid():
        return JsonResponse({"error": "Invalid registration.", "fields": data.errors}, status=400)
    collector = collector_for_agent(
        key=request.api_key, identifier=data.validated_data.get("identifier"), hostname=data.validated_data["hostname"]
    )
    collector = collector_register(collector=collector, **AgentRegisterSerializer.collector_fields(data.validated_data))
    return JsonResponse(
        {"error": None, "status": "registered", "collector_id": str(collector.uuid), "name": collector.name,
         "message": "Collector registered successfully", "identifier": collector.identifier}
    )


@function_schema(
    "POST", auth=[API_KEY],
    request={"application/json": inline_serializer("AgentMetrics", fields={
                 "identifier": serializers.CharField(required=False, help_text="As on /v1/trickle."),
                 "hostname": serializers.CharField(required=False),
                 "metrics": MeasurementSerializer(many=True)}),
             "multipart/form-data": inline_serializer("AgentFile", fields={
                 "file": serializers.FileField(), "description": serializers.CharField(required=False)})},
    responses={200: OpenApiResponse(inline_serializer("AgentMetricsReceived", fields={
                   "status": serializers.CharField(), "metrics_count": serializers.IntegerField()}),
                   "Measurements stored."),
               201: OpenApiResponse(inline_serializer("AgentFileUploaded", fields={
                   "status": serializers.CharField(), "data_id": serializers.UUIDField(),
                   "file_size": serializers.IntegerField()}), "A file accepted."),
               **agent_refusals(), 415: error_response("A file of a format XAT does not read.", "Error")},
    examples=[OpenApiExample("A batch of one tick", request_only=True, media_type="application/json",
                             value={"identifier": "4c4c4544004d3510", "metrics": ONE_TICK})],
)
@csrf_exempt
@require_POST
@agent_key_required
@_refusals
def agent_metrics(request):
    """A multipart `file` (+ `description`) is queued as XAT's uploads are (metrics.uploads.jobs:
    201 once checked and queued, data_id naming the upload its job reads); any other body is
    read as JSON measurements (metrics.agent_batches)."""
    if request.content_type == "multipart/form-data":
        file, description = request.FILES.get("file"), request.POST.get("description", "")
        if file is None:
            return JsonResponse(NO_METRICS, status=400)
        if len(description) > DESCRIPTION_MAX_LENGTH:
            return JsonResponse({"error": f"description: at most {DESCRIPTION_MAX_LENGTH} characters",
                                 "field": "description"}, status=400)
        upload = upload_queue(organization=request.api_key.organization, file=file, file_name=file.name or "upload",
                               api_key=request.api_key, description=description)
        return JsonResponse({"status": "uploaded", "data_id": str(upload.uuid), "file_size": upload.size_bytes},
                            status=201)
    body = request_body_read(request, limit=settings.XAT_TRICKLE_MAX_BYTES)
    result = agent_batch_ingest(key=request.api_key, body=body)
    return JsonResponse({"status": "received", "metrics_count": result.ticks})
