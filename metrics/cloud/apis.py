"""Cloud inventories (contract Appendix A, with §11.2 S2 and S10 fixed): every endpoint
needs a JWT and acts on the caller's organization, with the credentials an admin of it
entered (metrics/cloud/). Reads for every member; connect, disconnect, start, stop and
deploy-pcc for admins, each recorded in the audit (CloudAction), which admins read at
GET /api/v1/cloud/audit (CloudAuditApi).

One view class per operation, mounted once per provider (`as_view(provider=...)`,
metrics/cloud/urls.py). An instance id in the URL must be one the organization's own
listing returned (CloudInstance), else 404 before any provider call. Errors are generic
{"error": ...} (the provider's own text is logged, never answered):
400 credentials refused or malformed, 404 unknown instance, 409 not connected,
502 the provider answered an error, 503 the provider could not be reached.
"""

import logging

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts.pagination import paginated_response
from accounts.tenancy import IsAdmin
from metrics.perfdash.apis.base import PerfdashApi, ZTimeField
from metrics.perfdash.apis.pagination import ContractPagination
from metrics.cloud.inventory import (
    Instance,
    NotConnected,
    PccFacts,
    cloud_audit_list,
    cloud_connect,
    cloud_disconnect,
    cloud_instance_power,
    cloud_instance_state,
    cloud_instances_list,
    cloud_locations,
    cloud_pcc_deploy,
    cloud_pcc_validate,
    cloud_status,
)
from metrics.cloud.models import CloudAction, CloudInstance, CloudProvider
from metrics.cloud.providers import (
    CloudError,
    CredentialsRejected,
    InstanceUnknown,
    ProviderFailed,
    ProviderUnreachable,
)
from metrics.cloud.registry import provider_module
from xat.openapi import error_response, paginated, shape

logger = logging.getLogger(__name__)

INSTANCE_NOT_FOUND = {"error": "Instance not found"}
# Status and generic body per failure (S10: nothing of the provider's answer is echoed).
FAILURES = {
    CredentialsRejected: (400, "The cloud provider did not accept these credentials."),
    InstanceUnknown: (404, INSTANCE_NOT_FOUND["error"]),
    NotConnected: (409, "This organization has no credentials for this provider: an admin connects it first."),
    ProviderFailed: (502, "The cloud provider answered with an error."),
    ProviderUnreachable: (503, "The cloud provider could not be reached."),
}
# The query parameter that narrows a listing, per provider (Appendix A; Azure: a resource group).
LISTING_FILTERS = {"aws": "region", "oci": "compartment_id", "azure": "resource_group"}
# The key of the state word in start/stop/status answers (Appendix A).
STATE_KEYS = {"oci": "lifecycle_state", "aws": "state", "azure": "state"}
LOCATION_KEYS = {"aws": "regions", "oci": "compartments"}
# The answers of a view that asks the provider, besides the 200 (documented per view).
PROVIDER_ANSWERS = {
    400: error_response("A field is wrong (or the body is no JSON: Detail), or the provider did not accept the "
                        "credentials.", "Error", "Detail"),
    409: error_response("The organization has no credentials for this provider.", "Error"),
    502: error_response("The provider answered with an error.", "Error"),
    503: error_response("The provider could not be reached (or the database is unavailable).", "Error", "Detail"),
}
SUCCESS = {"success": serializers.BooleanField(), "message": serializers.CharField()}
STATE_FIELDS = {key: serializers.CharField(required=False, help_text="The provider's own state word.")
                for key in set(STATE_KEYS.values())}


def _instances_schema() -> dict:
    return {"type": "object", "required": ["instances", "count"], "properties": {
        "instances": {"type": "array", "items": shape(Instance).response}, "count": {"type": "integer"}}}


def _pcc_facts_schema() -> dict:
    facts = shape(PccFacts).response
    return {**facts, "properties": {"success": {"type": "boolean"}, **facts["properties"]},
            "required": ["success", *facts.get("required", [])]}


class CloudApi(PerfdashApi):
    provider = ""  # set per route by as_view(provider=...)
    error_shape = "custom"
    # Fields every error body of the view carries (the contract's "success": false...).
    failure_fields: dict = {"success": False}

    def handle_exception(self, exc):
        if isinstance(exc, CloudError):
            status, message = FAILURES[type(exc)]
            # The reason names the provider's error code, never a secret nor its message.
            logger.warning("cloud %s %s failed: %s (%s)", self.provider, type(self).__name__, type(exc).__name__,
                           exc.reason)
            return Response({**self.failure_fields, "error": message}, status=status)
        return super().handle_exception(exc)


class CloudInstanceApi(CloudApi):
    not_found = INSTANCE_NOT_FOUND

    @property
    def url_objects(self):
        instances = CloudInstance.objects.filter(provider=self.provider).select_related("organization", "collector")
        return {"instance_id": (instances, "instance_id")}


class CloudStatusApi(CloudApi):
    """GET .../status: {available, connected, <identifiers>, instance_count}; not connected:
    200 {available: true, connected: false}."""

    failure_fields = {"available": True, "connected": False}

    @extend_schema(responses={200: inline_serializer("CloudStatus", fields={
        "available": serializers.BooleanField(), "connected": serializers.BooleanField(),
        "instance_count": serializers.IntegerField(required=False),
        **{name: serializers.CharField(required=False) for name in (
            "account_id", "region", "tenancy_name", "tenancy_id", "tenant_id", "subscription_id")}}),
        **PROVIDER_ANSWERS})
    def get(self, request):
        try:
            return Response(cloud_status(organization=request.organization, provider=self.provider))
        except NotConnected:
            return Response({"available": True, "connected": False})


class AwsCredentials(serializers.Serializer):
    # IAM's own patterns; anything else could not even be put in a signed request's headers.
    access_key_id = serializers.RegexField(r"^[A-Z0-9]{16,128}$")
    secret_access_key = serializers.RegexField(r"^[\x21-\x7e]{1,128}$")
    region = serializers.CharField(max_length=32, default="us-east-1")

    def validate_region(self, region: str) -> str:
        if region not in provider_module("aws").regions():
            raise serializers.ValidationError("Not an AWS region.")
        return region


class OciCredentials(serializers.Serializer):
    tenancy_id = serializers.CharField(max_length=255)
    user_id = serializers.CharField(max_length=255)
    fingerprint = serializers.RegexField(r"^([0-9a-f]{2}:){15}[0-9a-f]{2}$")
    private_key = serializers.CharField(max_length=16384, trim_whitespace=False)
    passphrase = serializers.CharField(max_length=255, required=False, allow_blank=True, trim_whitespace=False)
    region = serializers.RegexField(r"^[a-z]{2}-[a-z]+-\d+$", max_length=32)


class AzureCredentials(serializers.Serializer):
    tenant_id = serializers.UUIDField(format="hex_verbose")
    subscription_id = serializers.UUIDField(format="hex_verbose")
    client_id = serializers.UUIDField(format="hex_verbose")
    client_secret = serializers.CharField(max_length=255, trim_whitespace=False)

    def to_internal_value(self, data):
        return {name: str(value) for name, value in super().to_internal_value(data).items()}


CREDENTIALS = {"aws": AwsCredentials, "oci": OciCredentials, "azure": AzureCredentials}


class CloudConnectApi(CloudApi):
    """POST .../connect: the organization's credentials, checked with the provider, then
    stored encrypted (replacing earlier ones). 200 {success, <identifiers>, instance_count}.
    Server profiles (the reference's {"profile"}) are not used."""

    permission_classes = [IsAdmin]

    @property
    def InputSerializer(self):  # noqa: N802 (the schema generator's name for the body)
        return CREDENTIALS[self.provider]

    @extend_schema(responses={200: inline_serializer("CloudConnected", fields={
        "success": serializers.BooleanField(), "instance_count": serializers.IntegerField(),
        **{name: serializers.CharField(required=False) for name in (
            "account_id", "region", "tenancy_name", "tenancy_id", "tenant_id", "subscription_id")}}),
        **PROVIDER_ANSWERS})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(cloud_connect(organization=request.organization, provider=self.provider,
                                      values=data.validated_data, user=request.user))


class CloudDisconnectApi(CloudApi):
    """POST .../disconnect: forgets the organization's credentials for the provider."""

    permission_classes = [IsAdmin]

    @extend_schema(request=None, responses=inline_serializer("CloudDisconnected", fields=SUCCESS))
    def post(self, request):
        deleted = cloud_disconnect(organization=request.organization, provider=self.provider, user=request.user)
        message = "Credentials removed." if deleted else "No credentials were stored."
        return Response({"success": True, "message": message})


class CloudLocationsApi(CloudApi):
    """GET aws/regions ({regions: [{id, name}]}), oci/compartments ({compartments: [{id,
    name, description}]}, root first)."""

    @extend_schema(responses={200: inline_serializer("CloudLocations", fields={
        key: inline_serializer(f"Cloud{key.title()}", many=True, required=False, fields={
            "id": serializers.CharField(), "name": serializers.CharField(),
            "description": serializers.CharField(required=False)}) for key in LOCATION_KEYS.values()}),
        **PROVIDER_ANSWERS})
    def get(self, request):
        locations = cloud_locations(organization=request.organization, provider=self.provider)
        return Response({LOCATION_KEYS[self.provider]: locations})


class CloudInstanceListApi(CloudApi):
    """GET .../instances: {instances: [Instance], count}; ?region= (AWS), ?compartment_id=
    (OCI) or ?resource_group= (Azure) narrows it."""

    @extend_schema(parameters=[OpenApiParameter(name, str, required=False) for name in sorted(LISTING_FILTERS.values())],
                   responses={200: OpenApiResponse(_instances_schema()), **PROVIDER_ANSWERS})
    def get(self, request):
        location = request.query_params.get(LISTING_FILTERS[self.provider]) or None
        instances = cloud_instances_list(organization=request.organization, provider=self.provider, location=location)
        return Response({"instances": instances, "count": len(instances)})


class CloudInstancePowerApi(CloudInstanceApi):
    """POST .../instances/{id}/start or /stop: {success, message, state} (OCI:
    lifecycle_state), the provider's own state word."""

    permission_classes = [IsAdmin]
    action = ""  # "start" or "stop", per route

    @extend_schema(request=None, responses={200: inline_serializer("CloudPowerRequested", fields={
        **SUCCESS, **STATE_FIELDS}), **PROVIDER_ANSWERS})
    def post(self, request, instance_id):
        instance = request.url_objects["instance_id"]
        state = cloud_instance_power(instance=instance, action=self.action, user=request.user)
        return Response({"success": True, "message": f"Instance {instance.instance_id}: {self.action} requested",
                         STATE_KEYS[self.provider]: state})


class CloudInstanceStatusApi(CloudInstanceApi):
    """GET .../instances/{id}/status: {success, state (OCI: lifecycle_state), name}."""

    @extend_schema(responses={200: inline_serializer("CloudInstanceState", fields={
        "success": serializers.BooleanField(), "name": serializers.CharField(), **STATE_FIELDS}),
        **PROVIDER_ANSWERS})
    def get(self, request, instance_id):
        state, name = cloud_instance_state(instance=request.url_objects["instance_id"])
        return Response({"success": True, STATE_KEYS[self.provider]: state, "name": name})


class CloudPccDeployApi(CloudInstanceApi):
    """POST .../instances/{id}/deploy-pcc: the instance's collector (made now or reused)
    and a new agent key, with the command to run on the instance. XAT installs nothing:
    pcc_installed stays what the collector's data says."""

    permission_classes = [IsAdmin]

    @extend_schema(request=None, responses=inline_serializer("CloudPccDeployed", fields={
        **SUCCESS, "collector_id": serializers.UUIDField(), "collector_created": serializers.BooleanField(),
        "api_key": serializers.CharField(help_text="The collector's new agent key: shown only now."),
        "install_command": serializers.CharField(), "pcc_installed": serializers.BooleanField(),
        "pcc_version": serializers.CharField(allow_null=True)}))
    def post(self, request, instance_id):
        instance = request.url_objects["instance_id"]
        collector, raw_key, created, facts = cloud_pcc_deploy(instance=instance, user=request.user)
        return Response({
            "success": True,
            "message": "Collector created: run the install command on the instance." if created else
                       "Collector reused with a new key: run the install command on the instance.",
            "collector_id": str(collector.uuid), "collector_created": created, "api_key": raw_key,
            "install_command": f"curl -s {request.build_absolute_uri('/install.sh')} | API_KEY={raw_key} bash",
            "pcc_installed": facts["pcc_installed"], "pcc_version": None,
        })


class CloudPccValidateApi(CloudInstanceApi):
    """GET .../instances/{id}/validate-pcc: {success, pcc_installed (its agent contacted
    XAT), pcc_running (it sent samples recently), pcc_version (null: not reported),
    collector_id, last_contact}."""

    @extend_schema(responses=OpenApiResponse(_pcc_facts_schema()))
    def get(self, request, instance_id):
        return Response({"success": True, **cloud_pcc_validate(instance=request.url_objects["instance_id"])})


class CloudAuditSerializer(serializers.ModelSerializer):
    created_at = ZTimeField()

    class Meta:
        model = CloudAction
        fields = ["id", "created_at", "username", "provider", "action", "instance_id", "succeeded", "outcome"]


_AUDIT_PAGES = paginated(CloudAuditSerializer, paginator_class=ContractPagination)


class CloudAuditApi(PerfdashApi):
    """GET /api/v1/cloud/audit: who connected, disconnected, started, stopped or deployed pcc
    on the organization's cloud accounts, when, and how it ended; newest first, paginated;
    ?provider= narrows it. Admins only (the actions are theirs)."""

    permission_classes = [IsAdmin]
    error_shape = "custom"

    class FilterSerializer(serializers.Serializer):
        provider = serializers.ChoiceField(choices=CloudProvider.choices, required=False)

    @extend_schema(parameters=[*_AUDIT_PAGES["parameters"], OpenApiParameter("provider", str,
                                                                             enum=CloudProvider.values)],
                   responses={200: _AUDIT_PAGES["responses"],
                              400: error_response("provider is not one of oci, aws, azure.", "Error")})
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        actions = cloud_audit_list(organization=request.organization, provider=filters.validated_data.get("provider"))
        return paginated_response(actions, CloudAuditSerializer, request=request, view=self,
                                  paginator_class=ContractPagination)
