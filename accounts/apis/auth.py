"""JWT authentication: register, login, refresh, logout, me, password change."""

from django.contrib.auth import authenticate
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework_simplejwt.exceptions import TokenError

from accounts.selectors import user_organizations
from accounts.services import user_password_change, user_register
from accounts.tokens import refresh_token_logout, refresh_token_rotate, token_pair, tokens_for_user
from accounts.tenancy import PublicAPIView, UserAPIView
from accounts.throttling import LoginThrottle, PasswordChangeThrottle, RegisterThrottle


class UserOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()


def _session(user, tokens: dict | None = None) -> dict:
    """The shape login, register and me answer: {access?, refresh?, user, organizations}."""
    return {
        **(tokens or {}),
        "user": UserOutputSerializer(user).data,
        "organizations": user_organizations(user=user),
    }


class RegisterApi(PublicAPIView):
    throttle_classes = [RegisterThrottle]

    class InputSerializer(serializers.Serializer):
        username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
        email = serializers.EmailField()
        password = serializers.CharField(max_length=128, trim_whitespace=False)
        organization = serializers.CharField(max_length=200, help_text="The new organization's name.")

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
    throttle_classes = [LoginThrottle]

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, trim_whitespace=False)

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

    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            refresh_token_logout(raw=data.validated_data["refresh"])
        except TokenError as error:
            raise exceptions.ValidationError({"refresh": [str(error)]}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(UserAPIView):
    def get(self, request):
        return Response(_session(request.user))


class PasswordChangeApi(UserAPIView):
    """Changes the password, kills every outstanding refresh token, returns a new pair."""

    throttle_classes = [PasswordChangeThrottle]

    class InputSerializer(serializers.Serializer):
        old_password = serializers.CharField(max_length=128, trim_whitespace=False)
        new_password = serializers.CharField(max_length=128, trim_whitespace=False)

    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user_password_change(user=request.user, **data.validated_data)
        return Response(tokens_for_user(user=request.user))
