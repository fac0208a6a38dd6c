from django.apps import AppConfig


class CloudConfig(AppConfig):
    """Cloud inventories: an outer part, built on the metrics core."""

    name = "metrics.cloud"
    label = "cloud"
    default_auto_field = "django.db.models.BigAutoField"
