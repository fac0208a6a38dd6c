"""What every perf-dashboard view shares: tenancy as everywhere in XAT (accounts/tenancy.py),
with the contract's conventions on top.

- The caller's organization is the contract's "owner": X-Organization when sent, else the
  organization the user joined first (the frontend cannot send the header).
- Objects are named by UUID in the URL: `url_objects = {"collector_uuid": COLLECTOR}`
  resolves the keyword to the organization's collector (404 otherwise, for every role)
  before the role permission runs; the view reads it from request.url_objects.
- A missing object answers the body the contract gives for that endpoint (`not_found`).
- Hand-written endpoints (`error_shape = "custom"`) answer a bad parameter as
  400 {"error": "<field>: <reason>", "fields": {...}}; the serializer-backed ones (collectors,
  auth) keep DRF's field errors {"field": ["reason"]}.
- Bodies as JSON, form or multipart (§1.5); answers JSON by orjson (a chart is thousands
  of floats).
- Date-times in the style §1.5 gives each field, by xat/timestamps.py: the objects DRF
  serialises in the reference (collector, uploaded file) in iso_z (ZTimeField), every
  /dashboard/api/ answer in iso_offset.
"""

from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.tenancy import OrganizationAPIView, drf_exception
from metrics.apis.dashboard import OrjsonRenderer
from metrics.models import Collector, TrickleSession
from metrics.uploads.models import Upload
from xat.parsers import JSONParser
from xat.timestamps import iso_z

COLLECTOR = (Collector.objects.all(), "uuid")
SESSION = (TrickleSession.objects.select_related("collector"), "pk")
UPLOAD = (Upload.objects.select_related("collector"), "uuid")

NOT_FOUND = {"detail": "Not found."}
COLLECTOR_NOT_FOUND = {"error": "Collector not found"}


class ZTimeField(serializers.DateTimeField):
    def to_representation(self, value) -> str:
        return iso_z(value)


class PerfdashApi(OrganizationAPIView):
    first_membership_by_default = True
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    renderer_classes = [OrjsonRenderer]
    not_found: dict = NOT_FOUND
    error_shape = "fields"  # or "custom"

    def handle_exception(self, exc):
        exc = drf_exception(exc)
        if isinstance(exc, Http404):
            return Response(self.not_found, status=404)
        if self.error_shape == "custom" and isinstance(exc, exceptions.ValidationError):
            return Response(custom_error(exc.detail), status=400)
        return super().handle_exception(exc)


def custom_error(detail) -> dict:
    """DRF's field errors in the contract's hand-written shape: the first reason in
    "error", every one in "fields"."""
    if isinstance(detail, dict):
        field, reasons = next(iter(detail.items()))
        reason = reasons[0] if isinstance(reasons, list) and reasons else reasons
        return {"error": f"{field}: {reason}", "fields": detail}
    return {"error": str(detail[0] if isinstance(detail, list) and detail else detail)}
