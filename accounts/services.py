"""Accounts services: users, their tokens, organizations, memberships and invitations.

Each raises django.core.exceptions.ValidationError({field: reason}) for a request that
cannot be honoured, PermissionDenied for a user who may not; the API bases
(accounts/tenancy.py, DRF) answer them as 400 and 403.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

# The API keys' keyed hash (HMAC under XAT_KEY_PEPPER): a copy of the database holds no usable token.
from accounts.keys import secret_hash
from accounts.models import Invitation, Membership, Organization, Role
from accounts.tokens import user_tokens_revoke

User = get_user_model()


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


INVITATION_TOKEN_TYPE = "xatinv"


def _invitation_lifetime() -> timedelta:
    return timedelta(days=settings.XAT_INVITATION_DAYS)


@transaction.atomic
def invitation_create(*, organization: Organization, email: str, role: str, invited_by) -> tuple[Invitation, str]:
    """An invitation of email into organization with role, and its token, which is never
    available again. No user is looked up by the address: the answer is the same whether
    or not anybody has it. It replaces the address's open invitation (that token dies)."""
    # Only this organization's members are compared: their addresses are in the member list.
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError({"email": "A member of this organization has this address."})
    now = timezone.now()
    Invitation.objects.filter(
        organization=organization, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = f"{INVITATION_TOKEN_TYPE}_{secrets.token_urlsafe(32)}"
    invitation = Invitation.objects.create(
        organization=organization, email=email, role=role, invited_by=invited_by, token_hash=secret_hash(token),
        expires_at=now + _invitation_lifetime(),
    )
    return invitation, token


def invitation_revoke(*, invitation: Invitation) -> None:
    """The token stops working; an accepted invitation is history (remove the member instead)."""
    if invitation.accepted_at is not None:
        raise ValidationError({"invitation": "This invitation was accepted: remove the member instead."})
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def invitation_accept(*, user, token: str) -> Membership:
    """user joins the organization of the invitation whose token this is, with its role.

    Only a user whose email is the invited address may accept (a forwarded token is no use
    to another account); a refused attempt leaves the invitation open. Single use: the row
    is locked, so two requests with one token cannot both join."""
    invitation = (
        Invitation.objects.select_for_update().select_related("organization")
        .filter(token_hash=secret_hash(token.strip())).first()
    )
    if invitation is None:
        raise ValidationError({"token": "No invitation has this token."})
    reasons = {
        "revoked": "This invitation was revoked.",
        "accepted": "This invitation was already used.",
        "expired": "This invitation has expired: ask for a new one.",
    }
    if invitation.status in reasons:
        raise ValidationError({"token": reasons[invitation.status]})
    if not user.email or user.email.lower() != invitation.email.lower():
        raise PermissionDenied("This invitation is for another email address: sign in as the user it was sent to.")
    try:
        with transaction.atomic():
            membership = Membership.objects.create(organization=invitation.organization, user=user,
                                                   role=invitation.role)
    except IntegrityError:
        raise ValidationError({"token": "You are already a member of this organization."}) from None
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


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
