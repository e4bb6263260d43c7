"""Writes of money: the transactions CSV import (as an ERP exports it), and loading a newer rates file.

Columns of the import (header names, in any order; the header is line 1):
`project` (slug or IATI activity identifier, `<IATI_REPORTING_ORG_REF>-<slug>`), `type` (IATI TransactionType code, 1-13), `date`
and `value_date` (YYYY-MM-DD; an empty value date is the date), `value` (a decimal
with a point and at most two places, e.g. -1250.50), `currency` (ISO 4217), `provider`
and `receiver` (a donor's acronym, a partner's name or acronym, an IATI organisation
identifier of either, or else a name kept as it is), `description`. Optional:
`provider_ref`, `receiver_ref` (the IATI identifier of an organisation given by name),
`internal` (1/0, yes/no, true/false; empty is 0).
"""
import csv
import dataclasses
import datetime
import hashlib
import io
import os
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction

from donors.models import Donor, Partner
from finance.models import Transaction, TransactionType
from finance.rates import RateTable, loaded_rates_path, rates_text
from iati.writer import activity_identifier
from projects.models import Project

IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_LINES = 50_000
REQUIRED_COLUMNS = ("project", "type", "date", "value", "currency")
OPTIONAL_COLUMNS = ("value_date", "provider", "receiver", "description", "provider_ref", "receiver_ref", "internal")
YES, NO = {"1", "yes", "true", "y"}, {"", "0", "no", "false", "n"}
FOREIGN_KEYS = ["project", "provider_donor", "provider_partner", "receiver_donor", "receiver_partner"]


@dataclasses.dataclass(frozen=True)
class LineError:
    line: int  # 1 is the header
    reason: str

    def __str__(self):
        return f"line {self.line}: {self.reason}"


@dataclasses.dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    transactions: int
    total: Decimal


@dataclasses.dataclass
class ImportReport:
    """What an import did, or would do on a dry run: nothing is saved unless `errors` is empty."""

    dry_run: bool
    errors: list[LineError] = dataclasses.field(default_factory=list)
    transactions: list[Transaction] = dataclasses.field(default_factory=list)  # created, or would be
    saved: bool = False
    lines_read: int = 0  # lines of data, good or bad; blank lines and the header are not counted

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        if self.errors:
            return f"{len(self.errors)} bad line{'s' if len(self.errors) != 1 else ''}; nothing saved."
        count = len(self.transactions)
        return f"{count} transaction{'s' if count != 1 else ''} {'would be created' if self.dry_run else 'created'}."

    def totals(self) -> list[CurrencyTotal]:
        """Count and sum of the good lines per currency, currencies in alphabetical order (never added together)."""
        totals: dict[str, CurrencyTotal] = {}
        for row in self.transactions:
            before = totals.get(row.currency, CurrencyTotal(row.currency, 0, Decimal(0)))
            totals[row.currency] = CurrencyTotal(row.currency, before.transactions + 1, before.total + row.value)
        return [totals[code] for code in sorted(totals)]


class _Organisations:
    """Donors and partners by the names a CSV may give them, read once per import."""

    def __init__(self):
        self.donors, self.partners = {}, {}
        for donor in Donor.objects.all():
            for key in (donor.acronym, donor.iati_ref, donor.name):
                if key:
                    self.donors.setdefault(key.casefold(), donor)
        for partner in Partner.objects.all():
            for key in (partner.name, partner.acronym, partner.iati_ref):
                if key:
                    self.partners.setdefault(key.casefold(), partner)

    def fields(self, side: str, text: str, ref: str) -> dict:
        key = text.casefold()
        if key in self.donors:
            return {f"{side}_donor": self.donors[key]}
        if key in self.partners:
            return {f"{side}_partner": self.partners[key]}
        return {f"{side}_name": text, f"{side}_ref": ref}


def _read(file, max_bytes: int) -> str:
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"The file is larger than {max_bytes:,} bytes; split it.")
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValueError(f"The file is not UTF-8 (byte {exc.start}); export it as UTF-8 CSV.") from None
    return data.removeprefix("\ufeff")


def _date(text: str, column: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a date (YYYY-MM-DD)") from None


def _value(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"value {text!r} is not a number (a point before the decimals, no thousands separator)") from None
    if not value.is_finite() or value.as_tuple().exponent < -2:
        raise ValueError(f"value {text!r} has more than two decimal places")
    return value


def _message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return " ".join(error.messages)


def _transaction(row: dict, projects: dict, organisations: _Organisations) -> Transaction:
    project = projects.get(row["project"].casefold())
    if project is None:
        raise ValueError(f"no project with the slug or IATI identifier {row['project']!r}")
    try:
        kind = TransactionType(int(row["type"]))
    except ValueError:
        raise ValueError(f"type {row['type']!r} is not an IATI TransactionType code (1-13)") from None
    date = _date(row["date"], "date")
    internal = row.get("internal", "").lower()
    if internal not in YES | NO:
        raise ValueError(f"internal {row['internal']!r} is not 1 or 0")
    instance = Transaction(
        project=project, transaction_type=kind, date=date, value=_value(row["value"]), currency=row["currency"],
        value_date=_date(row["value_date"], "value_date") if row.get("value_date") else date,
        description=row.get("description", ""), is_internal=internal in YES,
        **organisations.fields("provider", row.get("provider", ""), row.get("provider_ref", "")),
        **organisations.fields("receiver", row.get("receiver", ""), row.get("receiver_ref", "")),
    )
    try:
        # Without the per-line queries of full_clean(): the foreign keys were read by this import,
        # and each check constraint is checked here already (the type parsed above, one provider
        # or receiver in clean(), the currency upper-cased by its field). The database still
        # enforces them when the lines are saved, all or none.
        instance.full_clean(exclude=FOREIGN_KEYS, validate_constraints=False)
    except ValidationError as exc:
        raise ValueError(_message(exc)) from None
    return instance


def transactions_import(*, file, dry_run: bool, user=None, max_bytes: int = IMPORT_MAX_BYTES) -> ImportReport:
    """Create the transactions of a CSV file (columns: this module's docstring), all or none.

    Every line is checked before anything is saved; each bad one is reported by its
    line number and reason, and then nothing is saved. A dry run checks the same and
    saves nothing. `file` is a binary or text file object; `user` is recorded in the
    history of each transaction. Three queries read the projects and organisations,
    whatever the number of lines; saving adds an insert and its history per line.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        text = _read(file, max_bytes)
    except ValueError as exc:
        report.errors.append(LineError(0, str(exc)))
        return report
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown = [name for name in header if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        reasons = [f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"] if missing else []
        reasons += [f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}"] if unknown else []
        reasons += ["a column is named twice"] if len(set(header)) != len(header) else []
        report.errors.append(LineError(1, "; ".join(reasons)))
        return report
    reader.fieldnames = header

    projects = {}
    for project in Project.objects.only("id", "slug", "short_name", "title", "iati_identifier"):
        projects[project.slug.casefold()] = project
        projects[activity_identifier(project).casefold()] = project
    organisations = _Organisations()

    line = 1
    for record in reader:
        line = reader.line_num
        if len(report.transactions) + len(report.errors) >= IMPORT_MAX_LINES:
            report.errors.append(LineError(line, f"more than {IMPORT_MAX_LINES:,} lines; split the file"))
            break
        if None in record:
            report.lines_read += 1
            report.errors.append(LineError(line, f"{len(header) + len(record[None])} cells for {len(header)} columns"))
            continue
        row = {key: (value or "").strip() for key, value in record.items()}
        if not any(row.values()):
            continue  # a blank line
        report.lines_read += 1
        empty = [name for name in REQUIRED_COLUMNS if not row[name]]
        if empty:
            report.errors.append(LineError(line, f"empty {', '.join(empty)}"))
            continue
        try:
            report.transactions.append(_transaction(row, projects, organisations))
        except ValueError as exc:
            report.errors.append(LineError(line, str(exc)))
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        for instance in report.transactions:
            instance._history_user = user
            instance.save()
    report.saved = True
    return report


# An uploaded file waits for its confirmation in the cache, which every web process shares
# (README, "Settings"): the browser carries only a signed token naming its digest and user.
IMPORT_KEEP_SECONDS = 3600
_IMPORT_SALT = "finance.transactions_import"


class ImportExpired(Exception):
    """The file of a confirmation is gone (expired, already saved) or the token was not made for this user."""


def _kept_key(user_id: int, digest: str) -> str:
    return f"finance-import:{user_id}:{digest}"


def import_upload_keep(*, data: bytes, user) -> str:
    """Keep an upload that passed its dry run until it is confirmed; return the token that names it.

    The token is signed (it cannot be edited or made for another user's file) and
    expires with the kept file after IMPORT_KEEP_SECONDS.
    """
    digest = hashlib.sha256(data).hexdigest()
    cache.set(_kept_key(user.pk, digest), data, IMPORT_KEEP_SECONDS)
    return signing.dumps({"user": user.pk, "sha256": digest}, salt=_IMPORT_SALT)


def import_upload_take(*, token: str, user) -> bytes:
    """Claim the kept file a token names, once: ImportExpired if it is gone, or was claimed already.

    The file is checked against the token's digest and removed from the cache before it is
    returned, so two confirmations of one upload (a double click, two tabs) save it once.
    """
    try:
        claim = signing.loads(token, salt=_IMPORT_SALT, max_age=IMPORT_KEEP_SECONDS)
    except signing.BadSignature:  # SignatureExpired too
        raise ImportExpired("The confirmation has expired or is not valid; upload the file again.") from None
    if claim.get("user") != user.pk:
        raise ImportExpired("This confirmation was made for another user; upload the file again.")
    key = _kept_key(user.pk, claim["sha256"])
    data = cache.get(key)
    if data is None or hashlib.sha256(data).hexdigest() != claim["sha256"] or not cache.delete(key):
        raise ImportExpired("The uploaded file is no longer kept (it expired or was saved already); upload it again.")
    return data


def rates_load(*, path: Path) -> tuple[RateTable, Path]:
    """Check an ECB eurofxref-hist file (.csv or .zip) and install it as the rates in use.

    Nothing changes unless the whole file reads (a ValueError names the line otherwise). The
    CSV replaces the loaded one in one rename, so a reader sees the old file or the new one,
    never half of either; `finance.rates.rate_table()` notices the new file by its time stamp.
    Returns the table and where it was installed.
    """
    text = rates_text(Path(path).read_bytes(), zipped=Path(path).suffix.lower() == ".zip")
    table = RateTable.from_csv(text)
    if not table.currencies() - {"EUR"}:
        raise ValueError("The rates file has no rate for any currency.")
    target = loaded_rates_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".rates-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return table, target
