"""JWT authentication: register, login, refresh, logout, me, password change."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework_simplejwt.exceptions import TokenError

from accounts.selectors import user_organizations
from accounts.services import user_password_change, user_register
from accounts.tokens import refresh_token_logout, refresh_token_rotate, token_pair, tokens_for_user
from accounts.tenancy import PublicAPIView, UserAPIView
from accounts.throttling import LOGIN_THROTTLES, PASSWORD_THROTTLES, REGISTER_THROTTLES
from xat.openapi import error_response


class UserOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField(help_text="May be empty (optional at the perf-dashboard's register).")
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class OrganizationOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()


class TokenPairOutputSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class SessionOutputSerializer(serializers.Serializer):
    """What login, register and me answer (me: without tokens)."""

    access = serializers.CharField(required=False)
    refresh = serializers.CharField(required=False)
    user = UserOutputSerializer()
    organizations = OrganizationOutputSerializer(many=True)


BAD_CREDENTIALS = error_response("Wrong credentials, or a refresh token that is not valid.", "Detail")


def _session(user, tokens: dict | None = None) -> dict:
    """The shape login, register and me answer: {access?, refresh?, user, organizations}."""
    return {
        **(tokens or {}),
        "user": UserOutputSerializer(user).data,
        "organizations": user_organizations(user=user),
    }


class RegisterApi(PublicAPIView):
    throttle_classes = REGISTER_THROTTLES

    class InputSerializer(serializers.Serializer):
        username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
        email = serializers.EmailField()
        password = serializers.CharField(max_length=128, trim_whitespace=False)
        organization = serializers.CharField(max_length=200, help_text="The new organization's name.")

    @extend_schema(responses={201: SessionOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_register(
            username=data.validated_data["username"],
            email=data.validated_data["email"],
            password=data.validated_data["password"],
            organization_name=data.validated_data["organization"],
        )
        return Response(_session(user, tokens_for_user(user=user)), status=status.HTTP_201_CREATED)


class LoginApi(PublicAPIView):
    throttle_classes = LOGIN_THROTTLES

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, trim_whitespace=False)

    @extend_schema(responses={200: SessionOutputSerializer, 401: BAD_CREDENTIALS})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, **data.validated_data)
        if user is None:
            raise exceptions.AuthenticationFailed("Wrong username or password.")
        return Response(_session(user, tokens_for_user(user=user)))


class RefreshApi(PublicAPIView):
    """Strict rotation: a new pair; the refresh token used is spent, and presenting it again
    revokes every token of its login (accounts/tokens.py)."""

    class InputSerializer(serializers.Serializer):
        refresh = serializers.CharField()

    @extend_schema(responses={200: TokenPairOutputSerializer, 401: BAD_CREDENTIALS})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            successor = refresh_token_rotate(raw=data.validated_data["refresh"], reusable_stays_valid=False)
        except TokenError as error:
            raise exceptions.AuthenticationFailed(str(error)) from None
        return Response(token_pair(successor))


class LogoutApi(PublicAPIView):
    class InputSerializer(serializers.Serializer):
        refresh = serializers.CharField()

    @extend_schema(responses={204: None})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            refresh_token_logout(raw=data.validated_data["refresh"])
        except TokenError as error:
            raise exceptions.ValidationError({"refresh": [str(error)]}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(UserAPIView):
    @extend_schema(responses=SessionOutputSerializer)
    def get(self, request):
        return Response(_session(request.user))


class PasswordChangeApi(UserAPIView):
    """Changes the password, kills every outstanding refresh token, returns a new pair."""

    throttle_classes = PASSWORD_THROTTLES

    class InputSerializer(serializers.Serializer):
        old_password = serializers.CharField(max_length=128, trim_whitespace=False)
        new_password = serializers.CharField(max_length=128, trim_whitespace=False)

    @extend_schema(responses=TokenPairOutputSerializer)
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user_password_change(user=request.user, **data.validated_data)
        return Response(tokens_for_user(user=request.user))
