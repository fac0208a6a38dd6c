"""The OpenAPI schema and Swagger UI, served (accounts/openapi.py builds the schema). Apart
from it because drf-spectacular's views load the schema generator named in the settings, which
is accounts/openapi.py's."""

from importlib.resources import files

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.renderers import JSONRenderer

from accounts.tenancy import PublicAPIView
from xat.openapi import error_response

SWAGGER_ASSETS = {  # what drf-spectacular's Swagger UI page loads, from drf_spectacular_sidecar
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-standalone-preset.js": "text/javascript",
}
_SIDECAR = files("drf_spectacular_sidecar") / "static" / "drf_spectacular_sidecar" / "swagger-ui-dist"


class SchemaApi(PublicAPIView, SpectacularAPIView):
    """GET /api/schema/: this schema, YAML, or JSON with `Accept: application/json` or
    `?format=json`."""

    schema_complete = True

    @extend_schema(responses={200: OpenApiTypes.OBJECT,
                              (404, "application/json"): error_response("A `format` other than json or yaml.",
                                                                        "Detail")})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SwaggerUiApi(PublicAPIView, SpectacularSwaggerView):
    """GET /api/docs/: Swagger UI over /api/schema/."""

    schema_complete = True
    url_name = "schema"

    def perform_content_negotiation(self, request, force=False):
        # The page is the only HTML answer: OPTIONS's description is JSON, as on every other
        # path (the page's template renderer cannot render it: a 500).
        if request.method == "OPTIONS":
            return JSONRenderer(), JSONRenderer.media_type
        return super().perform_content_negotiation(request, force)

    @extend_schema(responses={(200, "text/html"): OpenApiResponse(OpenApiTypes.STR, "Swagger UI's page.")}, auth=[])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SwaggerAssetApi(PublicAPIView):
    """GET /api/docs/<Swagger UI file>: the file, from this server (a year's cache: it
    changes only with drf-spectacular-sidecar's version)."""

    schema_complete = True
    asset = ""

    @extend_schema(responses={(200, "text/css"): OpenApiResponse(OpenApiTypes.STR, "The file."),
                              (200, "text/javascript"): OpenApiResponse(OpenApiTypes.STR, "The file.")}, auth=[])
    def get(self, request):
        response = FileResponse((_SIDECAR / self.asset).open("rb"), content_type=SWAGGER_ASSETS[self.asset])
        response["Cache-Control"] = "public, max-age=31536000"
        return response
