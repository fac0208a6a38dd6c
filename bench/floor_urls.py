"""The HTTP floor for bench/ingest.py: a Django view that only parses the agent's JSON
body and answers 200, served by the same gunicorn settings as the product."""

import json

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def parse_only(request):
    json.loads(request.body)
    return JsonResponse({"error": None})


urlpatterns = [path("v1/trickle", parse_only)]
