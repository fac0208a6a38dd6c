"""Collector management (contract §5) and the dashboard's collector dropdown (§6.0).

The same collectors as XAT's own /api/collectors/ (named there by integer id, here by
UUID), in the contract's shape (§2.2): sizes in GiB as two-decimal strings (bytes stay the
stored value), cost as a four-decimal string, status pending/connected from the agent's
last contact. Reads for every member; writes for admins.
"""

from decimal import ROUND_HALF_UP, Decimal

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.keys import api_key_regenerate_for_collector
from accounts.pagination import paginated_response
from accounts.tenancy import IsAdmin
from metrics.apis.collectors import PROCESSOR_BRANDS, STORAGE_TYPES
from metrics.perfdash.apis.base import COLLECTOR, COLLECTOR_NOT_FOUND, PerfdashApi, ZTimeField
from metrics.perfdash.apis.pagination import ContractPagination
from metrics.collectors import (
    bytes_from_gib,
    collector_create_with_key,
    collector_delete,
    collector_last_contact,
    collector_list,
    collector_update,
    gib_from_bytes,
)
from metrics.models import VmBrand
from metrics.pcd_address import PcdError, pcd_address_check
from xat.openapi import paginated
from xat.timestamps import iso_z

NEWEST_FIRST = "-created_at"


def _unknown_when_empty(value: str) -> str:
    # XAT stores "" for a brand or storage type nobody gave; the contract's default is "unknown".
    return value or "unknown"


class CollectorSerializer(serializers.Serializer):
    """The full collector object of §2.2, fields in the contract's order."""

    id = serializers.UUIDField(source="uuid")
    name = serializers.CharField()
    description = serializers.CharField()
    status = serializers.SerializerMethodField()
    last_seen = serializers.SerializerMethodField()
    hostname = serializers.CharField()
    ip_address = serializers.CharField(allow_null=True)
    os_name = serializers.CharField()
    os_version = serializers.CharField()
    kernel_version = serializers.CharField()
    vm_brand = serializers.CharField()
    processor_brand = serializers.SerializerMethodField()
    processor_model = serializers.CharField(source="cpu_model")
    vcpus = serializers.IntegerField(allow_null=True)
    memory_gib = serializers.SerializerMethodField()
    storage_gib = serializers.SerializerMethodField()
    storage_type = serializers.SerializerMethodField()
    hourly_cost = serializers.SerializerMethodField()
    pcd_address = serializers.CharField()
    has_pcd_config = serializers.SerializerMethodField()
    created_at = ZTimeField()
    updated_at = ZTimeField()
    owner_username = serializers.SerializerMethodField()
    specs_summary = serializers.SerializerMethodField()

    def get_status(self, collector) -> str:
        return "pending" if collector_last_contact(collector=collector) is None else "connected"

    def get_last_seen(self, collector) -> str | None:
        return iso_z(collector_last_contact(collector=collector))

    def get_processor_brand(self, collector) -> str:
        return _unknown_when_empty(collector.processor_brand)

    def get_storage_type(self, collector) -> str:
        return _unknown_when_empty(collector.storage_type)

    def get_memory_gib(self, collector) -> str | None:
        return _decimal_text(gib_from_bytes(collector.memory_bytes))

    def get_storage_gib(self, collector) -> str | None:
        return _decimal_text(gib_from_bytes(collector.storage_bytes))

    def get_hourly_cost(self, collector) -> str | None:
        cost = collector.hourly_cost
        return None if cost is None else _decimal_text(cost.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))

    def get_has_pcd_config(self, collector) -> bool:
        return bool(collector.pcd_address and collector.pcd_apikey_encrypted)

    def get_owner_username(self, collector) -> str:
        # The user who created it; XAT's agents also register collectors: then the organization.
        return collector.created_by.username if collector.created_by else collector.organization.slug

    def get_specs_summary(self, collector) -> str:
        memory = gib_from_bytes(collector.memory_bytes)
        parts = [f"{collector.vcpus} vCPUs" if collector.vcpus else "",
                 f"{memory} GiB RAM" if memory else "", collector.cpu_model]
        return " | ".join(part for part in parts if part) or "Specs pending"


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class CollectorListApi(PerfdashApi):
    """GET /api/v1/collectors/: the organization's collectors, newest first, paginated."""

    @extend_schema(**paginated(CollectorSerializer, paginator_class=ContractPagination))
    def get(self, request):
        collectors = collector_list(organization=request.organization, ordering=NEWEST_FIRST)
        return paginated_response(collectors.select_related("created_by", "organization"), CollectorSerializer,
                                  request=request, view=self, paginator_class=ContractPagination)


class CollectorCreateApi(PerfdashApi):
    """POST /api/v1/collectors/: 201 with the collector's agent key, shown only here."""

    permission_classes = [IsAdmin]

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        description = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(responses={201: inline_serializer("PerfdashNewCollector", fields={
        "id": serializers.UUIDField(), "name": serializers.CharField(), "description": serializers.CharField(),
        "api_key": serializers.CharField(help_text="The collector's agent key: shown only now."),
        "status": serializers.CharField(), "created_at": serializers.DateTimeField(),
        "install_command": serializers.CharField()})})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        collector, raw_key = collector_create_with_key(organization=request.organization, created_by=request.user,
                                                       **data.validated_data)
        return Response(
            {
                "id": str(collector.uuid),
                "name": collector.name,
                "description": collector.description,
                "api_key": raw_key,
                "status": "pending",
                "created_at": iso_z(collector.created_at),
                "install_command": f"curl -s {request.build_absolute_uri('/install.sh')} | API_KEY={raw_key} bash",
            },
            status=status.HTTP_201_CREATED,
        )


class CollectorDetailApi(PerfdashApi):
    url_objects = {"collector_uuid": COLLECTOR}

    @extend_schema(responses=CollectorSerializer)
    def get(self, request, collector_uuid):
        return Response(CollectorSerializer(request.url_objects["collector_uuid"]).data)


class CollectorUpdateApi(PerfdashApi):
    """PUT (name required) and PATCH (any subset) of the writable fields of §2.2; read-only
    and unknown fields are ignored."""

    permission_classes = [IsAdmin]
    url_objects = {"collector_uuid": COLLECTOR}

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        description = serializers.CharField(required=False, allow_blank=True)
        vm_brand = serializers.ChoiceField(choices=VmBrand.values, required=False)
        processor_brand = serializers.ChoiceField(choices=PROCESSOR_BRANDS, required=False)
        processor_model = serializers.CharField(max_length=200, required=False, allow_blank=True)
        vcpus = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True)
        memory_gib = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False,
                                              allow_null=True)
        storage_gib = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False,
                                               allow_null=True)
        storage_type = serializers.ChoiceField(choices=STORAGE_TYPES, required=False)
        hourly_cost = serializers.DecimalField(max_digits=10, decimal_places=4, min_value=0, required=False,
                                               allow_null=True)
        pcd_address = serializers.CharField(max_length=255, required=False, allow_blank=True)
        pcd_apikey = serializers.CharField(max_length=64, required=False, allow_blank=True, write_only=True)

        def validate_pcd_address(self, address: str) -> str:
            # Refused when saved and again when called (metrics/pcd_address.py: no request forgery).
            if address:
                try:
                    pcd_address_check(address)
                except PcdError as refusal:
                    raise serializers.ValidationError(refusal.message) from None
            return address

        @staticmethod
        def collector_fields(validated: dict) -> dict:
            """The contract's names and units as XAT's Collector fields (bytes, cpu_model)."""
            fields = dict(validated)
            if "processor_model" in fields:
                fields["cpu_model"] = fields.pop("processor_model")
            for source, target in (("memory_gib", "memory_bytes"), ("storage_gib", "storage_bytes")):
                if source in fields:
                    fields[target] = bytes_from_gib(fields.pop(source))
            return fields

    @extend_schema(responses=CollectorSerializer)
    def put(self, request, collector_uuid):
        return self._update(request, partial=False)

    @extend_schema(responses=CollectorSerializer)
    def patch(self, request, collector_uuid):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool):
        data = self.InputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        collector = collector_update(collector=request.url_objects["collector_uuid"],
                                     **self.InputSerializer.collector_fields(data.validated_data))
        return Response(CollectorSerializer(collector).data)


class CollectorDeleteApi(PerfdashApi):
    """DELETE: the collector, its keys, sessions, samples and aggregates (XAT's delete)."""

    permission_classes = [IsAdmin]
    url_objects = {"collector_uuid": COLLECTOR}

    def delete(self, request, collector_uuid):
        collector_delete(collector=request.url_objects["collector_uuid"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class CollectorKeyRegenerateApi(PerfdashApi):
    """POST .../regenerate-key/: the collector's keys stop working now; a new one is shown once."""

    permission_classes = [IsAdmin]
    url_objects = {"collector_uuid": COLLECTOR}
    not_found = COLLECTOR_NOT_FOUND

    @extend_schema(request=None, responses=inline_serializer("PerfdashNewKey", fields={
        "api_key": serializers.CharField(), "message": serializers.CharField()}))
    def post(self, request, collector_uuid):
        _, raw_key = api_key_regenerate_for_collector(collector=request.url_objects["collector_uuid"])
        return Response({"api_key": raw_key, "message": "API key regenerated successfully"})


class CollectorMenuApi(PerfdashApi):
    """GET /dashboard/api/collectors/: [{id, name, description}], newest first, not paginated."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField(source="uuid")
        name = serializers.CharField()
        description = serializers.CharField()

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request):
        collectors = collector_list(organization=request.organization, ordering=NEWEST_FIRST)
        return Response(self.OutputSerializer(collectors, many=True).data)
