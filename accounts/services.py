"""Accounts services: users, their tokens, organizations and memberships.

Each raises django.core.exceptions.ValidationError({field: reason}) for a request that
cannot be honoured; the API bases (accounts/tenancy.py) answer it as 400.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Membership, Organization, Role

User = get_user_model()


def tokens_for_user(*, user) -> dict:
    """A fresh refresh token (recorded as outstanding) and its access token."""
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def user_tokens_revoke(*, user, jti: str | None = None) -> None:
    """Blacklists user's outstanding refresh tokens: every one, or only the one whose id is
    jti (a token of another user is left alone). Access tokens die on expiry."""
    outstanding = OutstandingToken.objects.filter(user=user).exclude(blacklistedtoken__isnull=False)
    if jti is not None:
        outstanding = outstanding.filter(jti=jti)
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )


def _organization_slug(name: str) -> str:
    base = slugify(name)[:56] or "org"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def user_register(*, username: str, email: str, password: str, organization_name: str,
                  first_name: str = "", last_name: str = ""):
    """A new user, admin of a new organization named organization_name."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "This username is taken."})
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "An account with this email exists."})
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError({"username": "This username is taken."}) from None
    organization = Organization.objects.create(slug=_organization_slug(organization_name), name=organization_name)
    Membership.objects.create(user=user, organization=organization, role=Role.ADMIN)
    return user


@transaction.atomic
def user_password_change(*, user, old_password: str, new_password: str) -> None:
    """Changes the password and kills every outstanding refresh token of the user."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": "Current password is incorrect."})
    try:
        validate_password(new_password, user=user)
    except ValidationError as error:
        raise ValidationError({"new_password": error.messages}) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    user_tokens_revoke(user=user)


def membership_add(*, organization: Organization, user_ref: str, role: str) -> Membership:
    """Adds an existing user, named by username or email, with role."""
    users = list(User.objects.filter(Q(username__iexact=user_ref) | Q(email__iexact=user_ref), is_active=True)[:2])
    if len(users) != 1:
        reason = "No such user." if not users else "Several users match: use the username."
        raise ValidationError({"user": reason})
    try:
        with transaction.atomic():
            return Membership.objects.create(organization=organization, user=users[0], role=role)
    except IntegrityError:
        raise ValidationError({"user": "Already a member of this organization."}) from None


def _ensure_another_admin(membership: Membership, field: str) -> None:
    others = Membership.objects.filter(organization_id=membership.organization_id, role=Role.ADMIN).exclude(
        pk=membership.pk
    )
    if membership.role == Role.ADMIN and not others.exists():
        raise ValidationError({field: "An organization keeps at least one admin."})


@transaction.atomic
def membership_update(*, membership: Membership, role: str) -> Membership:
    # Lock the organization's admins so two demotions cannot both pass the check.
    list(Membership.objects.select_for_update().filter(organization_id=membership.organization_id, role=Role.ADMIN))
    membership.refresh_from_db(fields=["role"])
    if role != Role.ADMIN:
        _ensure_another_admin(membership, "role")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    list(Membership.objects.select_for_update().filter(organization_id=membership.organization_id, role=Role.ADMIN))
    membership.refresh_from_db(fields=["role"])
    _ensure_another_admin(membership, "user")
    membership.delete()
