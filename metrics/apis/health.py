"""GET /health/: is the service able to serve? For load balancers, compose's healthcheck,
`make run` (all read the status code: 200 or 503) and the perf-dashboard (contract §9.7):

    {"status": "healthy" | "unhealthy", "timestamp": "YYYY-MM-DDTHH:MM:SSZ", "version",
     "database": "connected" | "error: <exception class>", "response_time_ms",
     "timescaledb": <version> | "missing", "edition"}

Healthy needs the database and its TimescaleDB extension. Nothing else is told: no
driver message (it can carry host and user names), no debug details (§11.2 S9).
"""

import logging
import time
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import version

from django.db import DatabaseError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

from metrics.timescale import timescale_info
from xat.openapi import function_schema

logger = logging.getLogger(__name__)


@cache
def _version() -> str:
    return version("xat")


REPORT = inline_serializer("Health", fields={
    "status": serializers.ChoiceField(choices=["healthy", "unhealthy"]), "timestamp": serializers.CharField(),
    "version": serializers.CharField(), "database": serializers.CharField(),
    "response_time_ms": serializers.FloatField(), "timescaledb": serializers.CharField(required=False),
    "edition": serializers.CharField(required=False)})


@function_schema("GET", auth=[], responses={200: OpenApiResponse(REPORT, "Healthy."),
                                            503: OpenApiResponse(REPORT, "Unhealthy: the report says why.")})
# GET only, which CSRF never checks: exempt, so that another method is answered 405 with
# Allow by require_GET, where the CSRF check refused it 403 first.
@csrf_exempt
@require_GET
def health(request):
    """Is the service able to serve (the database and its TimescaleDB extension)?"""
    started = time.perf_counter()
    body = {"status": "unhealthy", "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "version": _version()}
    try:
        info = timescale_info()
    except DatabaseError as error:
        logger.warning("health: database unavailable (%s)", type(error).__name__)
        body["database"] = f"error: {type(error).__name__}"
    else:
        body["database"] = "connected"
        if info.version is None:
            body["timescaledb"] = "missing"
        else:
            body |= {"status": "healthy", "timescaledb": info.version, "edition": info.edition}
    body["response_time_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return JsonResponse(body, status=200 if body["status"] == "healthy" else 503)
