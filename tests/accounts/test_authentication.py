"""accounts/authentication.py: the API's JWT authentication, reading the token's user with
their memberships in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rest_framework_simplejwt.tokens import AccessToken

from accounts.authentication import MemberJWTAuthentication
from accounts.models import Membership
from tests.personas import api_client, member_make, team_make, user_make

pytestmark = pytest.mark.django_db
URL = "/api/collectors/"


def test_it_refuses_the_token_of_a_member_made_inactive():
    acme = team_make("acme")
    client = api_client(acme.viewer)
    assert client.get(URL).status_code == 200
    acme.viewer.is_active = False
    acme.viewer.save()

    response = client.get(URL)

    assert response.status_code == 401 and response.json()["code"] == "user_inactive", response.content


def test_it_refuses_the_token_of_a_user_without_an_organization_made_inactive():
    loner = user_make("loner")
    client = api_client(loner)
    assert client.get(URL).status_code == 403  # no organization
    loner.is_active = False
    loner.save()

    assert client.get(URL).status_code == 401


def test_it_acts_in_the_organization_named_among_the_memberships_it_read():
    acme, globex = team_make("acme"), team_make("globex")
    both = member_make(acme.organization, "viewer", username="both")
    Membership.objects.create(user=both, organization=globex.organization, role="admin")

    assert api_client(both).get(URL).status_code == 400  # several organizations, none named
    with CaptureQueriesContext(connection) as queries:
        response = api_client(both, organization="globex").get("/api/organization/members/")
    assert response.status_code == 200, response.content  # globex's admin
    # 1 the user with both memberships, 2 COUNT for the paginator, 3 the page.
    assert len(queries) == 3, [query["sql"] for query in queries]
    assert api_client(both, organization="acme").get("/api/organization/members/").status_code == 403  # a viewer
    assert api_client(both, organization="initech").get(URL).status_code == 403


def test_it_sees_a_membership_removed_at_the_next_request():
    acme = team_make("acme")
    client = api_client(acme.viewer)
    assert client.get(URL).status_code == 200
    Membership.objects.filter(user=acme.viewer).delete()

    assert client.get(URL).status_code == 403



def test_it_reads_every_field_of_the_user_and_organization_in_its_one_query():
    acme = team_make("acme")
    authentication = MemberJWTAuthentication()
    token = authentication.get_validated_token(str(AccessToken.for_user(acme.admin)))

    with CaptureQueriesContext(connection) as queries:
        user = authentication.get_user(token)
        membership, = user.memberships_loaded
        seen = (user.pk, user.username, user.email, user.date_joined, user.is_active, user.password,
                membership.role, membership.created_at, membership.user is user,
                membership.organization.pk, membership.organization.slug, membership.organization.name)

    assert len(queries) == 1, [query["sql"] for query in queries]  # nothing deferred, nothing read again
    stored = Membership.objects.select_related("user", "organization").get(user=acme.admin)
    assert seen == (stored.user.pk, stored.user.username, stored.user.email, stored.user.date_joined,
                    stored.user.is_active, stored.user.password, "admin", stored.created_at, True,
                    stored.organization.pk, "acme", "Acme")
