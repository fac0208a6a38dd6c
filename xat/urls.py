from django.contrib import admin
from django.urls import include, path

from accounts.admin import admin_login
from xat.health import health
from xat.openapi_views import SWAGGER_ASSETS, SchemaApi, SwaggerAssetApi, SwaggerUiApi

urlpatterns = [
    path("health/", health, name="health"),
    # Before the admin's own login/ route: the same view, throttled.
    path("admin/login/", admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("", include("metrics.urls")),
    path("", include("metrics.uploads.urls")),
    path("api/", include("accounts.urls")),
    # The perf-dashboard's API (docs/perf-dashboard.md).
    path("", include("metrics.perfdash.urls")),
    # The OpenAPI schema of every route above, and Swagger UI over it (xat/openapi.py).
    path("api/schema/", SchemaApi.as_view(), name="schema"),
    path("api/docs/", SwaggerUiApi.as_view(), name="swagger-ui"),
    *(path(f"api/docs/{asset}", SwaggerAssetApi.as_view(asset=asset), name=f"swagger-ui-{asset}")
      for asset in SWAGGER_ASSETS),
]
