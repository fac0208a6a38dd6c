"""Collectors: the dashboard's CRUD (JWT, tenancy). The agent's registration (API key),
POST /api/v1/register/, is in metrics/perfdash/apis/agents.py."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.pagination import paginated_response
from accounts.tenancy import IsAdmin, OrganizationAPIView
from metrics.models import Collector
from metrics.collectors import (
    collector_create,
    collector_delete,
    collector_list,
    collector_status,
    collector_update,
)
from xat.openapi import paginated

PROCESSOR_BRANDS = ("intel", "amd", "arm", "ampere", "other", "unknown")
STORAGE_TYPES = ("nvme", "ssd", "hdd", "block", "other", "unknown")


class CollectorOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    uuid = serializers.UUIDField()  # its id in the perf-dashboard API (docs/perf-dashboard.md)
    name = serializers.CharField()
    description = serializers.CharField()
    identifier = serializers.CharField()
    hostname = serializers.CharField()
    ip_address = serializers.IPAddressField(allow_null=True)
    os_name = serializers.CharField()
    os_version = serializers.CharField()
    kernel_version = serializers.CharField()
    processor_brand = serializers.CharField()
    cpu_model = serializers.CharField()
    vcpus = serializers.IntegerField(allow_null=True)
    memory_bytes = serializers.IntegerField(allow_null=True)
    storage_bytes = serializers.IntegerField(allow_null=True)
    storage_type = serializers.CharField()
    cloud_provider = serializers.CharField()
    region = serializers.CharField()
    instance_type = serializers.CharField()
    hourly_cost = serializers.DecimalField(max_digits=12, decimal_places=6, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    last_seen = serializers.DateTimeField(allow_null=True)
    status = serializers.SerializerMethodField()

    def get_status(self, collector) -> str:
        return collector_status(collector=collector)


class HostFieldsSerializer(serializers.Serializer):
    """The host fields both a user (collector CRUD) and an agent (register) may set."""

    identifier = serializers.CharField(max_length=128, required=False, allow_blank=True)
    ip_address = serializers.IPAddressField(required=False, allow_null=True)
    os_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    os_version = serializers.CharField(max_length=100, required=False, allow_blank=True)
    kernel_version = serializers.CharField(max_length=100, required=False, allow_blank=True)
    processor_brand = serializers.ChoiceField(choices=PROCESSOR_BRANDS, required=False, allow_blank=True)
    vcpus = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True)
    storage_type = serializers.ChoiceField(choices=STORAGE_TYPES, required=False, allow_blank=True)


class CollectorInputSerializer(HostFieldsSerializer):
    """What a user may set; PATCH accepts any subset (partial=True)."""

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    hostname = serializers.CharField(max_length=255, required=False, allow_blank=True)
    cpu_model = serializers.CharField(max_length=255, required=False, allow_blank=True)
    memory_bytes = serializers.IntegerField(min_value=0, max_value=2**63 - 1, required=False, allow_null=True)
    storage_bytes = serializers.IntegerField(min_value=0, max_value=2**63 - 1, required=False, allow_null=True)
    cloud_provider = serializers.CharField(max_length=64, required=False, allow_blank=True)
    region = serializers.CharField(max_length=64, required=False, allow_blank=True)
    instance_type = serializers.CharField(max_length=64, required=False, allow_blank=True)
    hourly_cost = serializers.DecimalField(max_digits=12, decimal_places=6, min_value=0, required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=64), max_length=100, required=False)


class CollectorListApi(OrganizationAPIView):
    class FilterSerializer(serializers.Serializer):
        status = serializers.CharField(required=False)
        tag = serializers.CharField(required=False)
        search = serializers.CharField(required=False)
        ordering = serializers.CharField(required=False)

    @extend_schema(**paginated(CollectorOutputSerializer))
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        collectors = collector_list(organization=request.organization, **filters.validated_data)
        return paginated_response(collectors, CollectorOutputSerializer, request=request, view=self)


class CollectorCreateApi(OrganizationAPIView):
    permission_classes = [IsAdmin]

    @extend_schema(request=CollectorInputSerializer, responses={201: CollectorOutputSerializer})
    def post(self, request):
        data = CollectorInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        collector = collector_create(organization=request.organization, created_by=request.user,
                                     **data.validated_data)
        return Response(CollectorOutputSerializer(collector).data, status=status.HTTP_201_CREATED)


class CollectorDetailApi(OrganizationAPIView):
    url_objects = {"collector_id": (Collector.objects.all(), "pk")}

    @extend_schema(responses=CollectorOutputSerializer)
    def get(self, request, collector_id):
        return Response(CollectorOutputSerializer(request.url_objects["collector_id"]).data)


class CollectorUpdateApi(OrganizationAPIView):
    permission_classes = [IsAdmin]
    url_objects = {"collector_id": (Collector.objects.all(), "pk")}

    @extend_schema(request=CollectorInputSerializer, responses=CollectorOutputSerializer)
    def patch(self, request, collector_id):
        data = CollectorInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        collector = collector_update(collector=request.url_objects["collector_id"], **data.validated_data)
        return Response(CollectorOutputSerializer(collector).data)


class CollectorDeleteApi(OrganizationAPIView):
    """Deletes the collector, its keys, and all its samples and aggregates."""

    permission_classes = [IsAdmin]
    url_objects = {"collector_id": (Collector.objects.all(), "pk")}

    def delete(self, request, collector_id):
        collector_delete(collector=request.url_objects["collector_id"])
        return Response(status=status.HTTP_204_NO_CONTENT)
