"""The OpenAPI schema (accounts/openapi.py): every route is in it, real answers validate against
it, and it is served with Swagger UI from this server's own files.

Routes are walked as the isolation matrix walks them (its helpers, imported), so a route
added later without a description, or without a case here, fails. Answers are validated
with jsonschema against the operation's response for the status received: a status the
schema does not list fails too.
"""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver
from jsonschema import Draft202012Validator

from tests.api_world import TICKS, World
from tests.cloud.openapi_cases import cloud_cases
from tests.ingest.agent import post_like_pcc
from tests.personas import PASSWORD, api_client, collector_make, team_make
from tests.test_isolation_matrix import SKIPPED_PREFIXES, _path_template, _views_of, _walk
from accounts.openapi import SchemaGenerator
from metrics.console.views import console_files


@pytest.fixture
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _routed() -> set[tuple[str, str]]:
    return {(_path_template(route), method) for route, pattern in _walk(get_resolver().url_patterns)
            if not route.startswith(SKIPPED_PREFIXES) for method in _views_of(pattern)}


def _described(schema) -> set[tuple[str, str]]:
    return {(path, method.upper()) for path, operations in schema["paths"].items() for method in operations}


def test_it_describes_every_route(schema):
    assert _described(schema) == _routed()
    assert len(_routed()) >= 70  # the walk found the API, not an empty list


def test_it_names_the_bearer_jwt_of_every_user_operation(schema):
    assert schema["components"]["securitySchemes"]["jwtAuth"] == {"type": "http", "scheme": "bearer",
                                                                   "bearerFormat": "JWT"}
    with_jwt = [(path, method) for path, operations in schema["paths"].items()
                for method, operation in operations.items() if {"jwtAuth": []} in operation.get("security", [])]
    assert ("/api/collectors/", "get") in with_jwt and len(with_jwt) >= 60


def test_it_validates_as_openapi():
    from drf_spectacular.validation import validate_schema

    validate_schema(SchemaGenerator().get_schema(request=None, public=True))


# -- real answers (the world: tests/api_world.py) --------------------------------------------------

def _file(name="upload.ndjson"):
    lines = b"".join(json.dumps(m).encode() + b"\n" for m in TICKS[-1])
    return SimpleUploadedFile(name, lines)


def _cases(world: World) -> list[tuple]:
    """(client, method, path, body, body format): a representative request per operation,
    writes after the reads they would disturb."""
    c, u, s = world.collector.pk, world.collector.uuid, world.session.pk
    admin, anonymous = world.admin, api_client()
    analyst, invitee = api_client(world.team.analyst), api_client(world.invitee)
    tick = {"identifier": world.identifier, "measurements": TICKS[-1]}
    xat_refresh = world.login("/api/auth/login/")["refresh"]
    perfdash_refresh = world.login("/api/v1/auth/token/")["refresh"]
    reads = [(admin, "GET", path, None, None) for path in (
        "/health/", "/", "/api/v1/", "/api/auth/me/", "/api/organization/members/", "/api/organization/invitations/",
        "/api/keys/", "/api/collectors/", f"/api/collectors/{c}/", "/api/trickle/status/",
        "/api/performance/uploads/", f"/api/performance/uploads/{world.upload.uuid}/",
        f"/api/performance/export/?collector={c}&format=json",
        *(f"/api/dashboard/collectors/{c}/{chart}/" for chart in ("cpu", "memory", "disk", "network", "filesystem",
                                                                    "summary")),
        f"/api/dashboard/collectors/{c}/live/?since={world.since}",
        "/api/v1/auth/user/", "/api/v1/collectors/", f"/api/v1/collectors/{u}/", f"/api/v1/collectors/{u}/data/",
        f"/api/v1/data/{world.upload.uuid}/", "/api/v1/pcc/captures", f"/api/v1/pcc/captures/{world.upload.uuid}/data",
        "/dashboard/api/collectors/",
        *(f"/dashboard/api/collectors/{u}/{page}/" for page in ("cpu", "memory", "disk", "network", "trickle-status",
                                                                 "sessions", "session-dates")),
        f"/dashboard/api/collectors/{u}/live/?since={world.since}", "/dashboard/api/trickle/active/",
        f"/dashboard/api/sessions/{s}/", "/api/schema/", "/api/docs/", "/api/docs/swagger-ui.css",
        "/api/docs/swagger-ui-bundle.js", "/api/docs/swagger-ui-standalone-preset.js",
        "/console/", *(f"/console/{asset}" for asset in console_files()))]
    writes = [
        (anonymous, "POST", "/api/auth/register/", {"username": "newcomer", "email": "n@example.com",
                                                     "password": "a long enough passphrase", "organization": "New"}),
        (anonymous, "POST", "/api/auth/login/", {"username": world.team.admin.username, "password": PASSWORD}),
        (anonymous, "POST", "/api/auth/refresh/", {"refresh": xat_refresh}),
        (anonymous, "POST", "/api/auth/logout/", {"refresh": world.login("/api/auth/login/")["refresh"]}),
        (analyst, "POST", "/api/auth/password/", {"old_password": PASSWORD, "new_password": "another long passphrase"}),
        (admin, "PATCH", f"/api/organization/members/{world.viewer_member.pk}/", {"role": "viewer"}),
        (admin, "DELETE", f"/api/organization/members/{world.spare_member.pk}/", None),
        (admin, "POST", "/api/organization/invitations/", {"email": "someone@example.com", "role": "analyst"}),
        (admin, "DELETE", f"/api/organization/invitations/{world.invitation.pk}/", None),
        (invitee, "POST", "/api/invitations/accept/", {"token": world.invitation_token}),
        (admin, "POST", "/api/keys/", {"name": "new key", "collector": c}),
        (admin, "POST", f"/api/keys/{world.key.pk}/rotate/", None),
        (admin, "DELETE", f"/api/keys/{world.spare_key.pk}/", None),
        (admin, "POST", "/api/collectors/", {"name": "web-2", "tags": ["edge"]}),
        (admin, "PATCH", f"/api/collectors/{c}/", {"description": "the web server"}),
        (admin, "DELETE", f"/api/collectors/{world.spare_collector.pk}/", None),
        (anonymous, "POST", "/v1/trickle", tick, "pcc"),
        (anonymous, "POST", "/v1/trickle/", tick, "pcc"),
        (anonymous, "POST", "/api/trickle/ingest/", tick, "pcc"),
        (analyst, "POST", "/api/performance/upload/", {"file": _file(), "collector": str(c)}, "multipart"),
        (anonymous, "POST", "/api/v1/auth/token/", {"username": world.team.admin.username, "password": PASSWORD}),
        (anonymous, "POST", "/api/v1/auth/token/refresh/", {"refresh": perfdash_refresh}),
        (anonymous, "POST", "/api/v1/auth/token/verify/", {"token": perfdash_refresh}),
        (anonymous, "POST", "/api/v1/auth/register/", {"username": "dan", "password": "a long enough passphrase",
                                                        "password2": "a long enough passphrase"}),
        (admin, "POST", "/api/v1/auth/logout/", {"refresh": perfdash_refresh}),
        (api_client(world.team.viewer), "POST", "/api/v1/auth/password/change/",
         {"old_password": PASSWORD, "new_password": "another long passphrase"}),
        (admin, "POST", "/api/v1/collectors/", {"name": "azure-b2s-01", "description": "Azure test VM"}),
        (admin, "PUT", f"/api/v1/collectors/{u}/", {"name": "web-1", "vcpus": 2, "memory_gib": "4.00"}),
        (admin, "PATCH", f"/api/v1/collectors/{u}/", {"hourly_cost": "0.0416"}),
        (admin, "POST", f"/api/v1/collectors/{u}/data/", {"file": _file("capture.ndjson"), "description": "x"},
         "multipart"),
        (admin, "DELETE", f"/api/v1/data/{world.spare_upload.uuid}/", None),
        (anonymous, "POST", "/api/v1/register/", {"hostname": "web-1", "identifier": world.identifier, "vcpus": 2}, "pcc"),
        (anonymous, "POST", "/api/v1/metrics/", {"identifier": world.identifier, "metrics": TICKS[-1]}, "pcc"),
        (admin, "POST", "/dashboard/api/trickle/check-inactive/?timeout_minutes=2", None),
        (admin, "POST", f"/dashboard/api/sessions/{s}/complete/", {"name": "first run"}),
        (admin, "POST", f"/api/v1/collectors/{u}/regenerate-key/", None),
        (admin, "DELETE", f"/api/v1/collectors/{world.spare_perfdash_collector.uuid}/", None),
    ]
    reads, writes = reads + _loadtest_reads(world), writes + _loadtest_writes(world)
    return reads + [(client, method, path, body, kind[0] if kind else "json")
                    for client, method, path, body, *kind in writes]


def _send(client, method: str, path: str, body, kind: str, agent_secret: str):
    if kind == "pcc":  # as pcc posts: no Content-Type, the key in `apikey`
        return post_like_pcc(client, agent_secret, json.dumps(body).encode(), path=path)
    if body is None:
        return getattr(client, method.lower())(path)
    return getattr(client, method.lower())(path, body, format=kind)


def _operation(schema, method: str, path: str) -> tuple[str, dict]:
    """The schema's path template matching a request path, and its operation."""
    bare = path.split("?")[0]
    # Literal paths before templated ones: /benchmarks/stats/ is not /benchmarks/{benchmark_uuid}/.
    for template, operations in sorted(schema["paths"].items(), key=lambda item: item[0].count("{")):
        pattern = re.sub(r"\\{\w+\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, bare) and method.lower() in operations:
            return template, operations[method.lower()]
    raise AssertionError(f"{method} {bare}: no operation in the schema")


def answer_problems(schema, method: str, path: str, response) -> list[str]:
    """What is wrong with response as an answer of that operation: its status not listed,
    its media type not listed, or its JSON body not valid against the listed schema."""
    template, operation = _operation(schema, method, path)
    where = f"{method} {path} -> {response.status_code}"
    documented = operation["responses"].get(str(response.status_code))
    if documented is None:
        return [f"{where}: status not in the schema ({sorted(operation['responses'])})"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    content = documented.get("content", {})
    if not content:
        return [] if not body else [f"{where}: a body where the schema has none"]
    media_type = response.get("Content-Type", "").split(";")[0].strip()
    if media_type not in content:
        return [f"{where}: {media_type} not in the schema ({sorted(content)})"]
    if media_type != "application/json":
        return []
    validator = Draft202012Validator({**content[media_type]["schema"], "components": schema["components"]},
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{where}: {error.json_path}: {error.message[:300]}" for error in validator.iter_errors(json.loads(body))]


@pytest.mark.django_db
def test_it_validates_every_answer(schema, tmp_path):
    world = World()
    problems, statuses = [], {}
    with cloud_cases(team=world.team, directory=tmp_path) as cloud:
        cases = _cases(world) + [(client, method, path, body, "json") for client, method, path, body in cloud]
        covered = {(_operation(schema, method, path)[0], method) for _, method, path, _, _ in cases}
        assert covered == _described(schema), "a route without a case here: add one to _cases"
        for client, method, path, body, kind in cases:
            response = _send(client, method, path, body, kind, world.org_secret)
            statuses[f"{method} {path}"] = response.status_code
            problems += answer_problems(schema, method, path, response)
    assert not problems, "\n".join(problems)
    failed = {case: status for case, status in statuses.items() if status >= 300}
    assert not failed, f"every representative request should succeed: {failed}"


@pytest.mark.django_db
def test_it_validates_every_refusal(schema):
    """Anonymous requests to every protected operation, and ids that exist nowhere: the
    401 and 404 bodies the schema describes."""
    team = team_make("acme")
    problems = []
    for template, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not operation.get("security"):
                continue  # public
            path = re.sub(r"\{(\w+)\}", lambda m: "2000000000" if m[1].endswith("_id") and m[1] != "session_id"
                          else "00000000-0000-4000-8000-000000000000", template)
            for client in (api_client(), api_client(team.admin)):
                response = _send(client, method.upper(), path, {}, "pcc" if "ApiKeyAuth" in str(operation["security"])
                                 and "jwtAuth" not in str(operation["security"]) else "json", "not-a-key")
                problems += answer_problems(schema, method.upper(), path, response)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_it_validates_the_refusal_of_ids_no_route_takes(schema):
    """An id that is no number or no UUID never reaches the view: the router's 404 (found by
    the fuzz suite on the perf-dashboard's paths, whose views answer {"error": ...})."""
    admin = api_client(team_make("acme").admin)
    problems = []
    for template, operations in schema["paths"].items():
        if "{" not in template:
            continue
        path = re.sub(r"\{\w+\}", "null,null", template)
        for method in operations:
            response = _send(admin, method.upper(), path, {}, "json", "not-a-key")
            assert response.status_code == 404, (method, path)
            problems += answer_problems(schema, method.upper(), path, response)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_it_validates_the_export_of_a_collector_of_another_organization(schema):
    theirs = collector_make(team_make("globex").organization, name="globex-web")
    path = f"/api/performance/export/?collector={theirs.pk}"
    response = api_client(team_make("acme").admin).get(path)
    assert response.status_code == 404
    assert not answer_problems(schema, "GET", path, response)


# -- served ------------------------------------------------------------------------------------

def test_it_serves_the_schema(client, schema):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["paths"].keys() == schema["paths"].keys()
    assert client.get("/api/schema/").content.startswith(b"openapi: 3.1")  # YAML by default


def test_it_refuses_an_unknown_schema_format_as_described(client, schema):
    """DRF's format negotiation answers 404; the schema listed only 200 (found by the fuzz suite)."""
    response = client.get("/api/schema/?format=xml")
    assert response.status_code == 404
    assert not answer_problems(schema, "GET", "/api/schema/?format=xml", response)


def test_it_serves_swagger_ui_from_this_server(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200 and b"swagger-ui" in page.content
    sources = re.findall(rb'(?:src|href)="([^"]+)"', page.content)
    assert len(sources) == 3, sources  # the stylesheet and the two scripts
    for source in sources:
        assert source.startswith(b"/"), f"{source!r}: not from this server"
        asset = client.get(source.decode())
        assert asset.status_code == 200 and len(b"".join(asset.streaming_content)) > 1000, source
    assert not re.search(rb"https?://", page.content), "the page loads nothing from elsewhere"


def test_it_describes_swagger_ui_to_options_in_json(client):
    """As every other path does (its page's template renderer answered a 500: found by the
    fuzz suite)."""
    response = client.options("/api/docs/")
    assert response.status_code == 200
    assert response.json()["renders"] == ["text/html"]


def _loadtest_objects(world: World) -> dict:
    """Load tests, benchmarks and a comparison of the world's organization (issue 14)."""
    from metrics.loadtests.models import Benchmark, BenchmarkComparison, BenchmarkComparisonServer, LoadTest
    from xat.encryption import encrypt

    if not hasattr(world, "loadtest_objects"):
        organization, collector = world.team.organization, world.collector
        collector.pcd_address, collector.pcd_apikey_encrypted = "pcd.example.com:8080", encrypt("pcd key")
        collector.save(update_fields=["pcd_address", "pcd_apikey_encrypted"])
        tests = [LoadTest.objects.create(organization=organization, collector=collector, units_100pct=100 * n)
                 for n in range(1, 4)]
        benchmarks = [Benchmark.objects.create(organization=organization, collector=collector, name=f"b{n}",
                                               status="completed", cpu_score=50 + n) for n in range(2)]
        comparison = BenchmarkComparison.objects.create(organization=organization, created_by=world.team.admin,
                                                        benchmark_id="perfcollector-loadtest", duration="300s",
                                                        status="completed", phase="completed")
        BenchmarkComparisonServer.objects.create(comparison=comparison, position=0, server_id="x", status="failed",
                                                 result={"success": False, "metrics_collected": False,
                                                         "error": "Collector not found", "metrics": {}, "samples": 0})
        world.loadtest_objects = {"tests": tests, "benchmarks": benchmarks, "comparison": comparison}
    return world.loadtest_objects


def _loadtest_reads(world: World) -> list[tuple]:
    made, u, spare = _loadtest_objects(world), world.collector.uuid, world.spare_perfdash_collector.uuid
    return [(world.admin, "GET", path, None, None) for path in (
        "/api/v1/loadtests/", "/api/v1/loadtest/", f"/api/v1/loadtests/{made['tests'][0].pk}/",
        f"/api/v1/loadtest/{made['tests'][0].pk}/", f"/api/v1/loadtests/compare/?collector_ids={u},{spare}",
        f"/api/v1/loadtest/compare/?collector_ids={u},{spare}", "/api/v1/benchmarks/", "/api/v1/benchmarks/stats/",
        f"/api/v1/benchmarks/{made['benchmarks'][0].pk}/",
        f"/api/v1/pcc/benchmark/compare/{made['comparison'].pk}")]


def _loadtest_writes(world: World) -> list[tuple]:
    made, u, admin = _loadtest_objects(world), str(world.collector.uuid), world.admin
    first, second, third = made["tests"]
    return [
        (admin, "POST", "/api/v1/loadtests/", {"collector": u, "units_10pct": 5}),
        (admin, "POST", "/api/v1/loadtest/", {"collector": u, "notes": "alias"}),
        (admin, "PUT", f"/api/v1/loadtests/{first.pk}/", {"collector": u, "units_50pct": 9}),
        (admin, "PATCH", f"/api/v1/loadtests/{first.pk}/", {"notes": "patched"}),
        (admin, "PUT", f"/api/v1/loadtest/{first.pk}/", {"collector": u}),
        (admin, "PATCH", f"/api/v1/loadtest/{first.pk}/", {"units_100pct": 7}),
        (admin, "POST", "/api/v1/loadtests/compare/", {"collector_ids": [u, str(world.spare_perfdash_collector.uuid)]}),
        (admin, "POST", "/api/v1/loadtest/compare/", {"collector_ids": [u, u]}),
        (admin, "POST", f"/api/v1/loadtests/run/{u}/", {"notes": "run"}),
        (admin, "POST", f"/api/v1/loadtest/run/{u}/", None),
        (admin, "DELETE", f"/api/v1/loadtests/{second.pk}/", None),
        (admin, "DELETE", f"/api/v1/loadtest/{third.pk}/", None),
        (admin, "POST", "/api/v1/benchmarks/", {"collector": u, "name": "baseline"}),
        (admin, "PUT", f"/api/v1/benchmarks/{made['benchmarks'][0].pk}/", {"collector": u, "name": "renamed"}),
        (admin, "PATCH", f"/api/v1/benchmarks/{made['benchmarks'][0].pk}/", {"overall_score": 70}),
        (admin, "DELETE", f"/api/v1/benchmarks/{made['benchmarks'][1].pk}/", None),
        (admin, "POST", "/api/v1/pcc/benchmark/compare", {"servers": [{"server_id": u, "name": "web"}]}),
    ]
