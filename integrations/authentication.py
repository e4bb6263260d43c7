"""`Authorization: Bearer <secret>` for integration tokens."""
import datetime

from django.utils import timezone
from rest_framework import authentication, exceptions

from integrations.models import IntegrationToken, token_digest

KEYWORDS = ("bearer", "token")
# Record last use at most this often, so reads do not write on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


class IntegrationTokenAuthentication(authentication.BaseAuthentication):
    """Authenticate with a hashed integration token; a revoked or expired one gets 401."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode("latin-1") not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Give the token as 'Authorization: Bearer <token>'.")
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        token = IntegrationToken.objects.select_related("user").filter(digest=token_digest(secret)).first()
        now = timezone.now()
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if token.is_revoked:
            raise exceptions.AuthenticationFailed("This token has been revoked.")
        if token.is_expired(now):
            raise exceptions.AuthenticationFailed("This token has expired.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token's user is inactive.")
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            IntegrationToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
