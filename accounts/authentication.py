"""The API's JWT authentication: simplejwt's, with the token's user read together with their
memberships. Every organization view needs both (accounts/tenancy.py), and one query serves
where simplejwt's user lookup and the tenancy's membership lookup were two, each a round trip
and an ORM statement built anew. The query is named SQL (sql/queries/accounts.sql): building
the ORM's select_related join on every request cost more than running it (docs/performance.md,
"Dashboard")."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.settings import api_settings

from accounts.models import Membership, Organization
from xat import sqlfiles


class MemberJWTAuthentication(JWTAuthentication):
    """Sets user.memberships_loaded: the user's memberships, their organizations joined."""

    def get_user(self, validated_token):
        user_id = validated_token.get(api_settings.USER_ID_CLAIM)
        # The named query reads auth_user by its primary key: another claim field, or a
        # revocation check, takes simplejwt's own path below.
        by_primary_key = api_settings.USER_ID_FIELD == "id" and not api_settings.CHECK_REVOKE_TOKEN
        memberships = _memberships_of_user(user_id) if user_id is not None and by_primary_key else []
        if not memberships:
            # No membership (or a check this path does not make): simplejwt's own lookup and checks.
            user = super().get_user(validated_token)
            user.memberships_loaded = []
            return user
        user = memberships[0].user
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        user.memberships_loaded = memberships
        return user


def _memberships_of_user(user_id) -> list[Membership]:
    rows = sqlfiles.fetch_models("memberships_of_user", {"membership": Membership, "user": get_user_model(),
                                                        "organization": Organization}, user_id=user_id)
    for row in rows:
        row["membership"].user = rows[0]["user"]
        row["membership"].organization = row["organization"]
    return [row["membership"] for row in rows]
