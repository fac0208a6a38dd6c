"""Accounts selectors: what a user belongs to, an organization's members and invitations."""

from django.db.models import QuerySet

from accounts.models import Invitation, Membership, Organization


def user_organizations(*, user) -> list[dict]:
    """[{slug, name, role}] of every organization the user belongs to, by slug."""
    return [
        {"slug": m.organization.slug, "name": m.organization.name, "role": m.role}
        for m in Membership.objects.filter(user=user).select_related("organization").order_by("organization__slug")
    ]


def membership_list(*, organization: Organization) -> QuerySet:
    return Membership.objects.filter(organization=organization).select_related("user").order_by("user__username")


def invitation_list(*, organization: Organization) -> QuerySet:
    """The organization's open invitations (neither accepted nor revoked; expired ones too,
    so an admin sees whom to invite again), newest first (index invitation_org_created)."""
    return (
        Invitation.objects.filter(organization=organization, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by").order_by("-created_at", "-id")
    )

