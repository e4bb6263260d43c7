from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read-only REST API under /api/v1/: views, serializers, renderers, pagination, CSV."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "REST API"
