"""Mounted under api/ (xat/urls.py)."""

from django.urls import path

from accounts.apis import auth, invitations, keys, members
from accounts.routing import by_method

urlpatterns = [
    path("auth/register/", auth.RegisterApi.as_view(), name="auth-register"),
    path("auth/login/", auth.LoginApi.as_view(), name="auth-login"),
    path("auth/refresh/", auth.RefreshApi.as_view(), name="auth-refresh"),
    path("auth/logout/", auth.LogoutApi.as_view(), name="auth-logout"),
    path("auth/me/", auth.MeApi.as_view(), name="auth-me"),
    path("auth/password/", auth.PasswordChangeApi.as_view(), name="auth-password"),
    path("organization/members/", by_method(GET=members.MemberListApi.as_view()), name="members"),
    path(
        "organization/members/<int:member_id>/",
        by_method(PATCH=members.MemberUpdateApi.as_view(), DELETE=members.MemberRemoveApi.as_view()),
        name="member",
    ),
    path(
        "organization/invitations/",
        by_method(GET=invitations.InvitationListApi.as_view(), POST=invitations.InvitationCreateApi.as_view()),
        name="invitations",
    ),
    path(
        "organization/invitations/<int:invitation_id>/",
        by_method(DELETE=invitations.InvitationRevokeApi.as_view()),
        name="invitation",
    ),
    path("invitations/accept/", by_method(POST=invitations.InvitationAcceptApi.as_view()), name="invitation-accept"),
    path("keys/", by_method(GET=keys.KeyListApi.as_view(), POST=keys.KeyCreateApi.as_view()), name="keys"),
    path("keys/<int:key_id>/", by_method(DELETE=keys.KeyRevokeApi.as_view()), name="key"),
    path("keys/<int:key_id>/rotate/", by_method(POST=keys.KeyRotateApi.as_view()), name="key-rotate"),
]
