"""The schema's version is the package's, and each operation sits under its area (one tag
of accounts.openapi.AREAS), never under a tag derived from the URL ("api", "default")."""

from importlib.metadata import version

import pytest

from accounts.openapi import AREA_DESCRIPTIONS, SchemaGenerator


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_its_version_is_the_packages(schema):
    assert schema["info"]["version"] == version("xat") != "0.0.0"


def test_each_operation_has_one_area_and_each_area_operations(schema):
    tags = {(path, method): operation["tags"] for path, operations in schema["paths"].items()
            for method, operation in operations.items()}
    assert all(len(tag) == 1 and tag[0] in AREA_DESCRIPTIONS for tag in tags.values()), tags
    assert {tag[0] for tag in tags.values()} == set(AREA_DESCRIPTIONS)
    assert [tag["name"] for tag in schema["tags"]] == list(AREA_DESCRIPTIONS)


@pytest.mark.parametrize("path, expected", [
    ("/v1/trickle", "agents"), ("/api/v1/metrics/", "agents"), ("/api/v1/auth/token/", "auth"),
    ("/api/keys/", "auth"), ("/api/dashboard/collectors/{collector_id}/cpu/", "dashboard"),
    ("/api/performance/uploads/", "uploads"), ("/api/performance/export/", "exports"),
    ("/api/v1/loadtests/compare/", "load tests"), ("/api/v1/cloud/aws/regions", "cloud"),
    ("/dashboard/api/collectors/", "perf-dashboard"), ("/api/v1/collectors/", "perf-dashboard"),
    ("/health/", "service"), ("/", "service"),
])
def test_it_files_each_path_under_its_area(schema, path, expected):
    assert all(operation["tags"] == [expected] for operation in schema["paths"][path].values())
