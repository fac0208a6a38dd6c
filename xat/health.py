"""GET /health/: is the service able to serve? For load balancers and `make run`."""

import logging

from django.db import DatabaseError
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from metrics.timescale import timescale_info

logger = logging.getLogger(__name__)


@require_GET
def health(request):
    try:
        info = timescale_info()
    except DatabaseError as error:
        # The class name only: driver messages can carry host names and user names.
        logger.warning("health: database unavailable (%s)", type(error).__name__)
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    if info.version is None:
        return JsonResponse({"status": "error", "database": "ok", "timescaledb": "missing"}, status=503)
    return JsonResponse(
        {"status": "ok", "database": "ok", "timescaledb": info.version, "edition": info.edition}
    )
