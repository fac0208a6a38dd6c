"""Personas for API tests: plain factory functions, every row's tenant in plain sight.

    team = team_make("acme")          # Team: organization + admin, analyst, viewer users
    other = team_make("globex")       # the outsider organization whose data must stay hidden
    client = api_client(team.admin)   # JWT-authenticated APIClient (X-Organization optional)
    collector = collector_make(team.organization, name="web-1")
    key, secret = api_key_make(team.organization, collector=collector)

Users are named "<slug>-<role>" with the password PASSWORD.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.keys import api_key_create
from accounts.models import ApiKey, Membership, Organization, Role
from metrics.models import Collector

PASSWORD = "correct horse battery staple"


@dataclass
class Team:
    organization: Organization
    admin: object
    analyst: object
    viewer: object


def user_make(username: str, *, email: str | None = None, password: str = PASSWORD):
    return get_user_model().objects.create_user(username, email=email or f"{username}@example.com", password=password)


def member_make(organization: Organization, role: str, *, username: str | None = None):
    user = user_make(username or f"{organization.slug}-{role}")
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


def team_make(slug: str) -> Team:
    organization = Organization.objects.create(slug=slug, name=slug.title())
    return Team(
        organization=organization,
        admin=member_make(organization, Role.ADMIN),
        analyst=member_make(organization, Role.ANALYST),
        viewer=member_make(organization, Role.VIEWER),
    )


def api_client(user=None, *, organization: Organization | str | None = None) -> APIClient:
    """An APIClient with user's access token (none: anonymous) and X-Organization if given."""
    client = APIClient()
    headers = {}
    if user is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {AccessToken.for_user(user)}"
    if organization is not None:
        headers["HTTP_X_ORGANIZATION"] = getattr(organization, "slug", organization)
    client.credentials(**headers)
    return client


def collector_make(organization: Organization, *, name: str = "web-1", **fields) -> Collector:
    return Collector.objects.create(organization=organization, name=name, **fields)


def api_key_make(organization: Organization, *, collector: Collector | None = None, name: str = "agent key") -> tuple[ApiKey, str]:
    return api_key_create(organization=organization, name=name, collector=collector)


def collector_rows(collector_id: int) -> dict[str, int]:
    """Rows of collector_id in every table or view with a collector_id column (samples,
    aggregates, whatever is added later), API keys aside."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = 'public'"
            " AND column_name = 'collector_id' AND table_name <> 'accounts_apikey' ORDER BY 1"
        )
        tables = [name for (name,) in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}" WHERE collector_id = %s', [collector_id])
            counts[table] = cursor.fetchone()[0]
    return counts
