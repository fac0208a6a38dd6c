"""API keys for agents (admins only): list, create, revoke, rotate.

The full key is in the answer of create and rotate only; it is never stored."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.keys import api_key_issue, api_key_list, api_key_revoke, api_key_rotate
from accounts.models import ApiKey
from accounts.pagination import paginated_response
from accounts.tenancy import IsAdmin, OrganizationAPIView
from xat.openapi import paginated


class KeyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    scope = serializers.CharField()
    collector = serializers.IntegerField(source="collector_id", allow_null=True)
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    revoked = serializers.SerializerMethodField()

    def get_revoked(self, key) -> bool:
        return key.revoked_at is not None


class NewKeyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    scope = serializers.CharField()
    key = serializers.CharField(help_text="The full key: shown only now.")
    collector = serializers.IntegerField(source="collector_id", allow_null=True)
    created_at = serializers.DateTimeField()


def _new_key_data(key, raw_key: str) -> dict:
    key.key = raw_key
    return NewKeyOutputSerializer(key).data


class KeyListApi(OrganizationAPIView):
    permission_classes = [IsAdmin]

    @extend_schema(**paginated(KeyOutputSerializer))
    def get(self, request):
        return paginated_response(api_key_list(organization=request.organization), KeyOutputSerializer, request=request, view=self)


class KeyCreateApi(OrganizationAPIView):
    permission_classes = [IsAdmin]

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        collector = serializers.IntegerField(required=False, allow_null=True, help_text="Omit for an organization key.")

    @extend_schema(responses={201: NewKeyOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key, raw_key = api_key_issue(
            organization=request.organization,
            name=data.validated_data["name"],
            collector_id=data.validated_data.get("collector"),
        )
        return Response(_new_key_data(key, raw_key), status=status.HTTP_201_CREATED)


class KeyRevokeApi(OrganizationAPIView):
    permission_classes = [IsAdmin]
    url_objects = {"key_id": (ApiKey.objects.all(), "pk")}

    def delete(self, request, key_id):
        api_key_revoke(key=request.url_objects["key_id"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class KeyRotateApi(OrganizationAPIView):
    permission_classes = [IsAdmin]
    url_objects = {"key_id": (ApiKey.objects.select_related("collector"), "pk")}

    @extend_schema(request=None, responses={201: NewKeyOutputSerializer})
    def post(self, request, key_id):
        key, raw_key = api_key_rotate(key=request.url_objects["key_id"])
        return Response(_new_key_data(key, raw_key), status=status.HTTP_201_CREATED)
