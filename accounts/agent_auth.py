"""Authenticating agent requests by API key (pcc's /v1/trickle, /api/v1/register/,
/api/v1/metrics/). Keys are read from headers only, never from the query string (a key in
a URL ends up in access logs and proxies: contract §11.2 S7).

    agent_key_from_request(request) -> ApiKey | None
        The live key the request presents in `apikey` (pcc), `X-API-Key`, or
        `Authorization: ApiKey <key>` / `Authorization: Bearer <key>` (a JWT is not a key).

    @agent_key_required
        A function view decorator: 401 `{"error": "Invalid API key"}` without a key, the
        same with `"detail"` and `WWW-Authenticate: ApiKey` for a key matching no live one
        (the perf-dashboard contract's two answers, §1.2; pcc reads "error"),
        503 with Retry-After when the database cannot be reached, else sets
        `request.api_key` and calls the view. It marks the view
        (`view.agent_key_auth = True`) so the isolation matrix knows how to call it.

    database_unavailable()
        The agent views' answer to a database failure: 503, Retry-After, nothing stored.

Agent views are plain Django function views (pcc may send no Content-Type, which DRF's
JSON parser would refuse), so stack `@csrf_exempt` and `@require_POST` above it.
"""

import logging
from functools import wraps

from django.db import DatabaseError, connection
from django.http import JsonResponse

from accounts.keys import api_key_authenticate, api_key_from_headers
from accounts.models import ApiKey

INVALID_KEY = {"error": "Invalid API key"}
logger = logging.getLogger(__name__)


def agent_key_from_request(request) -> ApiKey | None:
    return api_key_authenticate(api_key_from_headers(request.headers))


def _key_refused(request) -> JsonResponse:
    if api_key_from_headers(request.headers) is None:
        return JsonResponse(INVALID_KEY, status=401)
    response = JsonResponse({**INVALID_KEY, "detail": INVALID_KEY["error"]}, status=401)
    response["WWW-Authenticate"] = "ApiKey"
    return response


def database_unavailable() -> JsonResponse:
    response = JsonResponse({"error": "the database is unavailable; nothing was stored, retry later"}, status=503)
    response["Retry-After"] = "5"
    return response


def _key_on_a_live_connection(request) -> ApiKey | None:
    """agent_key_from_request, its lookup standing in for Django's health check
    (CONN_HEALTH_CHECKS: a SELECT 1 before a request's first query on a reused connection).
    That round trip cost about a tenth of the ingest rate under load (docs/performance.md).
    On a connection the server dropped the lookup fails instead: the connection is closed
    and the lookup made again on a new one, as the health check would have."""
    unchecked = connection.connection is not None and not connection.health_check_done
    connection.health_check_done = True
    try:
        return agent_key_from_request(request)
    except DatabaseError:
        if not unchecked:
            raise
        connection.close()
        return agent_key_from_request(request)


def agent_key_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            key = _key_on_a_live_connection(request)
        except DatabaseError as error:
            logger.error("agent request: database unavailable for the key lookup (%s)", type(error).__name__)
            return database_unavailable()
        if key is None:
            return _key_refused(request)
        request.api_key = key
        return view(request, *args, **kwargs)

    wrapper.agent_key_auth = True
    return wrapper
