"""Every cloud operation's answer as the OpenAPI schema describes it (tests/test_openapi.py's
check), for the three providers, through tests/cloud/openapi_cases.py."""

import pytest

from tests.cloud.openapi_cases import cloud_cases
from tests.personas import api_client, team_make
from tests.test_openapi import _operation, answer_problems
from accounts.openapi import SchemaGenerator

pytestmark = pytest.mark.django_db


def test_it_answers_every_cloud_operation_as_the_schema_describes(tmp_path):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    cloud_operations = {(path, method.upper()) for path, operations in schema["paths"].items()
                        if path.startswith("/api/v1/cloud/") for method in operations}
    acme = team_make("acme")
    problems, statuses, covered = [], {}, set()
    with cloud_cases(team=acme, directory=tmp_path) as cases:
        unconnected = api_client(team_make("globex").viewer)
        cases.append((unconnected, "GET", "/api/v1/cloud/aws/instances", None))  # a 409
        for client, method, path, body in cases:
            response = client.post(path, body, format="json") if method == "POST" else client.get(path)
            statuses[f"{method} {path}"] = response.status_code
            problems += answer_problems(schema, method, path, response)
            covered.add((_operation(schema, method, path)[0], method))
    assert not problems, "\n".join(problems)
    assert covered == cloud_operations
    assert [case for case, status in statuses.items() if status >= 300] == ["GET /api/v1/cloud/aws/instances"]
