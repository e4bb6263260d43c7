"""Writes for integration tokens."""
import datetime

from django.utils import timezone

from integrations.models import IntegrationToken, token_digest, token_secret_new


def token_issue(*, token: IntegrationToken) -> str:
    """Give an unsaved token its secret, validate and save it; return the secret, shown once and never stored."""
    secret = token_secret_new()
    token.digest, token.hint = token_digest(secret), secret[:10]
    token.full_clean()
    token.save()
    return secret


def token_create(*, user, name: str, expires_at: datetime.datetime | None = None) -> tuple[IntegrationToken, str]:
    """Create a token for `user`; return it with its secret."""
    token = IntegrationToken(user=user, name=name, expires_at=expires_at)
    return token, token_issue(token=token)


def token_revoke(*, token: IntegrationToken) -> bool:
    """Revoke `token`; return False if it was already revoked (safe to run twice)."""
    return bool(IntegrationToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now()))
