"""The replay page (contract §9.2, §9.3): GET /api/v1/pcc/captures and
/api/v1/pcc/captures/{id}/data, each upload of the caller's organization read back from the
stored series (metrics/perfdash_captures.py). Another organization's upload is 404."""

from rest_framework.response import Response

from metrics import perfdash_captures
from metrics.apis.perfdash.base import UPLOAD, PerfdashApi

COLLECTION_NOT_FOUND = {"error": "Collection not found"}


class CaptureListApi(PerfdashApi):
    def get(self, request):
        return Response({"captures": perfdash_captures.capture_list(organization=request.organization)})


class CaptureDataApi(PerfdashApi):
    url_objects = {"upload_uuid": UPLOAD}
    not_found = COLLECTION_NOT_FOUND

    def get(self, request, upload_uuid):
        answer = perfdash_captures.capture_data(upload=request.url_objects["upload_uuid"])
        return Response(COLLECTION_NOT_FOUND, status=404) if answer is None else Response(answer)
