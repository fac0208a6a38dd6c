from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q


class Collector(models.Model):
    """A monitored host. Its samples live in the hypertables (sql/schema/), keyed by id."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="collectors")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    # The agent's machine id (pcc sends /etc/machine-id); empty until the first tick.
    identifier = models.CharField(max_length=128, blank=True, default="")
    hostname = models.CharField(max_length=255, blank=True, default="")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    os_name = models.CharField(max_length=100, blank=True, default="")
    os_version = models.CharField(max_length=100, blank=True, default="")
    kernel_version = models.CharField(max_length=100, blank=True, default="")
    processor_brand = models.CharField(max_length=32, blank=True, default="")
    cpu_model = models.CharField(max_length=255, blank=True, default="")
    vcpus = models.PositiveIntegerField(null=True, blank=True)
    memory_bytes = models.BigIntegerField(null=True, blank=True)
    storage_bytes = models.BigIntegerField(null=True, blank=True)
    storage_type = models.CharField(max_length=32, blank=True, default="")
    cloud_provider = models.CharField(max_length=64, blank=True, default="")
    region = models.CharField(max_length=64, blank=True, default="")
    instance_type = models.CharField(max_length=64, blank=True, default="")
    hourly_cost = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    tags = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Time of the newest stored sample (not of the last request).
    last_seen = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="collector_name_unique"),
            # The ingest lookup: (organization, identifier) -> collector.
            models.UniqueConstraint(
                fields=["organization", "identifier"],
                condition=~Q(identifier=""),
                name="collector_identifier_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Upload(models.Model):
    """One file posted to POST /api/performance/upload/ and what became of it
    (metrics/uploads.py). Kept when its collector, user or key goes."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="uploads")
    collector = models.ForeignKey(Collector, null=True, blank=True, on_delete=models.SET_NULL, related_name="uploads")
    # Who: a user (JWT) or an agent key; the other is null.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="uploads"
    )
    api_key = models.ForeignKey(
        "accounts.ApiKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="uploads"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    # The format detected from the content: metrics.uploads.FORMATS.
    format = models.CharField(max_length=32)
    compressed = models.BooleanField(default=False)
    # What the upload stored and skipped (metrics.uploads.UploadResult.as_dict()).
    result = models.JSONField(default=dict)

    class Meta:
        indexes = [
            # GET /api/performance/uploads/: the organization's uploads, newest first.
            models.Index(fields=["organization", "-created_at"], name="upload_org_created"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.format})"
