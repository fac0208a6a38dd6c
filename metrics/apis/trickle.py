"""POST /v1/trickle (pcc) and /api/trickle/ingest/: one request of ticks from an agent.

pcc treats anything but 200 as an error and may stop, so success is 200 exactly, and
every failure is a deliberate status with a JSON reason (never a 500, never a redirect).
"""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts.agent_auth import agent_key_required, database_unavailable
from accounts.tenancy import OrganizationAPIView
from metrics.envelope import EnvelopeError, envelope_parse
from metrics.trickle import NO_MEASUREMENTS, trickle_answer, trickle_ingest, trickle_refusal, trickle_status
from xat.openapi import API_KEY, agent_refusals, function_schema
from xat.request_body import BodyTooLarge, BodyUnreadable, request_body_read

logger = logging.getLogger(__name__)


class MeasurementSerializer(serializers.Serializer):
    """One file pcc read at one tick."""

    timestamp = serializers.IntegerField(help_text="Unix seconds of the tick.")
    subsystem = serializers.CharField(help_text='"/proc/stat", "/proc/meminfo", ...')
    measurement = serializers.CharField(help_text="The file's raw text.")


class EnvelopeSerializer(serializers.Serializer):
    """The body's shape (metrics/envelope.py reads it): JSON whatever the Content-Type,
    gzip with `Content-Encoding: gzip`."""

    identifier = serializers.CharField(max_length=128, help_text="The host's machine id.")
    hostname = serializers.CharField(max_length=255, required=False)
    measurements = MeasurementSerializer(many=True)


class TrickleOutputSerializer(serializers.Serializer):
    """With no measurements: status and message only."""

    error = serializers.CharField(allow_null=True, required=False, help_text="Always null on 200.")
    status = serializers.CharField()
    message = serializers.CharField(required=False)
    identifier = serializers.CharField(required=False)
    ticks = serializers.IntegerField(required=False, help_text="Distinct ticks stored.")
    rows = serializers.IntegerField(required=False)
    skipped = serializers.DictField(required=False, help_text="What was not stored, and why, by reason.")
    metrics_count = serializers.IntegerField(required=False, help_text="= ticks (perf-dashboard contract §8.3).")
    session_id = serializers.UUIDField(allow_null=True, required=False)


ONE_TICK = [{"timestamp": 1769090701, "subsystem": "/proc/stat",
             "measurement": "cpu  2255 34 2290 22625563 6290 127 456 0 0 0\ncpu0 1132 34 1441 11311718 3675 127 438 0 0 0\n"},
            {"timestamp": 1769090701, "subsystem": "/proc/loadavg", "measurement": "0.08 0.03 0.05 1/180 2277\n"},
            {"timestamp": 1769090701, "subsystem": "statfs[*]",
             "measurement": '{"mount_point": "/", "block_size": 4096, "blocks_total": 7574272,'
                            ' "blocks_available": 5242880}\n'}]


@function_schema(
    "POST", auth=[API_KEY], request=EnvelopeSerializer,
    responses={200: TrickleOutputSerializer, **agent_refusals()},
    examples=[OpenApiExample("One tick, as pcc sends it", request_only=True,
                             value={"identifier": "4c4c4544004d3510", "measurements": ONE_TICK}),
              OpenApiExample("Stored", response_only=True, status_codes=["200"], value={
                  "error": None, "ticks": 1, "rows": 3, "skipped": {"duplicate_ticks": 0, "unparsable": [],
                                                                    "ignored_subsystems": {"/proc/loadavg": 1}},
                  "status": "ok", "identifier": "4c4c4544004d3510", "metrics_count": 1,
                  "session_id": "0b6f0c8e-3d7a-4e0c-9d1b-2f8a4c6e1a53"})],
)
@csrf_exempt
@require_POST
@agent_key_required
def trickle(request):
    """pcc's ticks: stored, the host's collector found (or registered) by its identifier,
    its trickle session joined. Success is 200 exactly (pcc stops on anything else). The
    agent service (metrics/agent_service/) serves this path in production; this view serves
    it in-process (runserver, the test client), each request a group of its own."""
    try:
        envelope = envelope_parse(request_body_read(request, limit=settings.XAT_TRICKLE_MAX_BYTES))
        if not envelope.measurements:
            return JsonResponse(NO_MEASUREMENTS)
        outcome = trickle_ingest(key=request.api_key, envelope=envelope)
    except (BodyTooLarge, BodyUnreadable, EnvelopeError) as error:
        status, body = trickle_refusal(error)
        return JsonResponse(body, status=status)
    except DatabaseError as error:
        logger.error("trickle: database error, request rolled back (%s)", type(error).__name__)
        return database_unavailable()
    return JsonResponse(trickle_answer(envelope, outcome))


class TrickleStatusApi(OrganizationAPIView):
    """GET /api/trickle/status/: every collector's newest sample and recent ticks."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        last_sample = serializers.DateTimeField(allow_null=True)
        ticks_last_5_minutes = serializers.IntegerField()
        state = serializers.CharField()

    @extend_schema(responses=inline_serializer("TrickleStatus", fields={"collectors": OutputSerializer(many=True)}))
    def get(self, request):
        collectors = trickle_status(organization=request.organization)
        return Response({"collectors": self.OutputSerializer(collectors, many=True).data})
