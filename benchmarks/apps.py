from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The benchmark harness; an app for its command, generate_portfolio (the synthetic portfolio)."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
