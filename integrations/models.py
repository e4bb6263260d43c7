import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

TOKEN_PREFIX = "pft_"


def token_digest(secret: str) -> str:
    """The stored form of a token: its SHA-256 hex digest (the secret itself is never stored)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_secret_new() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class IntegrationTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class IntegrationToken(models.Model):
    """An API token acting as its user, with that user's visibility.

    Only the SHA-256 digest of the secret is stored; `hint` (the first
    characters) lets people tell their tokens apart.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="integration_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'SDC data warehouse'.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Leave empty for a token that does not expire.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = IntegrationTokenQuerySet.as_manager()

    class Meta:
        ordering = ["user", "name", "id"]
        verbose_name = "integration token"

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def is_usable(self, now=None) -> bool:
        return not self.is_revoked and not self.is_expired(now)
