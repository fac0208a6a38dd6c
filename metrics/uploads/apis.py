"""POST /api/performance/upload/, GET /api/performance/uploads/ and
GET /api/performance/uploads/{uuid}/ (the package, and its jobs.py).

The upload takes a JWT user (analyst or admin) or an agent key (an organization key, or a
collector key for its own collector): a host can send its own local-mode captures. It
answers 202 once the file is checked and queued; the upload's URL shows its job.
"""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from accounts.authentication import MemberJWTAuthentication
from accounts.agent_auth import AgentKeyAuthentication
from accounts.pagination import paginated_response
from accounts.tenancy import IsAgent, IsAnalystOrAdmin, IsMember, OrganizationAPIView
from metrics.collectors import collector_get_for_org
from metrics.uploads.errors import UploadRejected
from metrics.uploads.jobs import upload_queue
from metrics.uploads.models import Upload
from xat.openapi import API_KEY, JWT, UPLOAD_REFUSALS, error_response, paginated

# Room for the multipart envelope around the file (boundaries, part headers, `collector`).
_MULTIPART_SLACK = 64 * 1024


class UploadOutputSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    api_key = serializers.SlugRelatedField(slug_field="prefix", read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Upload
        fields = ["id", "uuid", "url", "state", "bytes_read", "size_bytes", "created_at", "started_at", "finished_at",
                  "collector", "uploaded_by", "api_key", "file_name", "sha256", "format", "compressed", "result",
                  "failure"]

    def get_url(self, upload) -> str:
        return reverse("performance-upload-detail", kwargs={"upload_uuid": upload.uuid})


class UploadApi(OrganizationAPIView):
    parser_classes = [MultiPartParser]
    authentication_classes = [AgentKeyAuthentication, MemberJWTAuthentication]  # the key first: `Bearer <key>` is no JWT
    permission_classes = [IsAnalystOrAdmin | IsAgent]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(allow_empty_file=True)
        collector = serializers.CharField(required=False, allow_blank=True)

    def get_authenticate_header(self, request) -> str:
        # The dashboard's challenge, as before agents could upload (they read the status).
        return MemberJWTAuthentication().authenticate_header(request)

    @extend_schema(auth=[JWT, API_KEY], responses={202: UploadOutputSerializer, **UPLOAD_REFUSALS,
                                                   403: error_response("A role too weak, or a collector key for another"
                                                                       " host.", "Detail", "Error")})
    def post(self, request):
        limit = settings.XAT_UPLOAD_MAX_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit + _MULTIPART_SLACK:
            return Response({"error": f"the file is larger than {limit} bytes", "limit": limit},
                            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        file = data.validated_data["file"]
        try:
            upload = upload_queue(
                organization=request.organization,
                file=file,
                file_name=file.name or "upload",
                collector_id=data.validated_data.get("collector"),
                user=request.user,
                api_key=request.api_key,
            )
        except UploadRejected as error:
            return Response(error.payload, status=error.status)
        return Response(UploadOutputSerializer(upload).data, status=status.HTTP_202_ACCEPTED)


class UploadListApi(OrganizationAPIView):
    permission_classes = [IsMember]

    class FilterSerializer(serializers.Serializer):
        collector = serializers.CharField(required=False)

    @extend_schema(**paginated(UploadOutputSerializer))
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        uploads = Upload.objects.filter(organization=request.organization)
        if "collector" in filters.validated_data:
            collector = collector_get_for_org(organization=request.organization,
                                              collector_id=filters.validated_data["collector"])
            uploads = uploads.filter(collector=collector)
        uploads = uploads.select_related("uploaded_by", "api_key").order_by("-created_at", "-id")
        return paginated_response(uploads, UploadOutputSerializer, request=request, view=self)


class UploadDetailApi(OrganizationAPIView):
    """An upload and its job: state (queued, running, done, failed), bytes_read of
    size_bytes, the counts so far and the lines skipped (result), why it failed (failure)."""

    permission_classes = [IsMember]
    url_objects = {"upload_uuid": (Upload.objects.select_related("uploaded_by", "api_key"), "uuid")}

    @extend_schema(responses=UploadOutputSerializer)
    def get(self, request, upload_uuid):
        return Response(UploadOutputSerializer(request.url_objects["upload_uuid"]).data)
