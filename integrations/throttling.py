"""Throttles for anonymous callers and integration tokens.

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (env API_THROTTLE_ANON,
API_THROTTLE_TOKEN), read at request time so that tests can change them.
Officers using the site with a session are not throttled.
"""
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from integrations.models import IntegrationToken


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(_SettingsRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class IntegrationTokenThrottle(_SettingsRateThrottle):
    """One bucket per token."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, IntegrationToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
