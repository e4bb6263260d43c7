from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    """The project itself: registers the system checks of its settings (portfolio.checks)."""

    name = "portfolio"
    verbose_name = "Portfolio"

    def ready(self):
        from portfolio import checks  # noqa: F401  (registers the checks)
