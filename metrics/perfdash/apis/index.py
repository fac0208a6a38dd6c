"""GET / and /api/v1/ (contract §9.7): a public JSON index of the API's entry points, for a
person or a client finding its way. Paths only: no version details, nothing of any tenant."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from xat.openapi import function_schema

ENDPOINTS = {
    "health": "/health/",
    "auth": {
        "token": "/api/v1/auth/token/",
        "token_refresh": "/api/v1/auth/token/refresh/",
        "token_verify": "/api/v1/auth/token/verify/",
        "user": "/api/v1/auth/user/",
        "register": "/api/v1/auth/register/",
        "logout": "/api/v1/auth/logout/",
        "password_change": "/api/v1/auth/password/change/",
    },
    "collectors": {
        "list": "/api/v1/collectors/",
        "detail": "/api/v1/collectors/{id}/",
        "regenerate_key": "/api/v1/collectors/{id}/regenerate-key/",
        "uploads": "/api/v1/collectors/{id}/data/",
        "upload": "/api/v1/data/{id}/",
    },
    "agents": {
        "register": "/api/v1/register/",
        "metrics": "/api/v1/metrics/",
        "trickle": "/v1/trickle",
    },
    "dashboard": {
        "collectors": "/dashboard/api/collectors/",
        "cpu": "/dashboard/api/collectors/{id}/cpu/",
        "memory": "/dashboard/api/collectors/{id}/memory/",
        "disk": "/dashboard/api/collectors/{id}/disk/",
        "network": "/dashboard/api/collectors/{id}/network/",
        "live": "/dashboard/api/collectors/{id}/live/",
        "trickle_status": "/dashboard/api/collectors/{id}/trickle-status/",
        "sessions": "/dashboard/api/collectors/{id}/sessions/",
        "session_dates": "/dashboard/api/collectors/{id}/session-dates/",
        "session": "/dashboard/api/sessions/{id}/",
        "session_complete": "/dashboard/api/sessions/{id}/complete/",
        "active_sessions": "/dashboard/api/trickle/active/",
        "check_inactive": "/dashboard/api/trickle/check-inactive/",
    },
    "replay": {
        "captures": "/api/v1/pcc/captures",
        "capture_data": "/api/v1/pcc/captures/{id}/data",
    },
    **{name: {
        "list": f"/api/v1/{prefix}/",
        "detail": f"/api/v1/{prefix}/{{id}}/",
        "compare": f"/api/v1/{prefix}/compare/",
        "run": f"/api/v1/{prefix}/run/{{id}}/",
    } for name, prefix in (("load_tests", "loadtests"), ("load_tests_alias", "loadtest"))},
    "benchmarks": {
        "list": "/api/v1/benchmarks/",
        "stats": "/api/v1/benchmarks/stats/",
        "detail": "/api/v1/benchmarks/{id}/",
        "compare": "/api/v1/pcc/benchmark/compare",
        "comparison": "/api/v1/pcc/benchmark/compare/{id}",
    },
    "cloud": {provider: {
        "status": f"/api/v1/cloud/{provider}/status",
        "connect": f"/api/v1/cloud/{provider}/connect",
        "disconnect": f"/api/v1/cloud/{provider}/disconnect",
        "instances": f"/api/v1/cloud/{provider}/instances",
        **{f"instance_{action.replace('-', '_')}": f"/api/v1/cloud/{provider}/instances/{{instance_id}}/{action}"
           for action in ("start", "stop", "status", "deploy-pcc", "validate-pcc")},
        **({"regions": "/api/v1/cloud/aws/regions"} if provider == "aws" else {}),
        **({"compartments": "/api/v1/cloud/oci/compartments"} if provider == "oci" else {}),
    } for provider in ("oci", "aws", "azure")},
    "cloud_audit": "/api/v1/cloud/audit",
}


@function_schema("GET", auth=[], responses={200: inline_serializer("ApiIndex", fields={
    "name": serializers.CharField(), "endpoints": serializers.DictField()})})
# GET only, which CSRF never checks: exempt, so that another method is answered 405 with
# Allow by require_GET, where the CSRF check refused it 403 first.
@csrf_exempt
@require_GET
def api_index(request):
    """The API's entry points by name (paths; {id}: a UUID; {instance_id}: a cloud provider's)."""
    return JsonResponse({"name": "XAT", "endpoints": ENDPOINTS})
