"""Authenticating agent requests by API key (pcc's /v1/trickle, /api/v1/register/).

    agent_key_from_request(request) -> ApiKey | None
        The live key the request presents in `apikey` (pcc), `X-API-Key`, or
        `Authorization: ApiKey <key>` / `Authorization: Bearer <key>` (a JWT is not a key).

    @agent_key_required
        A function view decorator: 401 `{"error": "Invalid API key"}` without a live key,
        else sets `request.api_key` and calls the view. It marks the view
        (`view.agent_key_auth = True`) so the isolation matrix knows how to call it.

Agent views are plain Django function views (pcc may send no Content-Type, which DRF's
JSON parser would refuse), so stack `@csrf_exempt` and `@require_POST` above it.
"""

from functools import wraps

from django.http import JsonResponse

from accounts.keys import api_key_authenticate, api_key_from_headers
from accounts.models import ApiKey

INVALID_KEY = {"error": "Invalid API key"}


def agent_key_from_request(request) -> ApiKey | None:
    return api_key_authenticate(api_key_from_headers(request.headers))


def agent_key_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = agent_key_from_request(request)
        if key is None:
            return JsonResponse(INVALID_KEY, status=401)
        request.api_key = key
        return view(request, *args, **kwargs)

    wrapper.agent_key_auth = True
    return wrapper
