"""PLACEHOLDER: replaced by its area's implementation (issue 11)."""

from accounts.tenancy import PublicAPIView



class TokenApi(PublicAPIView):
    pass


class TokenRefreshApi(PublicAPIView):
    pass


class TokenVerifyApi(PublicAPIView):
    pass


class UserApi(PublicAPIView):
    pass


class RegisterApi(PublicAPIView):
    pass


class LogoutApi(PublicAPIView):
    pass


class PasswordChangeApi(PublicAPIView):
    pass
