"""The perf-dashboard's auth endpoints (§4 of the contract), mounted under api/v1/auth/."""

from django.urls import path

from accounts.apis import perfdash_auth as auth
from accounts.routing import by_method

urlpatterns = [
    path("token/", by_method(POST=auth.TokenApi.as_view()), name="perfdash-token"),
    path("token/refresh/", by_method(POST=auth.TokenRefreshApi.as_view()), name="perfdash-token-refresh"),
    path("token/verify/", by_method(POST=auth.TokenVerifyApi.as_view()), name="perfdash-token-verify"),
    path("user/", by_method(GET=auth.UserApi.as_view()), name="perfdash-user"),
    path("register/", by_method(POST=auth.RegisterApi.as_view()), name="perfdash-register"),
    path("logout/", by_method(POST=auth.LogoutApi.as_view()), name="perfdash-logout"),
    path("password/change/", by_method(POST=auth.PasswordChangeApi.as_view()), name="perfdash-password-change"),
]
