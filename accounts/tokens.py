"""Refresh tokens: what XAT keeps of them, and the rules of their use.

Each issued refresh token has a record (accounts.models.RefreshTokenRecord) holding only what
revocation needs: its id (the jti claim), its user, its expiry, its family and when it was
rotated or revoked. Never the token nor its signature: only SECRET_KEY makes a token, so a
copy of the database lets nobody in. A token is accepted while its signature, exp and type
are right and its record exists, unrevoked (and, where the rule is strict, not yet rotated).

A family is every token descended from one login: the login starts it, each refresh adds the
successor to it. Strict rotation marks the token presented as rotated. Presenting a rotated
token again is a replay: two parties hold the same token (the client and whoever copied it)
and nobody can tell which one is legitimate, so the whole family is revoked, its newest
token included, whichever party came second, and the user logs in again (refresh token
rotation with reuse detection, as in the OAuth 2.0 Security Best Current Practice, §4.14).
There is no grace period: a client that sends one refresh twice at once logs itself out.

Tokens of the perf-dashboard's login carry the claim `reusable` (metrics/perfdash/tokens.py):
the perf-dashboard's refresh leaves them valid until they expire, because its frontend keeps
presenting its first token. Every other refresh is strict, for every token: XAT's own
refresh always, and the perf-dashboard's for a token without the claim. A successor keeps
the mark of the token it replaces, so a client keeps the rule of the login it started with.

Access tokens are not recorded: they die on expiry (XAT_ACCESS_TOKEN_MINUTES).
"""

from uuid import UUID, uuid4

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import AuthenticationFailed, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts.models import RefreshTokenRecord

REUSABLE_CLAIM = "reusable"
# Missing, revoked or replayed: one reason, so an answer tells nothing about the family.
REVOKED = "Token is revoked"


class IssuedRefreshToken(RefreshToken):
    """A refresh token whose access tokens never carry the reusable mark."""

    no_copy_claims = (*RefreshToken.no_copy_claims, REUSABLE_CLAIM)


def token_pair(refresh: RefreshToken) -> dict:
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def refresh_token_issue(*, user, reusable: bool = False, family: UUID | None = None) -> IssuedRefreshToken:
    """A new refresh token of user, recorded in family (None: a new one, for a login).

    Also forgets user's expired records, which the token's exp refuses by itself: the store
    holds at most the tokens of each user's last refresh lifetime."""
    token = IssuedRefreshToken.for_user(user)
    if reusable:
        token[REUSABLE_CLAIM] = True
    now = timezone.now()
    RefreshTokenRecord.objects.filter(user=user, expires_at__lt=now).delete()
    RefreshTokenRecord.objects.create(
        jti=token[api_settings.JTI_CLAIM], user=user, family=family or uuid4(),
        expires_at=datetime_from_epoch(token["exp"]),
    )
    return token


def tokens_for_user(*, user) -> dict:
    """{access, refresh}: a login, with strict rotation (a new family)."""
    return token_pair(refresh_token_issue(user=user))


def _active_user(token: RefreshToken):
    user_id = token.get(api_settings.USER_ID_CLAIM)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        raise AuthenticationFailed("No active account found for the given token.", "no_active_account")
    return user


def _live_record(token: RefreshToken, *, lock: bool = False) -> RefreshTokenRecord | None:
    records = RefreshTokenRecord.objects.filter(jti=token[api_settings.JTI_CLAIM], revoked_at__isnull=True)
    return (records.select_for_update() if lock else records).first()


def refresh_token_rotate(*, raw: str, reusable_stays_valid: bool) -> IssuedRefreshToken:
    """The successor of raw, a refresh token, in its family and with its mark.

    raw is marked rotated unless it is reusable and reusable_stays_valid (the perf-dashboard's
    refresh). A raw already rotated is a replay: its family is revoked (committed) and
    TokenError raised. Raises TokenError for a token garbled, expired, of another type or
    revoked, AuthenticationFailed when its user was deleted or deactivated."""
    presented = RefreshToken(raw)  # signature, exp and type
    user = _active_user(presented)
    reusable = bool(presented.get(REUSABLE_CLAIM))
    with transaction.atomic():
        # Locked: of two refreshes with one token, the second sees it rotated.
        record = _live_record(presented, lock=True)
        if record is not None and record.rotated_at is None:
            if not (reusable and reusable_stays_valid):
                record.rotated_at = timezone.now()
                record.save(update_fields=["rotated_at"])
            return refresh_token_issue(user=user, reusable=reusable, family=record.family)
        if record is not None:
            refresh_token_family_revoke(user_id=user.pk, jti=record.jti)
    raise TokenError(REVOKED)


def refresh_token_check(*, raw: str) -> RefreshToken:
    """raw as a refresh token, if still usable. Raises TokenError otherwise (garbled,
    expired, of another type, revoked, or rotated by a strict refresh)."""
    token = RefreshToken(raw)
    record = _live_record(token)
    if record is None or record.rotated_at is not None:
        raise TokenError(REVOKED)
    return token


def refresh_token_family_revoke(*, user_id, jti: str) -> int:
    """Revokes every token of the family of the user's token jti (a logout, a replay): the
    session of one login ends, the user's other logins go on. A jti of another user
    revokes nothing. Returns how many tokens it revoked (0: none was live)."""
    family = RefreshTokenRecord.objects.filter(user_id=user_id, jti=jti).values("family")
    return RefreshTokenRecord.objects.filter(family__in=family, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def refresh_token_logout(*, raw: str) -> None:
    """Ends the session of raw, a refresh token (XAT's logout, where the token is the only
    credential). Raises TokenError for a token garbled, expired, of another type, or whose
    session has ended already."""
    token = RefreshToken(raw)
    user_id, jti = token.get(api_settings.USER_ID_CLAIM), token[api_settings.JTI_CLAIM]
    if not refresh_token_family_revoke(user_id=user_id, jti=jti):
        raise TokenError(REVOKED)


def user_tokens_revoke(*, user) -> None:
    """Revokes every refresh token of user (a password change). Access tokens die on expiry."""
    RefreshTokenRecord.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
