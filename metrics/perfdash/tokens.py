"""The perf-dashboard's JWTs: refresh tokens that stay valid after use (contract §1.3).

The perf-dashboard stores the refresh token of its login and presents that same token at
every refresh until it expires: it ignores the rotated token the refresh answers. XAT's own
API rotates strictly (a used refresh token is spent; presented again, its whole family is
revoked), which would log such a client out at its second refresh. So a refresh token issued
by the perf-dashboard's login carries the claim `reusable`, and so does every token rotated
from it, and the perf-dashboard's refresh leaves such a token valid until its own exp. The
rules and the store of every refresh token are in accounts/tokens.py.

Revocation is the same for both kinds: logout ends the session of the token it is given
(its family: the login's token and every token rotated from it), a password change revokes
every refresh token of the user (accounts.tokens.user_tokens_revoke).
"""

from rest_framework_simplejwt.exceptions import ExpiredTokenError, InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, UntypedToken

from accounts.tokens import (
    refresh_token_check,
    refresh_token_family_revoke,
    refresh_token_issue,
    refresh_token_rotate,
    token_pair,
)

# simplejwt's reason for a token of the other type; every other reason is answered as one.
WRONG_TYPE = "Token has wrong type"


def perfdash_tokens_for_user(*, user) -> dict:
    """{refresh, access}: a login whose refresh token is reusable (a new family)."""
    refresh = refresh_token_issue(user=user, reusable=True)
    return {"refresh": str(refresh), "access": str(refresh.access_token)}


def perfdash_token_refresh(*, raw: str) -> dict:
    """{access, refresh} for raw, a refresh token: a reusable token stays valid, any other is
    spent (accounts.tokens.refresh_token_rotate, whose errors it raises)."""
    return token_pair(refresh_token_rotate(raw=raw, reusable_stays_valid=True))


def token_verify(*, raw: str) -> None:
    """Raises TokenError unless raw is a valid access token or a usable refresh token."""
    try:
        AccessToken(raw)
    except TokenError:
        refresh_token_check(raw=raw)


def refresh_token_revoke(*, user, raw: str) -> None:
    """Ends the session of raw if it is a refresh token of user; an expired one needs
    nothing, another user's is left alone, a revoked one stays so. Raises TokenError when
    raw is not a refresh token XAT signed."""
    try:
        token = UntypedToken(raw)  # signature and exp; the type is checked below
    except ExpiredTokenError:
        return
    if token.get(api_settings.TOKEN_TYPE_CLAIM) != RefreshToken.token_type:
        raise TokenError(WRONG_TYPE)
    refresh_token_family_revoke(user_id=user.pk, jti=token[api_settings.JTI_CLAIM])


def token_not_valid(error: TokenError) -> InvalidToken:
    """The 401 the contract gives (simplejwt 5.3.1's words): "Token has wrong type", or
    "Token is invalid or expired" for every other reason, revoked included."""
    if str(error) == WRONG_TYPE:
        return InvalidToken(WRONG_TYPE)
    return InvalidToken()
