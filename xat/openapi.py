"""What a view uses to describe itself to the OpenAPI schema (drf-spectacular), beside its
nested serializers: the error bodies' shapes (ERROR_SCHEMAS, error_response), the agents'
and uploads' refusals, TypedDict answers (shape), paginated lists (paginated) and plain
Django function views (function_schema). The schema itself, every route's operations and
the errors added to each, is built by accounts/openapi.py.
"""

from drf_spectacular.plumbing import append_meta, resolve_type_hint
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.settings import api_settings
from rest_framework.views import APIView

JWT = {"jwtAuth": []}
API_KEY = {"ApiKeyAuth": []}


def schema_ref(name: str) -> dict:
    """A JSON reference to the component schema `name`."""
    return {"$ref": f"#/components/schemas/{name}"}


# The error bodies' shapes, the same on every endpoint (docs/api.md, "Errors").
ERROR_SCHEMAS = {
    "Detail": {
        "type": "object",
        "description": "DRF's and simplejwt's errors (401 also carries `code` and, for a bad token, `messages`).",
        "properties": {"detail": {"type": "string"}, "code": {"type": "string"},
                       "messages": {"type": "array", "items": {"type": "object"}}},
        "required": ["detail"],
    },
    "FieldErrors": {
        "type": "object",
        "description": "A refused request: each field (or non_field_errors, or X-Organization) with its reasons.",
        "minProperties": 1,
        "additionalProperties": {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]},
    },
    "Error": {
        "type": "object",
        "description": "A hand-written refusal: the reason in `error`, the parameter concerned in `field` or `fields`.",
        "properties": {"error": {"type": "string"}, "field": {"type": "string"}, "fields": {"type": "object"},
                       "detail": {"type": "string"}, "limit": {"type": "integer"}},
        "required": ["error"],
    },
}


def error_response(description: str, *shapes: str) -> OpenApiResponse:
    """A response (for extend_schema's `responses`) whose body is one of ERROR_SCHEMAS' shapes."""
    schema = schema_ref(shapes[0]) if len(shapes) == 1 else {"anyOf": [schema_ref(shape) for shape in shapes]}
    return OpenApiResponse(response=schema, description=description)


DATABASE_DOWN = error_response("The database is unavailable: nothing was done, retry later.", "Detail")


def agent_refusals() -> dict:
    """The agent paths' refusals ({"error": ...}; accounts/agent_auth.py, metrics/apis/trickle.py)."""
    return {
        400: error_response("The body cannot be read, or a field is wrong (`field` names it).", "Error"),
        401: error_response("No API key, or one that matches no live key.", "Error"),
        403: error_response("The key may not write for this host (a collector key of another collector).",
                            "Error"),
        413: error_response("The body, once inflated, is larger than XAT_TRICKLE_MAX_BYTES.", "Error"),
        503: error_response("The database is unavailable: nothing was stored, retry later.", "Error"),
    }


# A file refused as a whole (metrics.uploads.errors.UploadRejected), besides DRF's own refusals.
UPLOAD_REFUSALS = {
    400: error_response("The file cannot be read, or a field is wrong.", "FieldErrors", "Error", "Detail"),
    413: error_response("The file is larger than XAT_UPLOAD_MAX_BYTES, or inflates beyond its bound.",
                        "Error", "Detail"),
    415: error_response("A file of a format XAT does not read.", "Error", "Detail"),
}


def shape(typed_dict, description: str = "") -> OpenApiResponse:
    """An answer described by a TypedDict the domain answers with (metrics/dashboard.py,
    metrics/sessions.py), as JSON Schema."""
    return OpenApiResponse(response=_json_schema(resolve_type_hint(typed_dict)), description=description)


def _json_schema(schema):
    """resolve_type_hint's schema as OpenAPI 3.1 wants it: `nullable` as a "null" type, and
    anyOf for oneOf (an int | float value is both)."""
    if isinstance(schema, list):
        return [_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    schema = {key: _json_schema(value) for key, value in schema.items()}
    if "oneOf" in schema:
        schema["anyOf"] = schema.pop("oneOf")
    return append_meta(schema, {})


def component_name(serializer_class) -> str:
    """A serializer's component name: nested ones (LoginApi.InputSerializer) by their view,
    the perf-dashboard's prefixed (its views share names with XAT's own)."""
    name = serializer_class.__qualname__.replace(".", "").replace("Serializer", "")
    return f"Perfdash{name}" if "perfdash" in serializer_class.__module__ else name


def paginated(serializer_class, *, paginator_class=None) -> dict:
    """extend_schema arguments of a list view answered by accounts.pagination.paginated_response,
    with paginator_class's pages (by default the API's: REST_FRAMEWORK's DEFAULT_PAGINATION_CLASS)."""
    paginator_class = paginator_class or api_settings.DEFAULT_PAGINATION_CLASS
    parameters = [OpenApiParameter(paginator_class.page_query_param, int, description="The page, from 1.")]
    if paginator_class.page_size_query_param:
        parameters.append(OpenApiParameter(
            paginator_class.page_size_query_param, int,
            description=f"Items per page (default {paginator_class.page_size}, at most {paginator_class.max_page_size})."))
    envelope = inline_serializer(f"Paginated{component_name(serializer_class)}List", fields={
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": serializer_class(many=True),
    })
    return {"responses": envelope, "parameters": parameters}


def function_schema(method: str, **schema):
    """Describes a plain Django function view to the schema: `schema` are extend_schema's
    arguments for its one method (give `responses` in full: nothing is inferred, and
    `auth`: [API_KEY] for an agent path, [] for a public one). Put it outermost."""

    def describe(view):
        def handler(self, request, *args, **kwargs):
            raise NotImplementedError("a schema stand-in: the function view answers")

        handler.__doc__ = view.__doc__
        stand_in = type(f"{view.__name__}_schema", (APIView,), {
            method.lower(): extend_schema(**schema)(handler), "schema_complete": True,
            "authentication_classes": [], "permission_classes": [], "__doc__": view.__doc__,
        })
        view.schema_view = stand_in.as_view()
        return view

    return describe
