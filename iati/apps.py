from django.apps import AppConfig


class IatiConfig(AppConfig):
    """IATI 2.03 activity standard: the XML writer (later the importer and the codelists)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "iati"
    verbose_name = "IATI"
