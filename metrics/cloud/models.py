"""Cloud inventories (issue 14; credentials.py, inventory.py): an organization's cloud
accounts, the instances their listings returned, and the audit of what was done to them.

Their tables kept the names they had in the metrics app (db_table): the models moved, the
data did not (migrations/0001_initial.py)."""

from django.conf import settings
from django.db import models

from metrics.models import Collector


class CloudProvider(models.TextChoices):
    OCI = "oci"
    AWS = "aws"
    AZURE = "azure"


class CloudCredential(models.Model):
    """An organization's access to one cloud account (credentials.py).

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
        db_table = "metrics_cloudcredential"
        constraints = [
            models.UniqueConstraint(fields=["organization", "provider"], name="cloud_credential_one_per_provider"),
        ]


class CloudInstance(models.Model):
    """An instance an organization's cloud listing returned: what its instance endpoints
    may name (another organization's id answers 404 without asking the provider), and its
    link to the collector monitoring it (inventory.py)."""

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
        db_table = "metrics_cloudinstance"
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
        db_table = "metrics_cloudaction"
        indexes = [models.Index(fields=["organization", "-created_at"], name="cloud_action_org_created")]
