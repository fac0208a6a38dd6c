"""Organization members (admins only): list, change role, remove. People join by invitation
(accounts/apis/invitations.py), never by an admin naming an existing user."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.models import Membership, Role
from accounts.pagination import paginated_response
from accounts.selectors import membership_list
from accounts.services import membership_remove, membership_update
from accounts.tenancy import IsAdmin, OrganizationAPIView
from xat.openapi import paginated


class MemberOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user_id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    email = serializers.CharField(source="user.email", help_text="May be empty.")
    role = serializers.CharField()
    created_at = serializers.DateTimeField()


class MemberListApi(OrganizationAPIView):
    permission_classes = [IsAdmin]

    @extend_schema(**paginated(MemberOutputSerializer))
    def get(self, request):
        return paginated_response(membership_list(organization=request.organization), MemberOutputSerializer, request=request, view=self)


class MemberUpdateApi(OrganizationAPIView):
    permission_classes = [IsAdmin]
    url_objects = {"member_id": (Membership.objects.select_related("user"), "pk")}

    class InputSerializer(serializers.Serializer):
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(responses=MemberOutputSerializer)
    def patch(self, request, member_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_update(membership=request.url_objects["member_id"], role=data.validated_data["role"])
        return Response(MemberOutputSerializer(membership).data)


class MemberRemoveApi(OrganizationAPIView):
    permission_classes = [IsAdmin]
    url_objects = {"member_id": (Membership.objects.all(), "pk")}

    def delete(self, request, member_id):
        membership_remove(membership=request.url_objects["member_id"])
        return Response(status=status.HTTP_204_NO_CONTENT)
