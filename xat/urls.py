from django.contrib import admin
from django.urls import include, path

from accounts.admin import admin_login
from xat.health import health

urlpatterns = [
    path("health/", health, name="health"),
    # Before the admin's own login/ route: the same view, throttled.
    path("admin/login/", admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("", include("metrics.urls")),
    path("api/", include("accounts.urls")),
    # The perf-dashboard's API (docs/perf-dashboard.md).
    path("api/v1/auth/", include("accounts.perfdash_urls")),
    path("", include("metrics.perfdash_urls")),
]
