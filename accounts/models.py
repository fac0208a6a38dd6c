from django.conf import settings
from django.db import models
from django.utils import timezone



class Organization(models.Model):
    """The tenant: every collector, key, sample and upload belongs to exactly one."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.slug


class Role(models.TextChoices):
    ADMIN = "admin"  # manage members, collectors, keys
    ANALYST = "analyst"  # read, export, upload
    VIEWER = "viewer"  # read only


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"


class ApiKey(models.Model):
    """An agent's credential. Only the public prefix and a keyed hash are stored.

    A key with a collector writes that collector only; one without is an organization
    ingest key that may write (and register) any collector of the organization.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_keys")
    collector = models.ForeignKey(
        "metrics.Collector", null=True, blank=True, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=200)
    # Lookup by prefix (unique index): authentication never scans the table.
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set on the old key when it is rotated: it keeps working until then.
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "created_at"], name="apikey_org_created")]

    @property
    def scope(self) -> str:
        return "collector" if self.collector_id else "organization"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Invitation(models.Model):
    """An admin's invitation of an email address into the organization, with a role.

    Only a keyed hash of its token is stored (as for API keys, accounts/keys.py): the token
    is shown once, to the inviting admin, who passes it on (XAT sends no email). It is
    accepted once, before expires_at, by a signed-in user whose email is `email`.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The one lookup, by the hash of the token presented (unique index).
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # An organization's open invitations, newest first (accounts.selectors.invitation_list).
        indexes = [models.Index(fields=["organization", "created_at"], name="invitation_org_created")]

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.accepted_at is not None:
            return "accepted"
        return "expired" if self.expires_at <= timezone.now() else "pending"

    def __str__(self) -> str:
        return f"{self.email} to {self.organization} ({self.role})"




class ThrottleWindow(models.Model):
    """One fixed-window counter of login/register attempts (accounts/throttling.py).

    Kept in PostgreSQL so every gunicorn worker shares it; bumped by one atomic upsert.
    """

    # "<scope>:<kind>:<digest of the address or username>", never the raw username.
    key = models.CharField(max_length=128)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # The upsert's ON CONFLICT target.
            models.UniqueConstraint(fields=["key", "window_start"], name="throttle_window_unique"),
        ]
        # The sweep of finished windows: DELETE ... WHERE window_start < %s.
        indexes = [models.Index(fields=["window_start"], name="throttle_window_start")]


class RefreshTokenRecord(models.Model):
    """What revocation needs to know of an issued refresh token (accounts/tokens.py).

    Never the token nor its signature: a copy of this table lets nobody in. A token whose
    record is missing, revoked, or (at a strict refresh) rotated is refused.
    """

    # The token's jti claim: the one lookup at every refresh, verify and logout (unique index).
    jti = models.CharField(max_length=255, unique=True)
    # Indexed by refresh_token_user_expiry below, which starts with the user.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    # Every token descended from one login shares its family: a replay revokes them all.
    family = models.UUIDField()
    expires_at = models.DateTimeField()
    # Used up by a strict refresh: presented again, it is a replay.
    rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # A password change revokes the user's tokens; issuing one sweeps the user's expired ones.
            models.Index(fields=["user", "expires_at"], name="refresh_token_user_expiry"),
            # A replay or a logout revokes the family.
            models.Index(fields=["family"], name="refresh_token_family"),
        ]

    def __str__(self) -> str:
        return f"refresh token {self.jti} of user {self.user_id}"
