"""ISO 4217 currency codes, stored upper case: one field for every amount's currency.

The codes come from pycountry. "chf" is stored as "CHF"; "XYZ" is a field error that
names the value. `Funding`, `Budget` and `Transaction` all use `CurrencyField`.
"""
import functools

import pycountry
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _


@functools.cache
def currency_codes() -> frozenset[str]:
    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


@functools.lru_cache(maxsize=4096)  # called for every amount converted (finance.rates)
def normalise_currency(value):
    """Upper case without surrounding spaces; anything but a string is returned as it is."""
    return value.strip().upper() if isinstance(value, str) else value


def validate_currency(value: str) -> None:
    if value and normalise_currency(value) not in currency_codes():
        raise ValidationError(
            _("%(value)s is not an ISO 4217 currency code."), code="invalid_currency", params={"value": value}
        )


def currency_upper_constraint(name: str) -> models.CheckConstraint:
    """The database's half of the rule: a currency is stored upper case."""
    return models.CheckConstraint(condition=models.Q(currency=Upper("currency")), name=name)


class CurrencyFormField(forms.CharField):
    default_validators = [validate_currency]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 3)
        super().__init__(**kwargs)

    def clean(self, value):
        # Validated as typed, so an error names what the user gave; stored upper case.
        return normalise_currency(super().clean(value))


class CurrencyField(models.CharField):
    """An ISO 4217 code, upper-cased on the way in (forms, full_clean, save and lookups)."""

    default_validators = [validate_currency]
    description = _("ISO 4217 currency code")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 3)
        super().__init__(*args, **kwargs)

    def clean(self, value, model_instance):
        return normalise_currency(super().clean(value, model_instance))

    def get_prep_value(self, value):
        return normalise_currency(super().get_prep_value(value))

    def pre_save(self, model_instance, add):
        value = normalise_currency(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CurrencyFormField, **kwargs})
