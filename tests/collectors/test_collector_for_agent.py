"""metrics.collectors.collector_for_agent: which collector an agent's key and identifier
write (collector-protocol.md, "Keys and identifiers")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.keys import api_key_authenticate
from metrics.collectors import IdentifierInvalid, IdentifierRefused, collector_for_agent
from metrics.models import Collector
from tests.personas import api_key_make, collector_make, team_make

pytestmark = pytest.mark.django_db
HOST_A = "d2da98c4b4f5454cbdb311f4701ad1a1"
HOST_B = "0123456789abcdef0123456789abcdef"


def live(secret):
    return api_key_authenticate(secret)  # as the agent endpoints get it: collector selected


def test_it_binds_a_hand_made_collector_to_the_first_identifier():
    acme = team_make("acme")
    web = collector_make(acme.organization)
    _, secret = api_key_make(acme.organization, collector=web)
    assert collector_for_agent(key=live(secret), identifier=HOST_A) == web
    web.refresh_from_db()
    assert web.identifier == HOST_A
    assert collector_for_agent(key=live(secret), identifier=HOST_A) == web


def test_it_refuses_a_collector_key_with_another_identifier():
    acme = team_make("acme")
    web = collector_make(acme.organization, identifier=HOST_A)
    _, secret = api_key_make(acme.organization, collector=web)
    with pytest.raises(IdentifierRefused):
        collector_for_agent(key=live(secret), identifier=HOST_B)


def test_it_refuses_to_bind_an_identifier_another_collector_has():
    acme = team_make("acme")
    collector_make(acme.organization, name="db", identifier=HOST_A)
    web = collector_make(acme.organization, name="web")
    _, secret = api_key_make(acme.organization, collector=web)
    with pytest.raises(IdentifierRefused):
        collector_for_agent(key=live(secret), identifier=HOST_A)
    web.refresh_from_db()
    assert web.identifier == ""


def test_it_registers_new_identifiers_of_an_organization_key_after_the_hostname():
    acme = team_make("acme")
    collector_make(acme.organization, name="web")
    _, secret = api_key_make(acme.organization)
    first = collector_for_agent(key=live(secret), identifier=HOST_A, hostname="web")
    second = collector_for_agent(key=live(secret), identifier=HOST_B)
    assert (first.name, first.hostname, first.identifier) == (f"web ({HOST_A[:8]})", "web", HOST_A)
    assert (second.name, second.identifier) == (HOST_B, HOST_B)
    assert collector_for_agent(key=live(secret), identifier=HOST_A, hostname="renamed") == first
    assert Collector.objects.filter(organization=acme.organization).count() == 3


def test_it_keeps_organizations_apart_for_the_same_identifier():
    acme, globex = team_make("acme"), team_make("globex")
    theirs = collector_make(globex.organization, identifier=HOST_A)
    _, secret = api_key_make(acme.organization)
    mine = collector_for_agent(key=live(secret), identifier=HOST_A, hostname="h")
    assert mine != theirs and mine.organization == acme.organization


def test_it_needs_an_identifier_with_an_organization_key():
    acme = team_make("acme")
    _, secret = api_key_make(acme.organization)
    for identifier in (None, "", "x" * 129):
        with pytest.raises(IdentifierInvalid):
            collector_for_agent(key=live(secret), identifier=identifier)


def test_it_costs_one_indexed_query_for_a_bound_collector_key_and_one_for_a_known_identifier():
    acme = team_make("acme")
    web = collector_make(acme.organization, identifier=HOST_A)
    collector_key = live(api_key_make(acme.organization, collector=web)[1])
    org_key = live(api_key_make(acme.organization, name="fleet")[1])
    with CaptureQueriesContext(connection) as queries:
        collector_for_agent(key=collector_key, identifier=HOST_A)
    assert len(queries) == 1  # metrics_collector's primary key
    with CaptureQueriesContext(connection) as queries:
        collector_for_agent(key=org_key, identifier=HOST_A)
    assert len(queries) == 1  # the (organization, identifier) unique index
