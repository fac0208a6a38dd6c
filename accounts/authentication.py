"""The API's JWT authentication: simplejwt's, with the token's user read together with their
memberships. Every organization view needs both (accounts/tenancy.py), and one query serves
where simplejwt's user lookup and the tenancy's membership lookup were two, each a round trip
and an ORM statement built anew: about 0.5 ms of a chart's 10 (docs/performance.md,
"Dashboard")."""

from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.settings import api_settings

from accounts.models import Membership


class MemberJWTAuthentication(JWTAuthentication):
    """Sets user.memberships_loaded: the user's memberships, their organizations joined."""

    def get_user(self, validated_token):
        user_id = validated_token.get(api_settings.USER_ID_CLAIM)
        memberships = [] if user_id is None or api_settings.CHECK_REVOKE_TOKEN else list(
            Membership.objects.select_related("user", "organization").filter(
                **{f"user__{api_settings.USER_ID_FIELD}": user_id}))
        if not memberships:
            # No membership (or a check this path does not make): simplejwt's own lookup and checks.
            user = super().get_user(validated_token)
            user.memberships_loaded = []
            return user
        user = memberships[0].user
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        for membership in memberships:
            membership.user = user
        user.memberships_loaded = memberships
        return user
