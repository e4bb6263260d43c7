"""Funding currencies follow finance.currencies: ISO 4217 codes, stored upper case.

Existing values are upper-cased (history too, so a revert cannot bring back "chf"), then
checked: an unknown code stops the migration and names the funding rows to correct.
"""

import django.db.models.functions.text
import finance.currencies
from django.db import migrations, models
from django.db.models.functions import Upper


def upper_case_currencies(apps, schema_editor):
    for name in ("Funding", "HistoricalFunding"):
        model = apps.get_model("projects", name)
        model.objects.exclude(currency=Upper("currency")).update(currency=Upper("currency"))
    Funding = apps.get_model("projects", "Funding")
    codes = finance.currencies.currency_codes()
    unknown = [
        f"funding {pk} ({currency!r})"
        for pk, currency in Funding.objects.exclude(currency="").values_list("pk", "currency")
        if currency not in codes
    ]
    if unknown:
        raise RuntimeError(
            "Funding rows with a currency that is not an ISO 4217 code: " + ", ".join(unknown)
            + ". Correct them in the admin (or the database), then migrate again."
        )


class Migration(migrations.Migration):

    dependencies = [
        ('donors', '0004_list_indexes'),
        ('projects', '0010_project_history_one_entry_per_save'),
    ]

    operations = [
        migrations.RunPython(upper_case_currencies, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='funding',
            name='currency',
            field=finance.currencies.CurrencyField(blank=True, help_text='ISO 4217, e.g. CHF. Required with an amount.', max_length=3),
        ),
        migrations.AlterField(
            model_name='historicalfunding',
            name='currency',
            field=finance.currencies.CurrencyField(blank=True, help_text='ISO 4217, e.g. CHF. Required with an amount.', max_length=3),
        ),
        migrations.AddConstraint(
            model_name='funding',
            constraint=models.CheckConstraint(condition=models.Q(('currency', django.db.models.functions.text.Upper('currency'))), name='funding_currency_upper'),
        ),
    ]
