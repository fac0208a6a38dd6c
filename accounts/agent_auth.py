"""Authenticating agent requests by API key (pcc's /v1/trickle, /api/v1/register/,
/api/v1/metrics/, and an agent's upload to /api/performance/upload/). Keys are read from
headers only, never from the query string (a key in a URL ends up in access logs and
proxies: contract §11.2 S7).

    AgentKeyAuthentication
        The one definition, a DRF authentication class. The live key the request presents
        in `apikey` (pcc), `X-API-Key`, or `Authorization: ApiKey <key>` /
        `Authorization: Bearer <key>` (a JWT is not a key) -> (None, key): request.auth is
        the ApiKey, there is no user. No key: None (the next class may try). A key matching
        no live one: AuthenticationFailed("Invalid API key"). The database unreachable:
        DatabaseUnavailable (503 with Retry-After). A DRF view lists it in its
        authentication_classes, and OrganizationAPIView then acts in the key's organization
        (accounts/tenancy.py).

    @agent_key_required
        Runs AgentKeyAuthentication for a plain Django function view and answers in the
        agents' shape: 401 `{"error": "Invalid API key"}` without a key, the same with
        `"detail"` and `WWW-Authenticate: ApiKey` for a key matching no live one (the
        perf-dashboard contract's two answers, §1.2; pcc reads "error"), 503 `{"error": ...}`
        with Retry-After when the database cannot be reached; else it sets `request.api_key`
        and calls the view, answering an AgentRefusal the view raises. It marks the view
        (`view.agent_key_auth = True`) so the isolation matrix knows how to call it.
        Agent views are plain function views because pcc may send no Content-Type, which
        a DRF view's parsers would refuse: stack `@csrf_exempt` and `@require_POST` above it.

    AgentRefusal
        A refusal of what an agent sent (metrics.collectors' identifier errors), answered
        `{"error": <reason>, "field": <field>}` with its status_code by agent_key_required
        and by DRF's own handler on DRF views (its detail is that body): one shape everywhere.

    database_unavailable()
        The agent views' answer to a database failure: 503, Retry-After, nothing stored.
"""

import logging
from functools import wraps

from django.db import DatabaseError, connection
from django.http import JsonResponse
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from accounts.keys import api_key_authenticate, api_key_from_headers
from accounts.models import ApiKey
from xat.errors import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS

INVALID_KEY = "Invalid API key"
CHALLENGE = "ApiKey"
logger = logging.getLogger(__name__)


class DatabaseUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = DATABASE_UNAVAILABLE
    wait = RETRY_AFTER_SECONDS  # DRF's handler sends it as Retry-After


class AgentRefusal(exceptions.APIException):
    field = ""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__({"error": reason, "field": self.field})

    def __str__(self) -> str:
        return self.reason


def _key_on_a_live_connection(raw_key: str) -> ApiKey | None:
    """api_key_authenticate, its lookup standing in for Django's health check
    (CONN_HEALTH_CHECKS: a SELECT 1 before a request's first query on a reused connection).
    That round trip cost about a tenth of the ingest rate under load (docs/performance.md).
    On a connection the server dropped the lookup fails instead: the connection is closed
    and the lookup made again on a new one, as the health check would have."""
    unchecked = connection.connection is not None and not connection.health_check_done
    connection.health_check_done = True
    try:
        return api_key_authenticate(raw_key)
    except DatabaseError:
        if not unchecked:
            raise
        connection.close()
        return api_key_authenticate(raw_key)


class AgentKeyAuthentication(BaseAuthentication):
    def authenticate(self, request) -> tuple[None, ApiKey] | None:
        raw_key = api_key_from_headers(request.headers)
        if raw_key is None:
            return None
        try:
            key = _key_on_a_live_connection(raw_key)
        except DatabaseError as error:
            logger.error("agent request: database unavailable for the key lookup (%s)", type(error).__name__)
            raise DatabaseUnavailable() from error
        if key is None:
            raise exceptions.AuthenticationFailed(INVALID_KEY)
        return None, key

    def authenticate_header(self, request) -> str:
        return CHALLENGE


# The agents' 503 body (with Retry-After: RETRY_AFTER_SECONDS).
DATABASE_UNAVAILABLE_ANSWER = {"error": "the database is unavailable; nothing was stored, retry later"}


def database_unavailable() -> JsonResponse:
    response = JsonResponse(DATABASE_UNAVAILABLE_ANSWER, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def agent_key_required(view):
    authentication = AgentKeyAuthentication()

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            authenticated = authentication.authenticate(request)
        except DatabaseUnavailable:
            return database_unavailable()
        except exceptions.AuthenticationFailed:
            response = JsonResponse({"error": INVALID_KEY, "detail": INVALID_KEY}, status=401)
            response["WWW-Authenticate"] = CHALLENGE
            return response
        if authenticated is None:
            return JsonResponse({"error": INVALID_KEY}, status=401)
        request.api_key = authenticated[1]
        try:
            return view(request, *args, **kwargs)
        except AgentRefusal as refusal:
            return JsonResponse(refusal.detail, status=refusal.status_code)

    wrapper.agent_key_auth = True
    return wrapper
