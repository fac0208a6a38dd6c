"""Schemathesis over the schema XAT serves (/api/schema/, read through the WSGI application),
every operation, as acme's admin (JWT; the agent paths with acme's organization key), while
a second organization, globex, has collectors, sessions, uploads, keys, members and
invitations (tests/api_world.py). Path parameters and the `collector` query parameter are,
some of the time, one of acme's objects (so requests reach the code behind the lookup) or
one of globex's (so cross-tenant access is tried). Every answer must be no 5xx, of a status,
media type and body the schema lists for the operation, and carry nothing of globex's that
the request did not send; and no request may remove one of globex's objects.

One test per operation, each in its own transaction over a freshly built world: the
destructive operations (deleting acme's collector, changing the admin's password, logging
out, rotating keys) are fuzzed like the others and take nothing from the operations after
them. Within a test, each request runs in a savepoint, as it would in its own transaction
on a server: a request that fails in the database takes only itself back.

Bounded: XAT_FUZZ_EXAMPLES examples per operation in the fuzzing phase (default 20), plus
the schema's examples and schemathesis's coverage cases; derandomized, so a run is
reproducible and a failure is seen again by re-running the test named in the report.
"""

import os
from dataclasses import dataclass
from urllib.parse import unquote

import hypothesis.strategies as st
import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_world import World
from xat.wsgi import application

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("XAT_FUZZ_EXAMPLES", "20"))
CONFIG = schemathesis.Config.from_dict({
    "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none"},
    "phases": {"stateful": {"enabled": False}},  # one operation at a time
})
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=CONFIG)
# Schemathesis leaves out the operation at the schema's own address: it is one of ours.
schema.location = None
ORGANIZATIONS = ("acme", "globex")


@dataclass(frozen=True)
class Owned:
    """Stands for an object of an organization in a generated request: the index-th of its
    objects that the parameter takes (World.object_ids), named by the test, which holds the
    world (the hooks below run before it exists)."""
    organization: str
    index: int


def _sometimes_owned(generated):
    return st.one_of(st.just(generated), st.builds(Owned, st.sampled_from(ORGANIZATIONS), st.integers(0, 1)))


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    return st.fixed_dictionaries({name: _sometimes_owned(value) for name, value in (path_parameters or {}).items()})


@schema.hook
def flatmap_query(context, query):
    if not query or "collector" not in query:
        return st.just(query)
    return _sometimes_owned(query["collector"]).map(lambda collector: {**query, "collector": collector})


@pytest.fixture
def worlds() -> dict[str, World]:
    return {slug: World(slug) for slug in ORGANIZATIONS}


@pytest.fixture
def globex_objects(worlds) -> set[str]:
    return set(worlds["globex"].markers())


@pytest.fixture
def requests_in_the_test_transaction():
    """Django's WSGI handler closes the database connection when a request ends, which
    inside the test's transaction would end the transaction; Django's test client
    disconnects the same receiver for the same reason."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


def _named(worlds: dict[str, World], parameters: dict | None) -> dict | None:
    """parameters with each Owned placeholder replaced by the object's id."""
    if parameters is None:
        return None
    named = dict(parameters)
    for name, value in parameters.items():
        if isinstance(value, Owned):
            ids = worlds[value.organization].object_ids()[name]
            named[name] = ids[value.index % len(ids)]
    return named


def _aimed_at_acme(case, acme: World, parameters: dict | None, location: str) -> dict | None:
    """The object parameters of a case from the schema's examples or the coverage phase
    (the hooks above see only the fuzzing phase's) name acme's main objects, unless the
    case is about one of them: so its other values reach the code behind the lookup."""
    phase = case._meta.phase  # schemathesis 4 keeps the phase in the case's private metadata
    if phase.name == TestPhase.FUZZING or parameters is None:
        return parameters
    varied = phase.data.parameter if phase.name == TestPhase.COVERAGE and phase.data.parameter_location == location \
        else None
    return {name: Owned(acme.slug, 0) if name in acme.object_ids() and name != varied else value
            for name, value in parameters.items()}


def nothing_of(world: World):
    """A check: the answer holds none of world's markers that the request did not send."""
    markers = world.markers()

    def no_data_of_the_other_organization(ctx, response, case):
        request = response.request
        sent = unquote(request.url) + (request.body.decode(errors="replace") if isinstance(request.body, bytes)
                                       else request.body or "")
        answer = response.content.decode(errors="replace")
        leaked = [marker for marker in markers if marker in answer and marker not in sent]
        assert not leaked, f"the answer holds {world.slug}'s {leaked}"

    return no_data_of_the_other_organization


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_it_answers_within_the_schema_and_the_organization(case, worlds, globex_objects, unthrottled,
                                                          requests_in_the_test_transaction):
    case.path_parameters = _named(worlds, _aimed_at_acme(case, worlds["acme"], case.path_parameters, "path"))
    case.query = _named(worlds, _aimed_at_acme(case, worlds["acme"], case.query, "query"))
    with transaction.atomic():
        case.call_and_validate(
            headers=worlds["acme"].credentials(case.operation.definition.raw),
            checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                    response_schema_conformance, nothing_of(worlds["globex"])],
        )
    # A set: rows come back in no set order (an update, even rolled back, may move one).
    assert set(worlds["globex"].markers()) == globex_objects, f"{case.as_curl_command()}: removed an object of globex's"
