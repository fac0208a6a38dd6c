from django.apps import AppConfig


class LoadtestsConfig(AppConfig):
    """Load tests, benchmarks and their comparisons: an outer part, built on the metrics core."""

    name = "metrics.loadtests"
    label = "loadtests"
    default_auto_field = "django.db.models.BigAutoField"
