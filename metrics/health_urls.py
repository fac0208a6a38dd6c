"""GET /health/ (metrics/apis/health.py), mounted at the root first by xat's URLconf."""

from django.urls import path

from metrics.apis.health import health

urlpatterns = [
    path("health/", health, name="health"),
]
