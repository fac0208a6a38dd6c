"""The perf-dashboard's authentication endpoints (contract §4), under /api/v1/auth/.

The same users, passwords, throttles and token revocation as XAT's own auth API
(accounts/apis/auth.py), in the contract's shapes; the refresh tokens issued here stay valid
after use (metrics/perfdash/tokens.py). JWT failures on user/, logout/ and password/change/
are simplejwt's 401s with `WWW-Authenticate: Bearer realm="api"` (§1.2).
"""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework_simplejwt.exceptions import TokenError

from accounts.apis.auth import BAD_CREDENTIALS, TokenPairOutputSerializer, UserOutputSerializer
from metrics.perfdash.tokens import (
    perfdash_token_refresh,
    perfdash_tokens_for_user,
    refresh_token_revoke,
    token_not_valid,
    token_verify,
)
from accounts.services import user_password_change, user_register
from accounts.tenancy import PublicAPIView, UserAPIView
from accounts.throttling import LOGIN_THROTTLES, PASSWORD_THROTTLES, REGISTER_THROTTLES
from xat.openapi import error_response
from xat.parsers import JSONParser

# §4.6: the reference's words for a refresh token it cannot read (never the exception's text).
LOGOUT_TOKEN_INVALID = "Token is invalid or expired"


class MessageOutputSerializer(serializers.Serializer):
    message = serializers.CharField()


class LoginOutputSerializer(TokenPairOutputSerializer):
    user = UserOutputSerializer()


def _password_field(**options):
    return serializers.CharField(max_length=128, trim_whitespace=False, **options)


class _ContractBodies:
    """Bodies as JSON, form or multipart, as the reference's views read them (§1.5)."""

    parser_classes = [JSONParser, FormParser, MultiPartParser]


class TokenApi(_ContractBodies, PublicAPIView):
    """Login by username: a reusable refresh token, its access token and the user."""

    throttle_classes = LOGIN_THROTTLES

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = _password_field()

    @extend_schema(responses={200: LoginOutputSerializer, 401: BAD_CREDENTIALS})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, **data.validated_data)  # None when inactive too
        if user is None:
            raise exceptions.AuthenticationFailed("No active account found with the given credentials")
        return Response({**perfdash_tokens_for_user(user=user), "user": UserOutputSerializer(user).data})


class _TokenCheckApi(_ContractBodies, PublicAPIView):
    """Answers a token it cannot accept with the contract's 401 (code token_not_valid)."""

    def handle_exception(self, exc):
        return super().handle_exception(token_not_valid(exc) if isinstance(exc, TokenError) else exc)


class TokenRefreshApi(_TokenCheckApi):
    """A new access token and a rotated refresh token; a reusable token presented stays valid."""

    class InputSerializer(serializers.Serializer):
        refresh = serializers.CharField()

    @extend_schema(responses={200: TokenPairOutputSerializer, 401: BAD_CREDENTIALS})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(perfdash_token_refresh(raw=data.validated_data["refresh"]))


class TokenVerifyApi(_TokenCheckApi):
    class InputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(responses={200: {"type": "object", "maxProperties": 0}, 401: BAD_CREDENTIALS})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token_verify(raw=data.validated_data["token"])
        return Response({})


class UserApi(_ContractBodies, UserAPIView):
    class OutputSerializer(UserOutputSerializer):
        date_joined = serializers.DateTimeField()  # Z style (DRF's default)

    def get(self, request):
        return Response(self.OutputSerializer(request.user).data)


class RegisterApi(_ContractBodies, PublicAPIView):
    """A new user, admin of a new organization named after them; no tokens (log in next)."""

    throttle_classes = REGISTER_THROTTLES

    class InputSerializer(serializers.Serializer):
        username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
        password = _password_field()
        password2 = _password_field()
        email = serializers.EmailField(required=False, allow_blank=True, default="")
        first_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
        last_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")

        def validate(self, attrs):
            if attrs["password"] != attrs.pop("password2"):
                raise serializers.ValidationError({"password": "Password fields didn't match."})
            return attrs

    class OutputSerializer(UserOutputSerializer):
        id = None  # the reference's answer names the user without its id

    @extend_schema(responses={201: OutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_register(**data.validated_data, organization_name=data.validated_data["username"])
        return Response(self.OutputSerializer(user).data, status=status.HTTP_201_CREATED)


class LogoutApi(_ContractBodies, UserAPIView):
    """200 whenever the access token is valid; ends the session of the refresh token sent,
    if any (that token and every one rotated from its login)."""

    class InputSerializer(serializers.Serializer):
        refresh = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(responses={200: MessageOutputSerializer,
                              400: error_response("The refresh token cannot be read.", "Error", "Detail")})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        try:
            data.is_valid(raise_exception=True)
            if data.validated_data.get("refresh"):
                refresh_token_revoke(user=request.user, raw=data.validated_data["refresh"])
        except (serializers.ValidationError, TokenError):
            # Generic words, never the exception's text (contract S10).
            return Response({"error": LOGOUT_TOKEN_INVALID}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"message": "Successfully logged out"})


class PasswordChangeApi(_ContractBodies, UserAPIView):
    """Changes the password and revokes every refresh token of the user.

    new_password2 may be left out (the scaffold sends only the two others, contract C16)."""

    throttle_classes = PASSWORD_THROTTLES

    class InputSerializer(serializers.Serializer):
        old_password = _password_field()
        new_password = _password_field()
        new_password2 = _password_field(required=False)

        def validate(self, attrs):
            if attrs.pop("new_password2", attrs["new_password"]) != attrs["new_password"]:
                raise serializers.ValidationError({"new_password": "New password fields didn't match."})
            return attrs

    @extend_schema(responses=MessageOutputSerializer)
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user_password_change(user=request.user, **data.validated_data)
        return Response({"message": "Password changed successfully"})
