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


class CloudProvider(models.TextChoices):
    OCI = "oci"
    AWS = "aws"
    AZURE = "azure"


class CloudCredential(models.Model):
    """An organization's access to one cloud account (metrics/cloud/credentials.py).

    The secret fields (keys, client secrets) live only in `secret_encrypted`, a Fernet
    token of their JSON (xat/encryption.py); `identifiers` holds what may be shown
    (region, tenancy, subscription). Never returned by any API."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=16, choices=CloudProvider.choices)
    identifiers = models.JSONField(default=dict)
    secret_encrypted = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "provider"], name="cloud_credential_one_per_provider"),
        ]


class CloudInstance(models.Model):
    """An instance an organization's cloud listing returned: what its instance endpoints
    may name (another organization's id answers 404 without asking the provider), and its
    link to the collector monitoring it (metrics/cloud/inventory.py)."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=16, choices=CloudProvider.choices)
    # The provider's id (OCI OCID, EC2 instance id, Azure "<resource group>:<vm name>").
    instance_id = models.CharField(max_length=255)
    name = models.CharField(max_length=255, blank=True, default="")
    region = models.CharField(max_length=64, blank=True, default="")
    instance_type = models.CharField(max_length=64, blank=True, default="")
    private_ip = models.GenericIPAddressField(null=True, blank=True)
    collector = models.ForeignKey(Collector, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    listed_at = models.DateTimeField()

    class Meta:
        constraints = [
            # The instance endpoints' lookup and the listing's upsert.
            models.UniqueConstraint(fields=["organization", "provider", "instance_id"], name="cloud_instance_unique"),
        ]


class CloudAction(models.Model):
    """Audit: who did what to a cloud account or instance, when, and how it ended."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Kept when the user is deleted.
    username = models.CharField(max_length=150)
    provider = models.CharField(max_length=16, choices=CloudProvider.choices)
    action = models.CharField(max_length=32)  # connect, disconnect, start, stop, deploy-pcc
    instance_id = models.CharField(max_length=255, blank=True, default="")
    succeeded = models.BooleanField()
    # A short reason when it failed (never provider text that could carry a secret).
    outcome = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "-created_at"], name="cloud_action_org_created")]


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
