import uuid

from django.conf import settings
from django.db import models


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
    collector = models.ForeignKey(
        "metrics.Collector", null=True, blank=True, on_delete=models.SET_NULL, related_name="uploads"
    )
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
    # The format detected from the content: metrics.uploads.detection.FORMATS.
    format = models.CharField(max_length=32)
    compressed = models.BooleanField(default=False)
    # What the upload stored and skipped (metrics.uploads.result.UploadResult.as_dict()), so far
    # while it runs: written with each batch of ticks, in that batch's transaction.
    result = models.JSONField(default=dict)
    # The upload job (metrics/uploads/jobs.py): the file waits in XAT_UPLOAD_DIR until a
    # worker has read it (bytes_read of size_bytes), then is deleted.
    state = models.CharField(max_length=16, choices=UploadState.choices, default=UploadState.QUEUED)
    bytes_read = models.BigIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Why the job failed as a whole (state failed); the lines it skipped are in result.
    failure = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        db_table = "metrics_upload"  # its table before uploads became an app of their own
        indexes = [
            # GET /api/performance/uploads/: the organization's uploads, newest first.
            models.Index(fields=["organization", "-created_at"], name="upload_org_created"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.format})"
