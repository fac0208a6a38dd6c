"""Uploaded files (contract §9.6): XAT's uploads (metrics/uploads/), named by UUID.

XAT keeps what a file held (samples of its collector), not the file: `file` is null and
nothing is served under /media/ (§11.2 S9). A file is read by a background job
(metrics/uploads/jobs.py): `row_count` (the sample rows the upload stored) and
`data_start`/`data_end` (its first and last sample time) are null until the job ended.
"""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from accounts.tenancy import IsAdmin, IsAnalystOrAdmin
from metrics.perfdash.apis.base import COLLECTOR, UPLOAD, PerfdashApi
from accounts.pagination import paginated_response
from metrics.perfdash.apis.pagination import ContractPagination
from xat.openapi import UPLOAD_REFUSALS, paginated
from xat.timestamps import iso_z
from metrics.uploads.errors import UploadRejected
from metrics.uploads.jobs import upload_queue
from metrics.uploads.models import Upload, UploadState
from metrics.uploads.services import upload_delete


class UploadSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    collector = serializers.UUIDField(source="collector.uuid", allow_null=True)
    collector_name = serializers.CharField(source="collector.name", allow_null=True)
    description = serializers.CharField()
    file = serializers.SerializerMethodField()
    file_size = serializers.IntegerField(source="size_bytes")
    row_count = serializers.SerializerMethodField()
    data_start = serializers.SerializerMethodField()
    data_end = serializers.SerializerMethodField()
    created_at = serializers.SerializerMethodField()

    @extend_schema_field({"type": "null"})
    def get_file(self, upload) -> None:
        return None

    def get_row_count(self, upload) -> int | None:
        return self._ended(upload).get("rows")

    def get_data_start(self, upload) -> str | None:
        return self._ended(upload).get("first")

    def get_data_end(self, upload) -> str | None:
        return self._ended(upload).get("last")

    @staticmethod
    def _ended(upload) -> dict:
        """What the upload's job stored, once it ended ({} while it waits or runs)."""
        return upload.result if upload.state in (UploadState.DONE, UploadState.FAILED) else {}

    def get_created_at(self, upload) -> str:
        return iso_z(upload.created_at)


class UploadListApi(PerfdashApi):
    """GET /api/v1/collectors/{id}/data/: that collector's uploads, newest first, paginated
    (index upload_org_created)."""

    url_objects = {"collector_uuid": COLLECTOR}

    @extend_schema(**paginated(UploadSerializer, paginator_class=ContractPagination))
    def get(self, request, collector_uuid):
        uploads = (Upload.objects.filter(organization=request.organization,
                                         collector=request.url_objects["collector_uuid"])
                   .select_related("collector").order_by("-created_at", "-id"))
        return paginated_response(uploads, UploadSerializer, request=request, view=self,
                                  paginator_class=ContractPagination)


class UploadCreateApi(PerfdashApi):
    """POST /api/v1/collectors/{id}/data/: multipart `file` (+ `description`), queued as
    XAT's uploads are; its refusals (400, 413, 415) kept. Analysts and admins. 201 as the
    contract has it, with the upload whose row_count is null until its job ended."""

    permission_classes = [IsAnalystOrAdmin]
    parser_classes = [MultiPartParser]
    url_objects = {"collector_uuid": COLLECTOR}

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(allow_empty_file=True)
        description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(responses={201: UploadSerializer, **UPLOAD_REFUSALS})
    def post(self, request, collector_uuid):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        file = data.validated_data["file"]
        try:
            upload = upload_queue(organization=request.organization, file=file, file_name=file.name or "upload",
                                   collector=request.url_objects["collector_uuid"], user=request.user,
                                   description=data.validated_data["description"])
        except UploadRejected as error:
            return Response(error.payload, status=error.status)
        return Response(UploadSerializer(upload).data, status=status.HTTP_201_CREATED)


class UploadDetailApi(PerfdashApi):
    url_objects = {"upload_uuid": UPLOAD}

    @extend_schema(responses=UploadSerializer)
    def get(self, request, upload_uuid):
        return Response(UploadSerializer(request.url_objects["upload_uuid"]).data)


class UploadDeleteApi(PerfdashApi):
    """DELETE /api/v1/data/{id}/: the record only; the samples it stored stay with the collector."""

    permission_classes = [IsAdmin]
    url_objects = {"upload_uuid": UPLOAD}

    def delete(self, request, upload_uuid):
        upload_delete(upload=request.url_objects["upload_uuid"])
        return Response(status=status.HTTP_204_NO_CONTENT)
