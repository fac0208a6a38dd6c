"""The project's URLconf: each part's own routes, included by name, in this order."""

from django.urls import include, path

urlpatterns = [
    path("", include("metrics.health_urls")),
    path("", include("accounts.admin_urls")),
    path("", include("metrics.urls")),
    path("", include("metrics.uploads.urls")),
    path("api/", include("accounts.urls")),
    # The perf-dashboard's API (docs/perf-dashboard.md), its load tests and cloud inventories.
    path("", include("metrics.perfdash.urls")),
    path("", include("metrics.loadtests.urls")),
    path("", include("metrics.cloud.urls")),
    # The console: a page and its scripts that read the API above from the browser.
    path("", include("metrics.console.urls")),
    # The OpenAPI schema of every route above, and Swagger UI over it.
    path("", include("accounts.schema_urls")),
]
