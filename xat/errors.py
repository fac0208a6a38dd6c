"""Every answer of the API is JSON, a database outage included (Django admin pages aside).

    JsonErrorsMiddleware
        A view that fails because the database cannot be reached or broke the request off
        (django.db's OperationalError: refused, dropped, shut down, timed out; InterfaceError:
        a closed connection) answers 503 {"detail": ...} with `Retry-After`, not Django's
        HTML 500; the failure is logged in one line, not a traceback per request.
        A body past DATA_UPLOAD_MAX_MEMORY_SIZE (read whole by DRF's JSON and form
        parsers) answers 413 naming the limit, not Django's bare 400.
        Any other error answer that is not JSON (Django's HTML 404 and 500 pages, the empty
        405 of @require_POST/@require_GET, the 400 of a refused Host header) is given a JSON
        body in DRF's words, e.g. {"detail": "Not found."}, its status and headers (Allow,
        Retry-After, CORS) kept.

Views that answer a database failure themselves keep their answer: the agent paths' 503
{"error": ...} (accounts/agent_auth.py) and /health/'s report (metrics/apis/health.py).
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.urls import reverse
from rest_framework.exceptions import APIException, MethodNotAllowed, NotFound

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5  # as the agent paths: a restarting database is back within seconds
DATABASE_UNAVAILABLE = "The database is unavailable; retry later."


def database_unavailable_response() -> JsonResponse:
    response = JsonResponse({"detail": DATABASE_UNAVAILABLE}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _detail(request, response) -> str:
    if response.status_code == 404:
        return str(NotFound.default_detail)
    if response.status_code == 405:
        return str(MethodNotAllowed.default_detail).format(method=request.method)
    if response.status_code == 500:
        return str(APIException.default_detail)
    return f"{response.reason_phrase}."


def _json_of(request, response) -> JsonResponse:
    """response's status, headers and cookies with a JSON body."""
    answer = JsonResponse({"detail": _detail(request, response)}, status=response.status_code)
    for header, value in response.items():
        if header.lower() not in ("content-type", "content-length"):
            answer[header] = value
    answer.cookies = response.cookies
    return answer


def _is_json(response) -> bool:
    media_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


class JsonErrorsMiddleware:
    """Placed inside CorsMiddleware, so the answers it makes carry CORS headers too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or _is_json(response) or request.path.startswith(reverse("admin:index")):
            return response
        return _json_of(request, response)

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            # Django's bound on a body read whole (DRF's JSON and form parsers read it so):
            # 413 names the limit, where Django would answer a bare 400.
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return JsonResponse({"detail": f"The request body is larger than {limit} bytes."}, status=413)
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None  # Django's 500, turned into JSON on its way out
        logger.error("%s %s: database unavailable (%s: %s)", request.method, request.path,
                     type(exception).__name__, str(exception).splitlines()[0] if str(exception) else "")
        return database_unavailable_response()
