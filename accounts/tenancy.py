"""Tenancy: the one place where a request gets its organization and role.

Every API view of the dashboard derives from one of three bases, and the isolation
matrix (tests/test_isolation_matrix.py) refuses any view under the API that does not:

    OrganizationAPIView   JWT user acting in one organization. Before permissions run,
                          it sets
                              request.organization  (accounts.models.Organization)
                              request.membership    (accounts.models.Membership; .role)
                          Default permission: IsMember. Use IsAnalystOrAdmin / IsAdmin
                          (or set permission_classes per view) for stricter ones.
    UserAPIView           JWT user acting on themselves only (/api/auth/me/ ...).
    PublicAPIView         no authentication (login, register, token refresh).

Which organization a request acts in:
    - the `X-Organization: <slug>` header when sent: 403 if the user is not a member
      (whether or not that organization exists, so slugs cannot be probed);
    - otherwise the user's only organization;
    - otherwise 400 (the user belongs to several and must say which), or 403 (none).

Objects of another organization must answer 404: fetch them with a named access helper
that takes the organization, e.g. `collector_get_for_org(organization=..., collector_id=...)`
(metrics/collectors.py), built on `object_get_for_org` below; list views filter on
`request.organization`. Services raise django.core.exceptions.ValidationError with a
field -> reason dict; these bases answer it as 400 `{field: [reason]}`.

Agent (API key) endpoints do not use these bases: see accounts/agent_auth.py.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from rest_framework import exceptions, permissions
from rest_framework.views import APIView

from accounts.models import Membership, Organization, Role

ORGANIZATION_HEADER = "X-Organization"


class _ApiView(APIView):
    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            exc = exceptions.ValidationError(detail)
        return super().handle_exception(exc)


class PublicAPIView(_ApiView):
    """No authentication at all (login, register, refresh, logout by refresh token)."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    def get_authenticate_header(self, request) -> str:
        # Keeps a failed login or refresh a 401 (DRF makes it 403 without a challenge).
        return 'Bearer realm="api"'


class UserAPIView(_ApiView):
    """An authenticated user acting on themselves; no organization involved."""

    permission_classes = [permissions.IsAuthenticated]


class IsMember(permissions.BasePermission):
    """Any role in request.organization (set by OrganizationAPIView)."""

    allowed_roles = frozenset(Role.values)

    def has_permission(self, request, view) -> bool:
        membership = getattr(request, "membership", None)
        return membership is not None and membership.role in self.allowed_roles


class IsAnalystOrAdmin(IsMember):
    allowed_roles = frozenset({Role.ADMIN, Role.ANALYST})


class IsAdmin(IsMember):
    allowed_roles = frozenset({Role.ADMIN})


class OrganizationAPIView(_ApiView):
    """A JWT user acting in one organization: sets request.organization/.membership."""

    permission_classes = [IsMember]
    # URL keyword -> the queryset of the object it names. Looked up in request.organization
    # before the role permissions run, so another organization's object answers 404 to every
    # role, never 403.
    url_objects: dict[str, QuerySet] = {}

    def initial(self, request, *args, **kwargs):
        # Authenticate first (so a missing token stays a 401), then resolve the tenant
        # before DRF checks permissions and throttles.
        self.perform_authentication(request)
        request.organization = request.membership = None
        if request.user is not None and request.user.is_authenticated:
            request.membership = membership_for_request(user=request.user, slug=request.headers.get(ORGANIZATION_HEADER))
            request.organization = request.membership.organization
            for keyword, queryset in self.url_objects.items():
                object_get_for_org(queryset, organization=request.organization, pk=kwargs[keyword])
        super().initial(request, *args, **kwargs)


def membership_for_request(*, user, slug: str | None) -> Membership:
    """The membership a request acts with (see the module docstring for the rules)."""
    memberships = Membership.objects.select_related("organization").filter(user=user)
    if slug:
        membership = memberships.filter(organization__slug=slug.strip()).first()
        if membership is None:
            raise exceptions.PermissionDenied(f"You are not a member of organization {slug.strip()!r}.")
        return membership
    found = list(memberships.order_by("organization__slug")[:2])
    if not found:
        raise exceptions.PermissionDenied("You are not a member of any organization.")
    if len(found) > 1:
        raise exceptions.ValidationError(
            {ORGANIZATION_HEADER: [f"You belong to several organizations: name one in the {ORGANIZATION_HEADER} header."]}
        )
    return found[0]


def object_get_for_org(queryset: QuerySet, *, organization: Organization, pk) -> Model:
    """queryset's row `pk` if it belongs to organization, else Http404 (never 403)."""
    try:
        return queryset.get(organization=organization, pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {queryset.model._meta.verbose_name} {pk} in this organization.") from None
