from django.apps import AppConfig


class ClassificationsConfig(AppConfig):
    """A project's sectors and policy markers, as IATI classifies activities (checked against iati's codelists)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "classifications"
