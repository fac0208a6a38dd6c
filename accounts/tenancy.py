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
    - otherwise 400 (the user belongs to several and must say which), or, on a view with
      `first_membership_by_default` (the perf-dashboard's API, whose client cannot send
      the header), the organization the user joined first;
    - 403 when the user belongs to none.

Objects of another organization must answer 404: name them in `url_objects`, which
resolves each before the role permissions run and leaves it in request.url_objects, or
fetch them with a named access helper that takes the organization, e.g.
`collector_get_for_org(organization=..., collector_id=...)` (metrics/collectors.py), which
answer as `object_get_for_org` below does; list views filter on `request.organization`. Services raise django.core.exceptions.ValidationError with a
field -> reason dict; these bases answer it as 400 `{field: [reason]}`.

An OrganizationAPIView that lists accounts.agent_auth.AgentKeyAuthentication takes an
agent key too: it acts in the key's organization, with request.api_key set and no
membership (permission IsAgent). The agents' own paths are function views: see
accounts/agent_auth.py.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from rest_framework import exceptions, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiKey, Membership, Organization, Role

ORGANIZATION_HEADER = "X-Organization"


def drf_exception(exc: Exception) -> Exception:
    """A service's django ValidationError as DRF's (answered 400 {field: [reason]})."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return exceptions.ValidationError(detail)
    return exc


class _ApiView(APIView):
    def handle_exception(self, exc):
        return super().handle_exception(drf_exception(exc))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):
            response.add_post_render_callback(_data_released)
        return response


def _data_released(response: Response) -> None:
    """Once rendered, the answer's data (a chart's series: tens of thousands of values) is
    let go. DRF's response, view and request refer to each other in cycles, which only the
    cyclic garbage collector frees: the data of every answer since its last full pass stayed
    in memory, and that pass, freeing them all, paused a request for 70-100 ms every hundred
    or so 1-hour network charts (docs/performance.md, "Dashboard")."""
    response.data = None


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


class IsAgent(permissions.BasePermission):
    """An agent key (request.api_key, set by OrganizationAPIView)."""

    def has_permission(self, request, view) -> bool:
        return getattr(request, "api_key", None) is not None


class OrganizationAPIView(_ApiView):
    """A JWT user acting in one organization: sets request.organization/.membership (and
    request.api_key: an agent key, on a view that lists AgentKeyAuthentication)."""

    permission_classes = [IsMember]
    # URL keyword -> (queryset, field): the object the keyword names by that field. Looked up
    # in request.organization before the role permissions run, so another organization's
    # object answers 404 to every role, never 403; the view finds it in request.url_objects.
    url_objects: dict[str, tuple[QuerySet, str]] = {}
    first_membership_by_default = False

    def initial(self, request, *args, **kwargs):
        # Authenticate first (so a missing token stays a 401), then resolve the tenant
        # before DRF checks permissions and throttles.
        self.perform_authentication(request)
        request.organization = request.membership = request.api_key = None
        request.url_objects = {}
        if isinstance(request.auth, ApiKey):
            request.api_key = request.auth
            request.organization = request.api_key.organization
        elif request.user is not None and request.user.is_authenticated:
            request.membership = membership_for_request(
                user=request.user, slug=request.headers.get(ORGANIZATION_HEADER),
                first_by_default=self.first_membership_by_default,
            )
            request.organization = request.membership.organization
        if request.organization is not None:
            for keyword, (queryset, field) in self.url_objects.items():
                request.url_objects[keyword] = object_get_for_org(
                    queryset, organization=request.organization, **{field: kwargs[keyword]}
                )
        super().initial(request, *args, **kwargs)


def membership_for_request(*, user, slug: str | None, first_by_default: bool = False) -> Membership:
    """The membership a request acts with (see the module docstring for the rules): among
    user.memberships_loaded, which the API's JWT authentication sets
    (accounts/authentication.py), else read here."""
    memberships = getattr(user, "memberships_loaded", None)
    if memberships is None:
        memberships = list(Membership.objects.select_related("organization").filter(user=user))
    if slug:
        membership = next((found for found in memberships if found.organization.slug == slug.strip()), None)
        if membership is None:
            raise exceptions.PermissionDenied(f"You are not a member of organization {slug.strip()!r}.")
        return membership
    found = sorted(memberships, key=(lambda membership: (membership.created_at, membership.id)) if first_by_default
                   else (lambda membership: membership.organization.slug))[:2]
    if not found:
        raise exceptions.PermissionDenied("You are not a member of any organization.")
    if len(found) > 1 and not first_by_default:
        raise exceptions.ValidationError(
            {ORGANIZATION_HEADER: [f"You belong to several organizations: name one in the {ORGANIZATION_HEADER} header."]}
        )
    return found[0]


def object_get_for_org(queryset: QuerySet, *, organization: Organization, **lookup) -> Model:
    """queryset's row matching lookup (`pk=...` or `uuid=...`) if it belongs to
    organization, else Http404 (never 403)."""
    try:
        return queryset.get(organization=organization, **lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise Http404(f"No such {queryset.model._meta.verbose_name} in this organization.") from None
