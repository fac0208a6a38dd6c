import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q


class VmBrand(models.TextChoices):
    DELL = "dell"
    HP = "hp"
    LENOVO = "lenovo"
    ORACLE_CLOUD = "oracle_cloud"
    AZURE = "azure"
    AWS = "aws"
    GCP = "gcp"
    VMWARE = "vmware"
    BARE_METAL = "bare_metal"
    OTHER = "other"
    UNKNOWN = "unknown"


class Collector(models.Model):
    """A monitored host. Its samples live in the hypertables (sql/schema/), keyed by id.

    Two APIs name it: XAT's own by `id`, the perf-dashboard's by `uuid` (docs/api.md)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
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
    vm_brand = models.CharField(max_length=32, choices=VmBrand.choices, default=VmBrand.UNKNOWN)
    # The pcd daemon beside the agent (remote load tests): host:port, and its key, encrypted
    # (xat/encryption.py) because XAT must present it; never returned by any API.
    pcd_address = models.CharField(max_length=255, blank=True, default="")
    pcd_apikey_encrypted = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Time of the newest stored sample (not of the last request).
    last_seen = models.DateTimeField(null=True, blank=True)
    # Time of the agent's last request (register, metrics, trickle), whatever it stored.
    last_contact_at = models.DateTimeField(null=True, blank=True)

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


class UploadState(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Upload(models.Model):
    """One file posted to POST /api/performance/upload/ and what became of it
    (metrics/uploads/). Kept when its collector, user or key goes."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
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
    description = models.CharField(max_length=200, blank=True, default="")
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    # The format detected from the content: metrics.uploads.FORMATS.
    format = models.CharField(max_length=32)
    compressed = models.BooleanField(default=False)
    # What the upload stored and skipped (metrics.uploads.UploadResult.as_dict()), so far
    # while it runs: written with each batch of ticks, in that batch's transaction.
    result = models.JSONField(default=dict)
    # The upload job (metrics/upload_jobs.py): the file waits in XAT_UPLOAD_DIR until a
    # worker has read it (bytes_read of size_bytes), then is deleted.
    state = models.CharField(max_length=16, choices=UploadState.choices, default=UploadState.QUEUED)
    bytes_read = models.BigIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Why the job failed as a whole (state failed); the lines it skipped are in result.
    failure = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        indexes = [
            # GET /api/performance/uploads/: the organization's uploads, newest first.
            models.Index(fields=["organization", "-created_at"], name="upload_org_created"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.format})"


class SessionStatus(models.TextChoices):
    ACTIVE = "active"
    COMPLETED = "completed"
    SAVED = "saved"  # exported (a later issue); never set yet


class TrickleSession(models.Model):
    """A period during which a collector streams ticks to /v1/trickle (metrics/sessions.py).

    Its samples are not linked to it: they are the collector's samples whose time lies in
    [started_at, ended_at or last_data_at], read from the hypertables."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Denormalised from the collector so that tenancy looks a session up like any object.
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    # No index of its own: trickle_session_history starts with it (a second one on the column
    # alone drew the planner's generic plans away from the status filter).
    collector = models.ForeignKey(Collector, on_delete=models.CASCADE, related_name="sessions", db_index=False)
    status = models.CharField(max_length=16, choices=SessionStatus.choices, default=SessionStatus.ACTIVE)
    name = models.CharField(max_length=200)
    # Sample times (the agent's clock): the session's window.
    started_at = models.DateTimeField()
    last_data_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # Server time of the last request that joined the session: what idleness is measured on.
    last_received_at = models.DateTimeField()
    sample_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # One active session per collector: the upsert's ON CONFLICT target.
            models.UniqueConstraint(
                fields=["collector"], condition=Q(status="active"), name="trickle_session_one_active"
            ),
        ]
        indexes = [
            # A collector's sessions newest first, by status (sessions, session-dates).
            models.Index(fields=["collector", "status", "-started_at"], name="trickle_session_history"),
        ]
        # No index on last_received_at (the upkeep's idle sweep reads the active rows through
        # trickle_session_one_active): every ingest group moves it, and an indexed column
        # made each of those updates a new entry in all five indexes, never a HOT update.

    def __str__(self) -> str:
        return self.name
