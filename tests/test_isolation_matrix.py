"""Tenant isolation, proved on every URL pattern the project serves (Django admin aside).

The patterns are walked from the URL resolver at collection time, so an endpoint added
later is covered without touching this file, and one this matrix cannot classify or fill
fails loudly (test_it_knows_every_pattern). Two organizations, acme (the requester) and
globex (the victim), each with collectors, keys and members named after the organization.

For every pattern and method:
- a view of an organization (accounts.tenancy.OrganizationAPIView):
  - anonymous: 401;
  - with an object of globex in the URL: 404 for every role of acme (never 403, whatever
    the role may do), the same as for an id that exists nowhere, while acme's admin on
    acme's own object is not 404 (so the filler picks the right kind of object);
  - without object in the URL: acme's answer never mentions globex. A request sends a valid
    body (World.body) or query string (World.query) naming globex's objects (its
    collectors, its organization itself) wherever it names any, so that it passes
    validation and reaches the organization's filter, and gets the status BODY_ANSWERS or
    QUERY_ANSWERS says (each such case fails with its guard removed, checked once by hand);
  - globex's rows (organization, members, collectors, keys, samples) are unchanged.
- an agent view (accounts.agent_auth.agent_key_required): acme's organization key and
  acme's collector key, sending globex's collector identifier, change nothing of globex's
  and read nothing of it.
- a user view (UserAPIView): acme's admin reads nothing of globex, changes nothing of it.
- a public view (PublicAPIView, /health/): takes no object from the URL.
"""

import json
import re
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver
from moto import mock_aws

from accounts.models import ApiKey, Invitation, Membership
from accounts.services import invitation_create
from metrics.cloud.credentials import cloud_credential_save
from metrics.cloud.models import CloudCredential
from metrics.loadtests.comparisons import comparison_run
from metrics.loadtests.models import Benchmark, BenchmarkComparison, LoadTest
from metrics.models import TrickleSession
from tests.ingest.agent import capture_ticks
from tests.api_world import cloud_instances_make
from tests.cloud.fakes import AZURE_CREDENTIALS, OCI_CREDENTIALS, azure_fake, oci_fake
from tests.oracle import CAPTURES
from accounts.tenancy import OrganizationAPIView, PublicAPIView, UserAPIView
from metrics.models import Collector
from metrics.uploads.models import Upload
from tests.personas import api_client, api_key_make, collector_make, collector_rows, team_make

SKIPPED_PREFIXES = ("admin/",)  # Django's admin: staff sessions, not the tenant API
# plain function views with no tenant data, by URL name
PUBLIC_FUNCTION_VIEWS = {"health", "perfdash-root", "perfdash-index"}
GLOBEX_IDENTIFIER = "9c0ffee0000000000000000000000000"
NOWHERE = 2_000_000_000
NOWHERE_UUID = uuid.UUID("00000000-0000-4000-8000-000000000000")
UUID_PARAMETERS = {"collector_uuid", "upload_uuid", "session_id", "loadtest_uuid", "benchmark_uuid", "comparison_uuid"}
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
# A real tick, under both the trickle envelope's and /api/v1/metrics/'s keys, so that every
# agent path goes as far as finding the collector and storing (an empty body stops short of
# the organization filter the case is there to prove).
ONE_TICK = capture_ticks(CAPTURES[0])[0]
CLOUD_CREDENTIALS = {"oci": OCI_CREDENTIALS, "azure": AZURE_CREDENTIALS,
                     "aws": {"access_key_id": "AKIAXATTESTKEY000001",
                             "secret_access_key": "xat/secret+Access+Key+0123456789abcdefgh", "region": "eu-west-1"}}
AGENT_BODY = {"identifier": GLOBEX_IDENTIFIER, "hostname": "shared-host", "measurements": ONE_TICK,
              "metrics": ONE_TICK}


class World:
    """Both organizations and, per organization, the objects a URL can name."""

    def __init__(self):
        self.teams = {slug: team_make(slug) for slug in ("acme", "globex")}
        self.collectors, self.collector_keys, self.secrets = {}, {}, {}
        self.uploads, self.sessions = {}, {}
        self.load_tests, self.benchmarks, self.comparisons = {}, {}, {}
        moment = datetime(2026, 1, 1, tzinfo=UTC)
        for slug, team in self.teams.items():
            identifier = GLOBEX_IDENTIFIER if slug == "globex" else ""
            # last_seen: a collector that sent samples (charts of one that never did answer 404).
            collector = collector_make(team.organization, name=f"{slug}-web", hostname=f"{slug}-host",
                                       identifier=identifier, tags=[slug], last_seen=moment)
            self.collectors[slug] = collector
            self.uploads[slug] = Upload.objects.create(
                organization=team.organization, collector=collector, file_name=f"{slug}.ndjson", size_bytes=1,
                sha256="0" * 64, format="pcc")
            self.sessions[slug] = TrickleSession.objects.create(
                organization=team.organization, collector=collector, name=f"Trickle {slug}", started_at=moment,
                last_data_at=moment, last_received_at=moment)
            self.load_tests[slug] = LoadTest.objects.create(organization=team.organization, collector=collector,
                                                            notes=f"{slug} load test")
            self.benchmarks[slug] = Benchmark.objects.create(organization=team.organization, collector=collector,
                                                             name=f"{slug} benchmark")
            self.comparisons[slug] = BenchmarkComparison.objects.create(
                organization=team.organization, created_by=team.admin, benchmark_id=f"{slug}-bench", duration="300s")
            key, collector_secret = api_key_make(team.organization, collector=collector, name=f"{slug} web key")
            self.collector_keys[slug] = key
            _, org_secret = api_key_make(team.organization, name=f"{slug} fleet key")
            self.secrets[slug] = {"collector": collector_secret, "organization": org_secret}

        # globex's cloud accounts: what acme's connect or disconnect could replace or remove.
        for provider, values in CLOUD_CREDENTIALS.items():
            cloud_credential_save(organization=self.teams["globex"].organization, provider=provider, values=values,
                                  user=None)

    # The query string of a GET that requires one, naming globex's objects.
    def query(self, route: str) -> str:
        globex, acme = self.collectors["globex"], self.collectors["acme"]
        return {
            "api/performance/export/": f"?collector={globex.pk}",
            "api/v1/loadtests/compare/": f"?collector_ids={globex.uuid},{acme.uuid}",
            "api/v1/loadtest/compare/": f"?collector_ids={globex.uuid},{acme.uuid}",
        }.get(route, "")

    # A valid body for each view of an organization without object in its URL that takes
    # one, naming globex's objects wherever the body names any (organization ids are not
    # read from bodies: globex's is sent anyway), and the status acme's admin gets: add a
    # line here when such an endpoint is added (a case without one fails).
    def body(self, route: str) -> dict:
        globex = self.collectors["globex"]
        organization = {"organization": self.teams["globex"].organization.pk,
                        "organization_id": self.teams["globex"].organization.pk}
        bodies = {
            "api/collectors/": lambda: {**organization, "name": "acme-db", "identifier": GLOBEX_IDENTIFIER},
            "api/v1/collectors/": lambda: {**organization, "name": "acme-db"},
            "api/keys/": lambda: {**organization, "name": "acme key", "collector": globex.pk},
            "api/organization/invitations/": lambda: {**organization, "email": "invitee@acme.example",
                                                      "role": "viewer"},
            "api/performance/upload/": lambda: {"collector": str(globex.uuid), "file": SimpleUploadedFile(
                "capture.ndjson", b"\n".join(json.dumps(item).encode() for item in ONE_TICK))},
            "dashboard/api/trickle/check-inactive/": lambda: {},
            "api/v1/loadtests/": lambda: {"collector": str(globex.uuid), "units_10pct": 1},
            "api/v1/loadtest/": lambda: {"collector": str(globex.uuid), "units_10pct": 1},
            "api/v1/loadtests/compare/": lambda: {"collector_ids": [str(globex.uuid), str(self.collectors["acme"].uuid)]},
            "api/v1/loadtest/compare/": lambda: {"collector_ids": [str(globex.uuid), str(self.collectors["acme"].uuid)]},
            "api/v1/benchmarks/": lambda: {"collector": str(globex.uuid), "name": "acme benchmark"},
            "api/v1/pcc/benchmark/compare": lambda: {"servers": [{"server_id": str(globex.uuid), "name": "globex"}],
                                                     "benchmark_id": "globex-bench", "duration": "300s"},
            **{f"api/v1/cloud/{provider}/connect": lambda values=values: {**organization, **values}
               for provider, values in CLOUD_CREDENTIALS.items()},
            "api/v1/cloud/oci/disconnect": lambda: {},
            "api/v1/cloud/aws/disconnect": lambda: {},
            "api/v1/cloud/azure/disconnect": lambda: {},
        }
        if route not in bodies:
            pytest.fail(f"the isolation matrix has no body for POST /{route}: add it to World.body")
        return bodies[route]()

    # How to fill each URL parameter with an object of an organization: add a line here when
    # an endpoint takes a new kind of object.
    def fill(self, name: str, slug: str) -> int:
        team = self.teams[slug]
        fillers = {
            "collector_id": lambda: self.collectors[slug].pk,
            "collector_uuid": lambda: self.collectors[slug].uuid,
            "upload_uuid": lambda: self.uploads[slug].uuid,
            "session_id": lambda: self.sessions[slug].pk,
            "loadtest_uuid": lambda: self.load_tests[slug].pk,
            "benchmark_uuid": lambda: self.benchmarks[slug].pk,
            "comparison_uuid": lambda: self.comparisons[slug].pk,
            "instance_id": lambda: cloud_instances_make(team.organization, slug),
            "key_id": lambda: self.collector_keys[slug].pk,
            "member_id": lambda: Membership.objects.get(user=team.viewer, organization=team.organization).pk,
            "invitation_id": lambda: invitation_create(organization=team.organization, email=f"invitee@{slug}.example",
                                                       role="viewer", invited_by=team.admin)[0].pk,
        }
        if name not in fillers:
            pytest.fail(f"the isolation matrix cannot fill URL parameter {name!r}: add it to World.fill")
        return fillers[name]()

    def snapshot(self, slug: str) -> dict:
        """Everything of organization slug that a request could change."""
        organization = self.teams[slug].organization
        organization.refresh_from_db()
        collectors = Collector.objects.filter(organization=organization).order_by("pk")
        return {
            "organization": model_to_dict(organization),
            "members": [
                (m.user.username, m.user.password, m.user.is_active, m.role)
                for m in Membership.objects.filter(organization=organization).select_related("user").order_by("pk")
            ],
            "collectors": [model_to_dict(c) for c in collectors],
            "keys": [model_to_dict(k) for k in ApiKey.objects.filter(organization=organization).order_by("pk")],
            "uploads": [model_to_dict(u) for u in Upload.objects.filter(organization=organization).order_by("pk")],
            "sessions": [model_to_dict(s) for s in
                         TrickleSession.objects.filter(organization=organization).order_by("pk")],
            "load_tests": [model_to_dict(t) for t in LoadTest.objects.filter(organization=organization).order_by("pk")],
            "benchmarks": [model_to_dict(b) for b in Benchmark.objects.filter(organization=organization).order_by("pk")],
            "comparisons": [model_to_dict(c) for c in
                            BenchmarkComparison.objects.filter(organization=organization).order_by("pk")],
            "invitations": [model_to_dict(i) for i in Invitation.objects.filter(organization=organization).order_by("pk")],
            "cloud_credentials": [model_to_dict(c) for c in
                                  CloudCredential.objects.filter(organization=organization).order_by("pk")],
            "rows": {c.pk: collector_rows(c.pk) for c in collectors},
        }

    def markers(self, slug: str) -> list[str]:
        """Text that only a leak of slug's data would put into another organization's answer."""
        keys = ApiKey.objects.filter(organization=self.teams[slug].organization)
        return [slug, *(key.prefix for key in keys)]


def _walk(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def _path_template(route: str) -> str:
    """Route text -> a path with {name} placeholders; regex routes are plain paths here."""
    text = route.replace("^", "").replace("$", "").replace("/?", "/")
    text = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)
    if re.search(r"[\\()\[\]*+?|]", text):
        pytest.fail(f"the isolation matrix cannot turn route {route!r} into a path: teach _path_template")
    return "/" + text


def _views_of(pattern: URLPattern) -> dict:
    """{METHOD: view callable} for a pattern."""
    callback = pattern.callback
    if hasattr(callback, "views"):  # accounts.routing.by_method
        return callback.views
    if hasattr(callback, "cls"):
        return {m.upper(): callback for m in HTTP_METHODS if hasattr(callback.cls, m)}
    if getattr(callback, "agent_key_auth", False):
        return {"POST": callback}
    return {"GET": callback}


def _kind(view, pattern: URLPattern) -> str:
    cls = getattr(view, "cls", None)
    if cls is not None and issubclass(cls, OrganizationAPIView):
        return "organization"
    if cls is not None and issubclass(cls, UserAPIView):
        return "user"
    if cls is not None and issubclass(cls, PublicAPIView):
        return "public"
    if getattr(view, "agent_key_auth", False):
        return "agent"
    if pattern.name in PUBLIC_FUNCTION_VIEWS:
        return "public"
    return "unknown"


def _cases():
    cases = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES):
            continue
        for method, view in _views_of(pattern).items():
            cases.append(pytest.param(route, pattern, method, view, id=f"{method} /{route}"))
    return cases


CASES = _cases()
# What acme's admin gets for World.body's request of each such view: created in acme (its
# organization read from the request, never the body), or globex's object not found.
BODY_ANSWERS = {
    "api/collectors/": 201, "api/v1/collectors/": 201, "api/organization/invitations/": 201,
    "api/keys/": 400, "api/performance/upload/": 404,
    "api/v1/loadtests/": 400, "api/v1/loadtest/": 400, "api/v1/benchmarks/": 400,
    "api/v1/loadtests/compare/": 200, "api/v1/loadtest/compare/": 200,  # acme's collector alone
    "dashboard/api/trickle/check-inactive/": 200,  # acme's idle session alone
    "api/v1/pcc/benchmark/compare": 201,  # its job refuses globex's collector (_job_run)
    **{f"api/v1/cloud/{provider}/{action}": 200 for provider in ("oci", "aws", "azure")
       for action in ("connect", "disconnect")},
}


# A GET's answer when not 200: globex's collector not found; acme has no cloud account
# connected (globex has: a leak would list globex's).
QUERY_ANSWERS = {
    "api/performance/export/": 404,
    **{f"api/v1/cloud/{provider}/instances": 409 for provider in ("oci", "aws", "azure")},
    "api/v1/cloud/aws/regions": 409, "api/v1/cloud/oci/compartments": 409,
}


def _job_run(route: str, response) -> None:
    """A comparison names its servers in its body and finds them when its job runs: run it
    as the worker would, and it must not find globex's collector."""
    if route == "api/v1/pcc/benchmark/compare":
        comparison_run(comparison_id=response.json()["comparison_id"])
        server, = BenchmarkComparison.objects.get(pk=response.json()["comparison_id"]).servers.all()
        assert server.status == "failed" and "Collector not found" in str(server.result), server.result


def _request(client, method: str, path: str, body: dict | None = None, **headers):
    if method == "GET":
        return client.get(path, **headers)
    if body and any(isinstance(value, SimpleUploadedFile) for value in body.values()):
        return getattr(client, method.lower())(path, body, format="multipart", **headers)
    data = json.dumps(body if body is not None else {})
    return getattr(client, method.lower())(path, data, content_type="application/json", **headers)


@contextmanager
def _provider_at_hand(route: str, settings, monkeypatch, tmp_path):
    """For a cloud connect, the provider its credentials are checked with: moto for AWS,
    the local fakes of tests/cloud/fakes.py for OCI and Azure."""
    if route.endswith("aws/connect"):
        with mock_aws():
            yield
    elif route.endswith("oci/connect"):
        with oci_fake() as fake:
            settings.XAT_CLOUD_OCI_ENDPOINT = fake.url
            yield
    elif route.endswith("azure/connect"):
        with azure_fake(tmp_path) as fake:
            monkeypatch.setenv("REQUESTS_CA_BUNDLE", fake.certificate)
            settings.XAT_CLOUD_AZURE_ENDPOINT = fake.url
            yield
    else:
        yield


def test_it_knows_every_pattern():
    unknown = [case.id for case in CASES if _kind(case.values[3], case.values[1]) == "unknown"]
    assert not unknown, (
        f"views not built on accounts.tenancy (OrganizationAPIView / UserAPIView / PublicAPIView) nor "
        f"accounts.agent_auth.agent_key_required: {unknown}"
    )
    assert len(CASES) >= 20  # the walk found the API, not an empty list


@pytest.mark.django_db
@pytest.mark.parametrize("route, pattern, method, view", CASES)
def test_it_isolates_organizations(route, pattern, method, view, settings, monkeypatch, tmp_path):
    kind = _kind(view, pattern)
    template = _path_template(route)
    params = re.findall(r"\{(\w+)\}", template)
    if kind == "public":
        assert not params, f"a public view takes no object from the URL: /{route}"
        return
    world = World()
    globex_path = template.format(**{p: world.fill(p, "globex") for p in params})  # may make the object
    before = world.snapshot("globex")

    if kind == "organization":
        assert _request(api_client(), method, globex_path).status_code == 401
        admin = api_client(world.teams["acme"].admin)
        if params:
            response = _request(admin, method, globex_path)
            assert response.status_code == 404, (method, globex_path, response.content)
            for role in ("admin", "analyst", "viewer"):
                client = api_client(getattr(world.teams["acme"], role))
                nowhere = _request(client, method, template.format(
                    **{p: NOWHERE_UUID if p in UUID_PARAMETERS else NOWHERE for p in params}))
                assert _request(client, method, globex_path).status_code == nowhere.status_code == 404, role
            own = template.format(**{p: world.fill(p, "acme") for p in params})
            assert _request(admin, method, own).status_code != 404, f"the filler named no acme object: {own}"
        else:
            if method == "GET":
                response = _request(admin, method, globex_path + world.query(route))
                assert response.status_code == QUERY_ANSWERS.get(route, 200), (route, response.content)
            else:
                with _provider_at_hand(route, settings, monkeypatch, tmp_path):
                    response = _request(admin, method, globex_path, world.body(route))
                assert response.status_code == BODY_ANSWERS[route], (method, route, response.content)
                _job_run(route, response)
            for marker in world.markers("globex"):
                assert marker not in response.content.decode(), (method, route, marker)

    elif kind == "agent":
        assert not params, f"an agent view takes no object from the URL: /{route}"
        # The collector key first: it binds globex's identifier to acme's collector, where
        # the organization key then finds it (the other order would register a second acme
        # collector with that identifier, which the collector key may then not take: 403).
        for scope in ("collector", "organization"):
            secret = world.secrets["acme"][scope]
            response = _request(api_client(), method, globex_path, AGENT_BODY, HTTP_APIKEY=secret)
            assert response.status_code == 200, response.content  # it got as far as storing
            for marker in world.markers("globex"):
                assert marker not in response.content.decode(), (method, route, scope, marker)

    elif kind == "user":
        assert not params, f"a user view takes no object from the URL: /{route}"
        response = _request(api_client(world.teams["acme"].admin), method, globex_path)
        for marker in world.markers("globex"):
            assert marker not in response.content.decode(), (method, route, marker)

    assert world.snapshot("globex") == before, f"{method} /{route} changed globex's data"
