from django.apps import AppConfig


class ResultsConfig(AppConfig):
    """Results framework: results, indicators, periods, and the updates approved before they count."""

    name = "results"
    verbose_name = "Results"
