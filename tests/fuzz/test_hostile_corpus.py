"""A fixed corpus of hostile input against every operation of the OpenAPI schema XAT serves
(issue 23, §7), beside schemathesis's random examples (test_fuzz.py), which never sent what
broke XAT before: JSON nested past the parser's depth bound, lone surrogates, NUL bytes,
numbers no column holds, NaN and Infinity, 1 MB strings, and a wrong type at every level of
a body. No answer may be a 5xx.

    whole bodies      each operation with a request body: every corpus text as the body
    every field       each property of the body's schema, at every depth (array items
                      included), and each field of the operation's example (so an agent's
                      measurement text is reached with the rest of the tick valid): every
                      corpus text and every wrong type in its place
    query and path    each query parameter, and each path parameter that takes any text,
                      given every hostile text

As acme's admin (the agent paths with its organization key), the path's other parameters
naming acme's objects, so that requests reach the code behind the lookups. Each request runs
in a savepoint rolled back after it: the world stays whole for the next one.
"""

import json
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import Client

from tests.api_world import World

pytestmark = pytest.mark.django_db

# JSON texts put where a body or a field is expected.
HOSTILE = {
    "nesting 5,000 deep": b"[" * 5000 + b"]" * 5000,
    "nesting just past the depth bound": b"{\"a\": " * 1025 + b"1" + b"}" * 1025,
    "a lone surrogate": b'"a\\ud800b"',
    "a NUL byte": b'"a\\u0000b"',
    "an integer of 400 digits": b"1" + b"0" * 400,
    "a negative integer past 2^63": b"-" + b"9" * 30,
    "a float past double": b"1e400",
    "NaN": b"NaN",
    "Infinity": b"-Infinity",
    "a 1 MB string": b'"' + b"x" * 1_000_000 + b'"',
    "a string holding nesting 5,000 deep": b'"' + b"[" * 5000 + b"]" * 5000 + b'"',
}
WRONG_TYPES = {"null": b"null", "true": b"true", "a fraction": b"1.5", "a string": b'"s"', "a list": b"[[]]",
               "an object": b'{"a": {}}'}
# Texts put in a query or a path (each quoted for the URL, the invalid UTF-8 as it is).
HOSTILE_TEXTS = {
    "a NUL byte": quote("a\x00b"),
    "invalid UTF-8 (a lone surrogate's bytes)": "%ED%A0%80",
    "an integer of 400 digits": "1" + "0" * 400,
    "a float past double": "1e400",
    "NaN": "NaN",
    "Infinity": "-Infinity",
    "nesting 5,000 deep": quote("[" * 5000 + "]" * 5000),
    "10,000 characters": "x" * 10_000,
}
METHODS = ("get", "post", "put", "patch", "delete")
PLACEHOLDER = "\u2063hostile\u2063"
MAX_DEPTH = 4


def _resolved(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _schema_paths(schema: dict, components: dict, depth: int = 0) -> list[tuple]:
    """The paths of every property (an int: an array's item, here its first) the schema describes."""
    schema = _resolved(schema, components)
    if depth >= MAX_DEPTH:
        return []
    paths = []
    for variant in schema.get("allOf", []) + schema.get("oneOf", []) + schema.get("anyOf", []):
        paths += _schema_paths(variant, components, depth)
    for name, child in schema.get("properties", {}).items():
        paths += [(name,), *((name, *rest) for rest in _schema_paths(child, components, depth + 1))]
    if "items" in schema:
        paths += [(0,), *((0, *rest) for rest in _schema_paths(schema["items"], components, depth + 1))]
    return paths


def _value_paths(value, depth: int = 0) -> list[tuple]:
    """The paths of every field of an example body, every item of its lists included (an
    agent's example tick holds a statfs[*] measurement, whose text is parsed as JSON)."""
    if depth >= MAX_DEPTH:
        return []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    return [path for key, child in items for path in [(key,), *((key, *rest) for rest in _value_paths(child, depth + 1))]]


def _with(base, path: tuple):
    """A copy of base with PLACEHOLDER at path, the containers on the way made as needed."""
    if not path:
        return PLACEHOLDER
    key, rest = path[0], path[1:]
    if isinstance(key, int):
        items = list(base) if isinstance(base, list) else []
        items += [None] * (key + 1 - len(items))
        items[key] = _with(items[key], rest)
        return items
    fields = dict(base) if isinstance(base, dict) else {}
    fields[key] = _with(fields.get(key), rest)
    return fields


def _body_cases(operation: dict, components: dict) -> list[tuple[str, bytes]]:
    content = operation.get("requestBody", {}).get("content", {})
    if not content:
        return []
    json_body = content.get("application/json") or next(iter(content.values()))
    examples = [example["value"] for example in json_body.get("examples", {}).values() if "value" in example]
    base = examples[0] if examples else {}
    paths = sorted(set(_schema_paths(json_body.get("schema", {}), components)) | set(_value_paths(base)), key=str)
    cases = [(f"the body: {name}", text) for name, text in {**HOSTILE, **WRONG_TYPES}.items()]
    for path in paths:
        template = json.dumps(_with(base, path)).encode()
        marker = json.dumps(PLACEHOLDER).encode()
        cases += [(f"{'.'.join(map(str, path))}: {name}", template.replace(marker, text))
                  for name, text in {**HOSTILE, **WRONG_TYPES}.items()]
    return cases


def _url(path: str, world: World, parameters: dict, hostile: tuple[str, str] | None = None) -> str:
    """path with its parameters named after world's first objects (one of them, or a query
    parameter, given a hostile text instead)."""
    ids = world.object_ids()
    for parameter in parameters.get("path", []):
        name = parameter["name"]
        value = hostile[1] if hostile and hostile[0] == name else quote(str(ids.get(name, ["1"])[0]), safe=":")
        path = path.replace(f"{{{name}}}", value)
    if hostile and hostile[0] in {parameter["name"] for parameter in parameters.get("query", [])}:
        path += f"?{hostile[0]}={hostile[1]}"
    return path


def _requests(schema: dict, world: World):
    """(method, url, body or None, what the case is) for the whole corpus."""
    components = schema.get("components", {}).get("schemas", {})
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            parameters = {}
            for parameter in operation.get("parameters", []):
                parameters.setdefault(parameter["in"], []).append(parameter)
            url = _url(path, world, parameters)
            for what, body in _body_cases(operation, components):
                yield operation, method, url, body, what
            # Path parameters that take any text (an int or UUID one matches no route: 404).
            free = [parameter["name"] for parameter in parameters.get("path", [])
                    if _resolved(parameter.get("schema", {}), components).get("type") == "string"
                    and "format" not in _resolved(parameter.get("schema", {}), components)]
            for name in [*free, *(parameter["name"] for parameter in parameters.get("query", []))]:
                for what, text in HOSTILE_TEXTS.items():
                    yield operation, method, _url(path, world, parameters, (name, text)), None, f"{name}: {what}"


def test_no_hostile_input_gets_a_server_error(unthrottled, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # the default, which 1 MB strings fit
    world = World("acme")
    client = Client(raise_request_exception=False)
    schema = client.get("/api/schema/?format=json").json()
    failures, sent = [], 0
    for operation, method, url, body, what in _requests(schema, world):
        headers = {f"HTTP_{name.upper()}": value for name, value in world.credentials(operation).items()}
        with transaction.atomic():
            if body is None:
                response = getattr(client, method)(url, **headers)
            else:
                response = getattr(client, method)(url, body, content_type="application/json", **headers)
            transaction.set_rollback(True)
        sent += 1
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {url[:120]} ({what}): {response.status_code} {response.content[:200]!r}")
    assert sent > 5000, sent
    assert not failures, f"{len(failures)} of {sent} answers were 5xx:\n" + "\n".join(failures[:40])
