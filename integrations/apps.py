from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "integrations"
    verbose_name = "API integrations"

    def ready(self):
        from integrations import schema  # noqa: F401  (registers the OpenAPI auth extension)
