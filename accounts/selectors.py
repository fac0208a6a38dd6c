"""Accounts selectors: what a user belongs to, an organization's members and invitations."""

from django.db.models import QuerySet

from accounts.models import Invitation, Membership, Organization
from accounts.tenancy import object_get_for_org


def user_organizations(*, user) -> list[dict]:
    """[{slug, name, role}] of every organization the user belongs to, by slug."""
    return [
        {"slug": m.organization.slug, "name": m.organization.name, "role": m.role}
        for m in Membership.objects.filter(user=user).select_related("organization").order_by("organization__slug")
    ]


def membership_list(*, organization: Organization) -> QuerySet:
    return Membership.objects.filter(organization=organization).select_related("user").order_by("user__username")


def membership_get_for_org(*, organization: Organization, membership_id) -> Membership:
    """The organization's membership `membership_id`, else Http404."""
    return object_get_for_org(Membership.objects.select_related("user"), organization=organization, pk=membership_id)


def invitation_list(*, organization: Organization) -> QuerySet:
    """The organization's open invitations (neither accepted nor revoked; expired ones too,
    so an admin sees whom to invite again), newest first (index invitation_org_created)."""
    return (
        Invitation.objects.filter(organization=organization, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by").order_by("-created_at", "-id")
    )

