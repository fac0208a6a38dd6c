"""The OpenAPI 3.1 schema of every endpoint (drf-spectacular): served at /api/schema/, with
Swagger UI at /api/docs/ from this server's own copy of its files (drf-spectacular-sidecar;
no CDN). tests/test_openapi.py checks that every route is in it and that real answers
validate against it. The views serving it: accounts/apis/schema.py; what views use to
describe themselves: xat/openapi.py.

In accounts because what it reads of a view is accounts' API: the base views of
accounts.tenancy (the 400/403 of an organization's view), accounts.routing.by_method,
accounts.pagination's pages.

Every URL pattern of xat/urls.py reaches the schema (Django's admin aside):

- DRF views, one class per operation: a view's nested `InputSerializer` is its body
  (POST/PUT/PATCH) or its query parameters (GET), `FilterSerializer` its query parameters,
  `OutputSerializer` its answer, unless `@extend_schema` on the method says otherwise
  (AutoSchema below).
- accounts.routing.by_method: each method under its own view (EndpointEnumerator).
- plain Django function views (the agents' paths, /health/, the index): `@function_schema`
  gives them a stand-in DRF view that the schema generator reads; the view itself runs
  exactly as before (pcc may send no Content-Type, which a DRF view would refuse).

Each operation is tagged with its area (AREAS: the first prefix of its path that matches),
which Swagger UI groups by; the schema's version is the package's (pyproject.toml).

Error answers are added to each operation from what its view does (AutoSchema.error_responses):
401 where a JWT is read, 403/400 of accounts.tenancy, 404 where the URL names an object or
a page, 400 (DRF's field errors, or the perf-dashboard's {"error", "fields"}) where the view
validates input, 413/415 where it reads a body, 429 where it is throttled, 503 everywhere.
"""

import re

from django.urls import URLPattern, URLResolver
from drf_spectacular import generators, openapi
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.drainage import error, warn
from drf_spectacular.plumbing import get_doc, is_serializer
from drf_spectacular.utils import OpenApiResponse

from accounts.tenancy import OrganizationAPIView
from xat.openapi import DATABASE_DOWN, ERROR_SCHEMAS, component_name, error_response, schema_ref

UNDOCUMENTED_PREFIXES = ("admin/",)  # Django's admin: staff pages, not the API
# Each area (an OpenAPI tag) and the path prefixes of its operations; a path takes the area
# of its first matching prefix, so the more specific prefixes come first.
AREAS = {
    "agents": ("/v1/trickle", "/api/trickle/ingest/", "/api/v1/metrics/", "/api/v1/register/"),
    "auth": ("/api/auth/", "/api/v1/auth/", "/api/invitations/", "/api/organization/", "/api/keys/"),
    "collectors": ("/api/collectors/", "/api/trickle/status/"),
    "dashboard": ("/api/dashboard/",),
    "uploads": ("/api/performance/upload",),
    "exports": ("/api/performance/export/",),
    "load tests": ("/api/v1/loadtest", "/api/v1/benchmarks/", "/api/v1/pcc/benchmark/"),
    "cloud": ("/api/v1/cloud/",),
    "perf-dashboard": ("/api/v1/", "/dashboard/api/"),
    "service": ("/health/", "/api/schema/", "/api/docs/", "/"),
}
AREA_DESCRIPTIONS = {
    "agents": "What pcc sends: ticks, uploads of JSON measurements, registration (an API key).",
    "auth": "Sign-in, tokens, users, the organization's members, invitations and API keys.",
    "collectors": "XAT's own collector registry and trickle status.",
    "dashboard": "XAT's own charts, summaries and live view (docs/api.md).",
    "uploads": "Past captures uploaded as files, and their jobs.",
    "exports": "Samples as CSV, JSON or the sar tree, for R.",
    "load tests": "Load tests, benchmarks and their comparisons (perf-dashboard contract).",
    "cloud": "Cloud accounts and instances (perf-dashboard contract, appendix A).",
    "perf-dashboard": "The rest of the perf-dashboard's API (docs/perf-dashboard.md).",
    "service": "Health, the index, this schema and its documentation, the console's files.",
}


def area(path: str) -> str:
    """The area (tag) of the operation at path."""
    return next(name for name, prefixes in AREAS.items() if path.startswith(prefixes))


BODY_METHODS = ("POST", "PUT", "PATCH")
SECURITY_SCHEMES = {
    "ApiKeyAuth": {"type": "apiKey", "in": "header", "name": "apikey",
                   "description": "An agent's API key (also accepted as `X-API-Key: <key>` or "
                                  "`Authorization: ApiKey <key>`); never in the query string."},
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before retrying."}}
WWW_AUTHENTICATE = {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "The scheme to authenticate with."}}


class MemberJWTScheme(SimpleJWTScheme):
    """The API's JWT authentication (accounts/authentication.py) is simplejwt's, read with the
    user's memberships: the same security scheme. drf-spectacular's own extension names
    simplejwt's class only, not its subclasses."""

    target_class = "accounts.authentication.MemberJWTAuthentication"


class AutoSchema(openapi.AutoSchema):
    def get_request_serializer(self):
        return getattr(self.view, "InputSerializer", None) if self.method in BODY_METHODS else None

    def get_response_serializers(self):
        output = getattr(self.view, "OutputSerializer", None)
        if output is None and self.method == "DELETE":
            return {204: None}
        if output is None:
            warn(f"{self.method} {self.path}: no answer described (an OutputSerializer or @extend_schema)")
        return output

    def get_override_parameters(self):
        query = getattr(self.view, "FilterSerializer", None)
        if query is None and self.method == "GET":
            query = getattr(self.view, "InputSerializer", None)
        return [query] if query else []

    def get_description(self) -> str:
        # The method's or the view's own docstring; never one inherited from a base class
        # (accounts.tenancy's would describe every operation alike).
        method = getattr(self.view, self.method.lower(), None)
        return get_doc(method) or get_doc(type(self.view)) * ("__doc__" in vars(type(self.view)))

    def get_tags(self) -> list[str]:
        return [area(self.path)]

    def get_operation_id(self) -> str:
        # A paginated GET is a list, not the retrieve of the same path with an id.
        if self.method == "GET" and self.paginated():
            return "_".join(token.replace("-", "_") for token in self._tokenize_path()) + "_list"
        return super().get_operation_id()

    def paginated(self) -> bool:
        return any(getattr(parameter, "name", None) == "page" for parameter in self.get_override_parameters())

    def get_serializer_name(self, serializer, direction) -> str:
        return component_name(type(serializer))

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status, (response, headers) in self.error_responses().items():
            if status not in responses:
                responses[status] = self._get_response_for_code(response, status, direction=direction)
            if headers:
                responses[status]["headers"] = headers
        return responses

    def error_responses(self) -> dict[str, tuple[OpenApiResponse, dict | None]]:
        """{status: (response, its headers)} of the errors the view can answer."""
        view = self.view
        if getattr(view, "schema_complete", False):
            return {}  # function views' stand-ins and the schema's own views: described in full
        errors = {}
        parameters = self.get_override_parameters()
        reads_input = self.get_request_serializer() is not None or any(is_serializer(p) for p in parameters)
        custom = getattr(view, "error_shape", "fields") == "custom"
        tenant = isinstance(view, OrganizationAPIView)
        if reads_input or (tenant and not view.first_membership_by_default):
            errors["400"] = error_response("The request is refused: the reason of each field.",
                                           "Error" if custom else "FieldErrors", "Detail"), None
        if view.get_authenticators():
            errors["401"] = error_response("No valid access token.", "Detail"), WWW_AUTHENTICATE
        if tenant:
            errors["403"] = error_response("Not a member of the organization (X-Organization), or a role too weak.",
                                           "Detail"), None
        not_found = []
        if re.search(r"\{\w+\}", self.path):
            if "error" in getattr(view, "not_found", {}):
                not_found.append("Error")
            # Also the router's own answer: a value the route's converter refuses (an id that
            # is no number, no UUID) never reaches the view.
            not_found.append("Detail")
        if self.paginated():
            not_found.append("Detail")
        if not_found:
            errors["404"] = error_response("No such object in the organization, or no such page.",
                                           *dict.fromkeys(not_found)), None
        if self.method in BODY_METHODS and self.get_request_serializer() is not None:
            errors["413"] = error_response("The body is larger than XAT reads.", "Detail"), None
            errors["415"] = error_response("A body of a type this endpoint does not read.", "Detail"), None
        if view.throttle_classes:
            errors["429"] = error_response("Too many attempts: wait Retry-After seconds.", "Detail"), RETRY_AFTER
        errors["503"] = DATABASE_DOWN, RETRY_AFTER
        return errors


class EndpointEnumerator(generators.EndpointEnumerator):
    """Every route's operations: by_method's one view per method, function views' stand-ins."""

    def _get_api_endpoints(self, patterns, prefix):
        endpoints = []
        for pattern in self.patterns if patterns is None else patterns:
            route = prefix + str(pattern.pattern)
            if route.lstrip("^").startswith(UNDOCUMENTED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                endpoints += self._get_api_endpoints(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                path = self.get_path_from_regex(route)
                endpoints += [(path, route, method, view) for method, view in self.operations(pattern.callback, path)]
        return endpoints

    def operations(self, callback, path: str) -> list[tuple[str, object]]:
        if hasattr(callback, "views"):  # accounts.routing.by_method
            return list(callback.views.items())
        view = getattr(callback, "schema_view", callback)  # function_schema's stand-in
        if not hasattr(view, "cls"):
            error(f"{path}: a function view without @function_schema (xat/openapi.py) cannot be described")
            return []
        return [(method, view) for method in self.get_allowed_methods(view)]


class SchemaGenerator(generators.SchemaGenerator):
    endpoint_inspector_cls = EndpointEnumerator

    def parse(self, input_request, public):
        paths = super().parse(input_request, public)
        # A path also routed with a trailing slash (pcc's /v1/trickle): the alias's own operationId.
        for path, operations in paths.items():
            if path.endswith("/") and path[:-1] in paths:
                for operation in operations.values():
                    operation["operationId"] += "_slash"
        return paths

    def get_schema(self, request=None, public=False):
        schema = super().get_schema(request=request, public=public)
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {}).update(ERROR_SCHEMAS)
        components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
        schema["tags"] = [{"name": name, "description": description} for name, description in AREA_DESCRIPTIONS.items()]
        for operations in schema["paths"].values():
            for operation in operations.values():
                _nul_refusal_described(operation["responses"])
        return schema


NUL_REFUSED = "A NUL byte in the URL's path or query (xat/url_checks.py)."


def _nul_refusal_described(responses: dict) -> None:
    """Every operation may answer 400 {"detail": ...} to a NUL byte in its URL, before its
    view runs: its 400 takes the Detail shape too."""
    detail = schema_ref("Detail")
    answer = responses.setdefault("400", {"description": NUL_REFUSED})
    content = answer.setdefault("content", {}).setdefault("application/json", {})
    schema = content.get("schema")
    if schema is None:
        content["schema"] = detail
    elif schema != detail and detail not in schema.get("anyOf", []):
        content["schema"] = {"anyOf": [*schema.get("anyOf", [schema]), detail]}
        answer["description"] += f" Or: {NUL_REFUSED}"
