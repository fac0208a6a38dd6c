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

from rest_framework import serializers
from rest_framework.response import Response

from accounts.agent_auth import agent_key_required, database_unavailable
from accounts.tenancy import OrganizationAPIView
from metrics.collectors import IdentifierInvalid, IdentifierRefused
from metrics.envelope import EnvelopeError, envelope_parse
from metrics.trickle import trickle_ingest, trickle_status
from xat.request_body import BodyTooLarge, BodyUnreadable, request_body_read

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
@agent_key_required
def trickle(request):
    limit = settings.XAT_TRICKLE_MAX_BYTES
    try:
        envelope = envelope_parse(request_body_read(request, limit=limit))
        if not envelope.measurements:
            # The perf-dashboard contract's answer (§8.3): nothing stored, no session touched.
            return JsonResponse({"error": None, "status": "ok", "message": "No measurements to process"})
        result = trickle_ingest(key=request.api_key, envelope=envelope)
    except BodyTooLarge:
        return JsonResponse({"error": f"body larger than {limit} bytes (after decompression)"}, status=413)
    except BodyUnreadable as error:
        return JsonResponse({"error": str(error), "field": "body"}, status=400)
    except EnvelopeError as error:
        return JsonResponse({"error": error.reason, "field": error.field}, status=400)
    except IdentifierInvalid as error:
        return JsonResponse({"error": str(error), "field": "identifier"}, status=400)
    except IdentifierRefused as error:
        return JsonResponse({"error": str(error), "field": "identifier"}, status=403)
    except DatabaseError as error:
        logger.error("trickle: database error, request rolled back (%s)", type(error).__name__)
        return database_unavailable()
    stored = result.ingest
    return JsonResponse({
        "error": None, "ticks": stored.ticks, "rows": stored.rows, "skipped": stored.skipped.as_dict(),
        # The perf-dashboard contract's fields (§8.3); metrics_count: the distinct ticks stored.
        "status": "ok", "identifier": envelope.identifier, "metrics_count": stored.ticks,
        "session_id": str(result.session_id) if result.session_id else None,
    })


class TrickleStatusApi(OrganizationAPIView):
    """GET /api/trickle/status/: every collector's newest sample and recent ticks."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        last_sample = serializers.DateTimeField(allow_null=True)
        ticks_last_5_minutes = serializers.IntegerField()
        state = serializers.CharField()

    def get(self, request):
        collectors = trickle_status(organization=request.organization)
        return Response({"collectors": self.OutputSerializer(collectors, many=True).data})
