"""Invitations: admins invite an email address, list and revoke the open invitations; the
invited user accepts with the token (there is no other way into an organization)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.models import Invitation, Role
from accounts.pagination import paginated_response
from accounts.selectors import invitation_list
from accounts.services import invitation_accept, invitation_create, invitation_revoke
from accounts.tenancy import IsAdmin, OrganizationAPIView, UserAPIView
from xat.openapi import paginated


class InvitationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.CharField()
    status = serializers.CharField()
    invited_by = serializers.CharField(source="invited_by.username", default=None, allow_null=True)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class NewInvitationOutputSerializer(InvitationOutputSerializer):
    token = serializers.CharField(help_text="Shown only now: the admin passes it on to the invited person.")


class InvitationListApi(OrganizationAPIView):
    permission_classes = [IsAdmin]

    @extend_schema(**paginated(InvitationOutputSerializer))
    def get(self, request):
        return paginated_response(invitation_list(organization=request.organization), InvitationOutputSerializer,
                                  request=request, view=self)


class InvitationCreateApi(OrganizationAPIView):
    permission_classes = [IsAdmin]

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        role = serializers.ChoiceField(choices=Role.choices, default=Role.VIEWER)

    @extend_schema(responses={201: NewInvitationOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation, token = invitation_create(organization=request.organization, invited_by=request.user,
                                              **data.validated_data)
        # The token is in this answer only: the admin passes it on to the invited person.
        return Response({**InvitationOutputSerializer(invitation).data, "token": token},
                        status=status.HTTP_201_CREATED)


class InvitationRevokeApi(OrganizationAPIView):
    permission_classes = [IsAdmin]
    url_objects = {"invitation_id": (Invitation.objects.all(), "pk")}

    def delete(self, request, invitation_id):
        invitation_revoke(invitation=request.url_objects["invitation_id"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptApi(UserAPIView):
    """The signed-in user joins the invitation's organization; answers that membership."""

    class InputSerializer(serializers.Serializer):
        token = serializers.CharField(max_length=200)

    class OutputSerializer(serializers.Serializer):
        slug = serializers.CharField(source="organization.slug")
        name = serializers.CharField(source="organization.name")
        role = serializers.CharField()

    @extend_schema(responses={201: OutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = invitation_accept(user=request.user, token=data.validated_data["token"])
        return Response(self.OutputSerializer(membership).data, status=status.HTTP_201_CREATED)
