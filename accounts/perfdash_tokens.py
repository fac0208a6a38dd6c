"""The perf-dashboard's JWTs: refresh tokens that stay valid after use (contract §1.3).

The perf-dashboard stores the refresh token of its login and presents that same token at
every refresh until it expires: it ignores the rotated token the refresh answers. XAT's own
API rotates strictly (SIMPLE_JWT BLACKLIST_AFTER_ROTATION: a used refresh token is revoked),
which would log such a client out at its second refresh. So a refresh token issued by the
perf-dashboard's login carries the claim `reusable`, and so does every token rotated from it
on the perf-dashboard's refresh, which leaves the presented token valid until its own exp.
A token without the claim (from XAT's own login) is still revoked on use there.

Revocation is the same for both kinds, and every token is recorded as outstanding so that
it can find them: logout revokes the token it is given, a password change every refresh
token of the user (accounts.services.user_tokens_revoke).

XAT's own refresh (/api/auth/refresh/) applies its strict rule to any token, reusable or
not: the token presented there is revoked. The token it answers keeps the claim (simplejwt
copies custom claims on rotation), so a client that moves from one API to the other keeps
the behaviour of the login it started with.
"""

from django.contrib.auth import get_user_model
from rest_framework_simplejwt.exceptions import AuthenticationFailed, ExpiredTokenError, InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, UntypedToken

from accounts.services import tokens_for_user, user_tokens_revoke

REUSABLE_CLAIM = "reusable"
# simplejwt's reason for a token of the other type; every other reason is answered as one.
WRONG_TYPE = "Token has wrong type"


class ReusableRefreshToken(RefreshToken):
    """A new refresh token marked reusable; its access tokens do not carry the mark."""

    no_copy_claims = (*RefreshToken.no_copy_claims, REUSABLE_CLAIM)

    def __init__(self, token=None, verify: bool = True):
        super().__init__(token, verify)
        if token is None:
            self[REUSABLE_CLAIM] = True


def perfdash_tokens_for_user(*, user) -> dict:
    """{refresh, access}: a reusable refresh token (recorded as outstanding) and its access token."""
    refresh = ReusableRefreshToken.for_user(user)
    return {"refresh": str(refresh), "access": str(refresh.access_token)}


def perfdash_token_refresh(*, raw: str) -> dict:
    """{access, refresh} for raw, a refresh token: a reusable token stays valid and gets a
    reusable successor; any other is revoked and gets a strict one.

    Raises TokenError (garbled, expired, revoked, not a refresh token) or simplejwt's
    AuthenticationFailed (its user was deleted or deactivated)."""
    presented = RefreshToken(raw)  # checks signature, exp, type and the blacklist
    user_id = presented.get(api_settings.USER_ID_CLAIM)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        raise AuthenticationFailed("No active account found for the given token.", "no_active_account")
    if presented.get(REUSABLE_CLAIM):
        return perfdash_tokens_for_user(user=user)
    presented.blacklist()
    return tokens_for_user(user=user)


def token_verify(*, raw: str) -> None:
    """Raises TokenError unless raw is a valid access token or a refresh token not revoked."""
    try:
        AccessToken(raw)
    except TokenError:
        RefreshToken(raw)


def refresh_token_revoke(*, user, raw: str) -> None:
    """Revokes raw if it is a refresh token of user; an expired one needs nothing, another
    user's is left alone. Raises TokenError when raw is not a refresh token XAT signed."""
    try:
        token = UntypedToken(raw)  # signature and exp; the type is checked below
    except ExpiredTokenError:
        return
    if token.get(api_settings.TOKEN_TYPE_CLAIM) != RefreshToken.token_type:
        raise TokenError(WRONG_TYPE)
    user_tokens_revoke(user=user, jti=token[api_settings.JTI_CLAIM])


def token_not_valid(error: TokenError) -> InvalidToken:
    """The 401 the contract gives (simplejwt 5.3.1's words): "Token has wrong type", or
    "Token is invalid or expired" for every other reason, revoked included."""
    if str(error) == WRONG_TYPE:
        return InvalidToken(WRONG_TYPE)
    return InvalidToken()
