from django.apps import AppConfig


class FinanceConfig(AppConfig):
    """Money: budgets, transactions, currencies and their conversion (README, "Money")."""

    name = "finance"
    verbose_name = "Finance"

    def ready(self):
        from finance import checks  # noqa: F401  (registers the checks)
