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
