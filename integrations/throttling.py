"""Throttles for anonymous callers, integration tokens and signed-in users, and the client address.

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (env API_THROTTLE_ANON,
API_THROTTLE_TOKEN, API_THROTTLE_USER), read at request time so that tests can change
them. The counters live in the default cache, which every web process shares (a file
cache in the embedded default, Redis in a deployment: CACHE_URL), so a caller gets one
bucket however many workers serve it. Officers using the site with a session are not
throttled; donor users' sessions are, per user.
"""
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from integrations.models import IntegrationToken


def client_address(request) -> str:
    """The caller's address: REMOTE_ADDR, or behind TRUSTED_PROXIES proxies what the outermost one saw.

    Each trusted proxy appends the address it was reached from to X-Forwarded-For, so the
    entry TRUSTED_PROXIES from the end is the one no caller can forge; entries before it
    are whatever the caller sent. Used for the anonymous throttle and for django-axes'
    login lockouts (AXES_CLIENT_IP_CALLABLE).
    """
    return BaseThrottle().get_ident(request)


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(_SettingsRateThrottle):
    """One bucket per client address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class IntegrationTokenThrottle(_SettingsRateThrottle):
    """One bucket per token."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, IntegrationToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class UserSessionThrottle(_SettingsRateThrottle):
    """One bucket per signed-in user calling with a session (e.g. a donor user); staff are exempt."""

    scope = "user"

    def get_cache_key(self, request, view):
        user = request.user
        if not (user and user.is_authenticated) or user.is_staff or isinstance(request.auth, IntegrationToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}
