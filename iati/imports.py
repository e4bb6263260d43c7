"""Importing IATI activity files: the one service behind `manage.py import_iati` and the admin's import page.

A file is first scanned whole (iati.reader.scan: well-formed, no DTD, version 2.01–2.03),
so a file refused for any of those reasons writes nothing. Then it is streamed activity by
activity; each activity is written in its own savepoint, so one that fails leaves no trace
and the others go on, and the report names it with its line and the reason.

Matching is by `iati-identifier` (Project.iati_identifier). An activity whose XML digest is
the one imported last time is "unchanged"; one whose last-updated-datetime is not newer
than what we have (the last import's, else the project's own last change) is "skipped";
otherwise what IATI carries is written over and the rest is left alone: the responsible
officer, publication, deadlines added by hand, internal money rows, documents and
corridors that officers added, the short name and slug.
"""
import dataclasses
import re
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from classifications.services import (
    classifications_keepable,
    project_classifications_set,
)
from donors.models import Donor, OrganisationKind, Partner
from finance.currencies import currency_codes
from finance.models import Budget, PlannedDisbursement, Transaction
from iati.data import ActivityData, MoneyData, OrganisationData
from iati.models import ImportedActivity, RelatedActivity
from iati.reader import (
    ReaderError,
    iter_activities,
    read_activities,
    read_results,
    scan,
)
from projects.models import (
    OrganisationRole,
    Project,
    ProjectPartner,
    Scope,
    StatusOverride,
)
from projects.services import project_update
from regions.models import Corridor, Country, Region
from results.imports import results_import

OUTCOMES = ("created", "updated", "unchanged", "skipped", "failed")
SCOPE_OF_CODE = {"1": Scope.GLOBAL, "2": Scope.REGIONAL, "3": Scope.MULTI_COUNTRY, "4": Scope.NATIONAL,
                 "5": Scope.NATIONAL, "6": Scope.NATIONAL, "7": Scope.NATIONAL, "8": Scope.NATIONAL}
# IATI OrganisationType → our kind; the writer maps each kind back to the same type.
KIND_OF_TYPE = {"10": OrganisationKind.GOVERNMENT, "11": OrganisationKind.GOVERNMENT,
                "15": OrganisationKind.GOVERNMENT, "21": OrganisationKind.NGO, "22": OrganisationKind.NGO,
                "23": OrganisationKind.NGO, "24": OrganisationKind.NGO, "40": OrganisationKind.INTERGOVERNMENTAL,
                "60": OrganisationKind.FOUNDATION, "70": OrganisationKind.PRIVATE, "80": OrganisationKind.RESEARCH}
REASON = "Imported from IATI"


@dataclasses.dataclass
class ActivityOutcome:
    identifier: str
    line: int | None
    outcome: str
    reason: str = ""
    warnings: list[str] = dataclasses.field(default_factory=list)
    file: str = ""


@dataclasses.dataclass
class ImportReport:
    """What an import did (or would do, for a dry run), activity by activity; the command and the page print it."""

    dry_run: bool
    activities: list[ActivityOutcome] = dataclasses.field(default_factory=list)
    refused: list[tuple[str, int | None, str]] = dataclasses.field(default_factory=list)  # file, line, reason

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(activity.outcome for activity in self.activities)
        return {outcome: counted[outcome] for outcome in OUTCOMES}

    @property
    def failures(self) -> list[ActivityOutcome]:
        return [activity for activity in self.activities if activity.outcome in {"failed", "skipped"}]

    @property
    def warnings(self) -> list[ActivityOutcome]:
        return [activity for activity in self.activities if activity.warnings]

    @property
    def ok(self) -> bool:
        return not self.refused and not self.counts["failed"]

    def summary(self) -> str:
        counts = ", ".join(f"{n} {outcome}" for outcome, n in self.counts.items())
        refused = f"; {len(self.refused)} file{'s' if len(self.refused) != 1 else ''} refused" if self.refused else ""
        return f"{len(self.activities)} activities read: {counts}{refused}."

    def lines(self) -> list[str]:
        """The report as text: the summary, each refused file, each failed or skipped activity, each warning."""
        lines = [("Dry run (nothing saved): " if self.dry_run else "") + self.summary()]
        lines += [f"REFUSED {name}" + (f" line {line}" if line else "") + f": {reason}" for name, line, reason in self.refused]
        for activity in self.failures:
            lines.append(f"{activity.outcome.upper()} {activity.identifier or '(no identifier)'} "
                         f"({activity.file} line {activity.line}): {activity.reason}")
        for activity in self.warnings:
            lines += [f"NOTE {activity.identifier} ({activity.file}): {warning}" for warning in activity.warnings]
        return lines


def iati_import(files, *, dry_run: bool = False, user=None, progress=None) -> ImportReport:
    """Import `files` (paths, or (name, path-or-bytes) pairs); a dry run writes everything, then rolls it back.

    `progress` is tqdm-like (`total`, `update()`, `refresh()`); it learns each file's activity count from the scan.
    """
    report = ImportReport(dry_run=dry_run)
    for item in files:
        name, source = item if isinstance(item, tuple) else (Path(item).name, item)
        source = str(source) if isinstance(source, Path) else source
        try:
            info = scan(source)
        except (ReaderError, OSError) as error:
            report.refused.append((name, getattr(error, "line", None), str(error)))
            continue
        if progress is not None:
            progress.total = (progress.total or 0) + info.activities
            progress.refresh()
        with transaction.atomic():
            _import_file(name, source, report=report, user=user, progress=progress)
            if dry_run:
                transaction.set_rollback(True)
    return report


def _import_file(name, source, *, report, user, progress) -> None:
    writer = _Writer(user=user, source=name)
    seen = set()
    for data in read_activities(source):
        if isinstance(data, ReaderError):
            outcome = ActivityOutcome("", data.line, "failed", str(data), file=name)
        elif data.identifier in seen:
            outcome = ActivityOutcome(data.identifier, data.line, "failed",
                                      "the identifier appears earlier in the file; only the first is taken.", file=name)
        else:
            seen.add(data.identifier)
            outcome = writer.write(data)
            outcome.file = name
        report.activities.append(outcome)
        if progress is not None:
            progress.update(1)


class _Writer:
    """Writes activities of one file; remembers the organisations it matched or made, by ref or by name."""

    def __init__(self, *, user, source: str):
        self.user, self.source = user, source
        self.organisations: dict[tuple, int] = {}
        self.made: list[tuple] = []  # keys cached during the current activity: forgotten if it fails
        self.countries = dict(Country.objects.values_list("code", "id"))
        self.country_regions = dict(Country.objects.values_list("id", "region_id"))
        self.regions = {code: pk for pk, code in Region.objects.exclude(iati_code="").values_list("id", "iati_code")}
        self.currencies = currency_codes()

    def write(self, data: ActivityData) -> ActivityOutcome:
        outcome = ActivityOutcome(data.identifier, data.line, "failed", warnings=data.warnings)
        self.made = []
        try:
            with transaction.atomic():
                outcome.outcome, outcome.reason = self._write(data, outcome.warnings)
        except (ReaderError, ValidationError, DatabaseError, ValueError) as error:
            for key in self.made:
                self.organisations.pop(key, None)
            outcome.outcome = "failed"
            outcome.line = getattr(error, "line", None) or data.line
            outcome.reason = _reason(error)
        return outcome

    def _write(self, data: ActivityData, warnings: list[str]) -> tuple[str, str]:
        project = Project.objects.filter(iati_identifier=data.identifier).select_related("iati_activity").first()
        record = getattr(project, "iati_activity", None) if project is not None else None
        if record is not None and record.digest == data.digest:
            return "unchanged", ""
        ours = record.last_updated if record is not None else (project.updated_at if project is not None else None)
        if project is not None and data.last_updated and ours and data.last_updated <= ours:
            return "skipped", (f"its last-updated-datetime {data.last_updated.isoformat()} is not newer than "
                               f"{ours.isoformat(timespec='seconds')}, what we have.")
        created = project is None
        if created:
            project = Project(iati_identifier=data.identifier, slug=self._slug(data.identifier),
                              short_name=_cut(data.title, 80))
        self._fields(project, data, warnings)
        donors = {self._donor(o): None for o in data.organisations if o.role == OrganisationRole.FUNDING}
        partners = {(self._partner(o), o.role): None for o in data.organisations
                    if o.role != OrganisationRole.FUNDING and not self._is_us(o)}
        countries = self._countries(data, warnings)
        corridors = self._corridors(data, warnings)

        def write():
            # Project.clean() checks what the check constraints do, the region comes from the
            # file's cache of regions, the slug was made free and the identifier matched above:
            # the constraint and unique queries would only repeat that (the database still enforces them).
            project.full_clean(exclude=["responsible_officer", "region"], validate_unique=False,
                               validate_constraints=False)
            project.save()
            wanted = set(partners)
            if created:  # nothing to compare with: no reads of links a new project cannot have
                project.countries.through.objects.bulk_create(
                    [project.countries.through(project_id=project.pk, country_id=c) for c in dict.fromkeys(countries)])
                have = set()
            else:
                project.countries.set(countries)
                project.fundings.exclude(donor__in=donors).delete()
                have = set(project.fundings.values_list("donor_id", flat=True))
                for link in project.project_partners.all():
                    if (link.partner_id, link.role) not in wanted:
                        link.delete()
                    wanted.discard((link.partner_id, link.role))
            if corridors:
                project.corridors.add(*corridors)
            project.fundings.model.objects.bulk_create(
                [project.fundings.model(project=project, donor_id=d) for d in donors if d not in have])
            ProjectPartner.objects.bulk_create(
                [ProjectPartner(project=project, partner_id=p, role=r) for p, r in wanted])

        project_update(project=project, write=write, reason=f"{REASON} ({self.source})")
        self._money(project, data, created=created)
        if data.results:
            results_import(project=project, results=data.results, user=self.user, replace=True)
        self._documents(project, data, warnings, created=created)
        if not created:
            RelatedActivity.objects.filter(project=project).delete()
        if data.related:
            RelatedActivity.objects.bulk_create(
                [RelatedActivity(project=project, ref=ref, relation=kind) for ref, kind in dict.fromkeys(data.related)])
        sectors_and_markers_write(project=project, data=data, warnings=warnings)
        imported = {"last_updated": data.last_updated, "digest": data.digest, "titles": data.titles,
                    "descriptions": data.descriptions, "source": self.source[:255]}
        if record is None:
            ImportedActivity.objects.create(project=project, **imported)
        else:
            for field, value in imported.items():
                setattr(record, field, value)
            record.save()
        return ("created" if created else "updated"), ""

    # --- the project's own fields ---

    def _fields(self, project: Project, data: ActivityData, warnings: list[str]) -> None:
        dates = data.dates
        start, end = dates.get(1) or dates.get(2), dates.get(3) or dates.get(4)
        if start is None:
            raise ReaderError("the activity has no start date (activity-date type 1 or 2).", line=data.line)
        if end is None:
            raise ReaderError("the activity has no end date (activity-date type 3 or 4).", line=data.line)
        if len(data.title) > 300:
            warnings.append("the title is longer than 300 characters: cut (the whole title is kept with its language).")
        project.title = _cut(data.title, 300)
        project.summary = data.description
        project.planned_start, project.planned_end = start, end
        project.actual_start, project.actual_end = dates.get(2), dates.get(4)
        project.status_override = data.status if data.status in StatusOverride.values else None
        codes = [code for code, _p in data.countries]
        project.scope = SCOPE_OF_CODE.get(data.scope) or (
            Scope.MULTI_COUNTRY if len(codes) > 1 else Scope.NATIONAL if codes
            else Scope.REGIONAL if data.regions else Scope.GLOBAL)
        project.region_id = None
        if project.scope != Scope.GLOBAL:
            ours = [self.regions[code] for code, vocabulary, _p in data.regions if vocabulary == "1" and code in self.regions]
            of_countries = {self.country_regions.get(self.countries.get(code)) for code in codes} - {None}
            project.region_id = ours[0] if ours else (of_countries.pop() if len(of_countries) == 1 else None)
        unknown = [code for code, vocabulary, _p in data.regions if not (vocabulary == "1" and code in self.regions)]
        if unknown:
            warnings.append(f"recipient-region {', '.join(unknown)}: not an ILO region here; not kept as the region.")

    def _countries(self, data: ActivityData, warnings: list[str]) -> list[int]:
        found = [self.countries[code] for code, _p in data.countries if code in self.countries]
        unknown = [code for code, _p in data.countries if code not in self.countries]
        if unknown:
            warnings.append(f"recipient-country {', '.join(unknown)}: not an ISO 3166 country; left out.")
        shares = [p for _c, p in data.countries if p is not None]
        if len(shares) > 1 and len(set(shares)) > 1 or any(p is not None and p != 100 for _c, _v, p in data.regions):
            warnings.append("country and region percentages are not kept (a project's countries share it equally).")
        return found

    def _corridors(self, data: ActivityData, warnings: list[str]) -> list[int]:
        """Our own tags (vocabulary 99) name corridors, in our own files only: another publisher's 99 means something else."""
        if data.reporting_org != settings.IATI_REPORTING_ORG_REF:
            return []
        found = []
        for vocabulary, code, _text in data.tags:
            ends = code.split("-")
            if vocabulary != "99" or len(ends) != 2 or not all(end in self.countries for end in ends) or ends[0] == ends[1]:
                continue
            corridor, _ = Corridor.objects.get_or_create(origin_id=self.countries[ends[0]],
                                                         destination_id=self.countries[ends[1]])
            found.append(corridor.pk)
        return found

    def _slug(self, identifier: str) -> str:
        base = slugify(identifier)[:72] or "activity"
        slug, n = base, 1
        while Project.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    # --- organisations ---

    @staticmethod
    def _is_us(organisation: OrganisationData) -> bool:
        """The accountable reporting organisation of our own files (the writer adds it to every activity)."""
        return organisation.role == OrganisationRole.ACCOUNTABLE and organisation.ref == settings.IATI_REPORTING_ORG_REF

    def _key(self, model, organisation: OrganisationData) -> tuple:
        if organisation.ref:
            return (model.__name__, "ref", organisation.ref)
        return (model.__name__, "name", organisation.name.casefold())

    def _organisation(self, model, organisation: OrganisationData, create=dict) -> int:
        """The organisation's id, looked up once per file; `create()` gives the extra fields of one made here."""
        key = self._key(model, organisation)
        if key in self.organisations:
            return self.organisations[key]
        found = model.objects.filter(iati_ref=organisation.ref).first() if organisation.ref else None
        name = _cut(organisation.name or organisation.ref, 200)
        if found is None:
            found = model.objects.filter(name__iexact=name).first()
            if found is not None and organisation.ref and found.iati_ref and found.iati_ref != organisation.ref:
                name, found = _cut(f"{name} ({organisation.ref})", 200), None  # a namesake with another identifier
            elif found is not None and organisation.ref and not found.iati_ref:
                found.iati_ref = organisation.ref
                found.save(update_fields=["iati_ref"])
        if found is None:
            kind = KIND_OF_TYPE.get(organisation.type, OrganisationKind.OTHER)
            found = model.objects.create(name=name, iati_ref=organisation.ref, kind=kind, **create())
        self.organisations[key] = found.pk
        self.made.append(key)
        return found.pk

    def _donor(self, organisation: OrganisationData) -> int:
        return self._organisation(Donor, organisation, create=lambda: {"acronym": self._acronym(organisation)})

    def _partner(self, organisation: OrganisationData) -> int:
        return self._organisation(Partner, organisation)

    @staticmethod
    def _acronym(organisation: OrganisationData) -> str:
        base = organisation.ref or "".join(word[0] for word in re.findall(r"\w+", organisation.name)).upper() or "DONOR"
        base, acronym, n = base[:26], base[:26], 1
        while Donor.objects.filter(acronym=acronym).exists():
            n += 1
            acronym = f"{base}-{n}"
        return acronym

    # --- money, documents ---

    def _money(self, project: Project, data: ActivityData, *, created: bool = False) -> None:
        """The public money rows follow the file: rows it no longer has go, rows it adds come; internal rows stay.

        Each kind is written in one insert with one insert of its history rows; a new project has
        no rows to compare with, so they are not read.
        """
        for item in data.money:
            if item.currency not in self.currencies:
                raise ReaderError(f"currency {item.currency!r} is not an ISO 4217 code.", line=item.line)
        now = timezone.now()
        for model, kind in ((Budget, "budget"), (PlannedDisbursement, "planned"), (Transaction, "transaction")):
            items = [(_key(item), item) for item in data.money if item.kind == kind]
            wanted = Counter(key for key, _item in items)
            if not created:
                rows = model.objects.filter(project=project, is_internal=False)
                if model is not Budget:
                    rows = rows.select_related("provider_donor", "provider_partner", "receiver_donor", "receiver_partner")
                gone = []
                for row in rows:
                    key = _row_key(row)
                    if wanted[key]:
                        wanted[key] -= 1
                    else:
                        gone.append(row)
                for row in gone:
                    row.delete()
            new = []
            for key, item in items:
                if wanted[key]:
                    wanted[key] -= 1
                    new.append(model(project=project, **_row_fields(item)))
            if new:
                bulk_create_with_history(new, model, default_user=self.user, default_change_reason=REASON,
                                         default_date=now)

    def _documents(self, project: Project, data: ActivityData, warnings: list[str], *, created: bool = False) -> None:
        """Links the file gives and the project lacks are added; none is removed (officers add their own)."""
        if not data.documents:
            return
        try:
            from documents.models import Document, DocumentCategory
        except ImportError:  # documents/ not merged yet
            return
        have = set() if created else set(
            Document.objects.filter(project=project).exclude(url="").values_list("url", flat=True))
        for item in data.documents:
            if item.url in have:
                continue
            category = item.category if item.category in DocumentCategory.values else DocumentCategory.WEB_PAGE
            if item.category and item.category != category:
                warnings.append(f"line {item.line}: document category {item.category!r} is not an activity category; "
                                f"kept as {category}.")
            document = Document(project=project, title=_cut(item.title, 300), url=item.url, category=category,
                                language=item.language[:3], document_date=item.date, is_public=True,
                                uploaded_by=self.user)
            try:
                document.full_clean()
            except ValidationError as error:
                warnings.append(f"line {item.line}: document-link {item.url!r} left out: {_reason(error)}")
                continue
            document.save()
            have.add(item.url)


def sectors_and_markers_write(*, project: Project, data: ActivityData, warnings: list[str]) -> None:
    """The file's sectors and policy markers become the project's own (classifications).

    What cannot be kept (a code outside the 2.03 codelists, a vocabulary we do not keep, shares
    that do not add up, an empty significance) is left out with a note naming each problem:
    a sector vocabulary at a time, a policy marker at a time; the rest of the activity is
    imported. An activity without any keeps the project's own.
    """
    if not data.sectors and not data.policy_markers:
        return
    sectors, markers, notes = classifications_keepable(
        sectors=[(s.vocabulary or "1", s.code, s.percentage) for s in data.sectors],
        policy_markers=[(m.vocabulary or "1", m.code, m.significance) for m in data.policy_markers],
    )
    warnings.extend(notes)
    try:
        with transaction.atomic():
            project_classifications_set(
                project, sectors=sectors if data.sectors else None, policy_markers=markers if data.policy_markers else None,
            )
    except ValidationError as error:
        warnings.append("sectors and policy markers not kept: " + " ".join(error.messages))


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
        return " ".join(error.messages)
    return str(error)


def _organisation_key(organisation: OrganisationData | None) -> tuple[str, str]:
    return (organisation.name, organisation.ref) if organisation is not None else ("", "")


def _key(item: MoneyData) -> tuple:
    common = (item.type, item.value, item.currency, item.value_date)
    if item.kind == "budget":
        return (*common, item.status, item.period_start, item.period_end)
    if item.kind == "planned":
        return (*common, item.period_start, item.period_end, *_organisation_key(item.provider),
                *_organisation_key(item.receiver))
    return (*common, item.date, item.description, *_organisation_key(item.provider), *_organisation_key(item.receiver))


def _row_key(row) -> tuple:
    if isinstance(row, Budget):
        return (row.budget_type, row.value, row.currency, row.value_date, row.status, row.period_start, row.period_end)
    if isinstance(row, PlannedDisbursement):
        return (row.disbursement_type, row.value, row.currency, row.value_date, row.period_start, row.period_end,
                *row.organisation("provider"), *row.organisation("receiver"))
    return (row.transaction_type, row.value, row.currency, row.value_date, row.date, row.description,
            *row.organisation("provider"), *row.organisation("receiver"))


def _row_fields(item: MoneyData) -> dict:
    fields = {"value": item.value, "currency": item.currency, "value_date": item.value_date}
    if item.kind == "budget":
        return {**fields, "budget_type": item.type, "status": item.status,
                "period_start": item.period_start, "period_end": item.period_end}
    for side in ("provider", "receiver"):
        organisation = getattr(item, side)
        if organisation is not None:
            fields[f"{side}_name"], fields[f"{side}_ref"] = _cut(organisation.name, 200), organisation.ref[:100]
    if item.kind == "planned":
        return {**fields, "disbursement_type": item.type, "period_start": item.period_start,
                "period_end": item.period_end}
    return {**fields, "transaction_type": item.type, "date": item.date, "description": item.description}


def results_from_file(*, project, source, identifier: str | None = None, user=None, replace: bool = False):
    """Import the results of the activity `identifier` of `source` (or its only activity) into `project`."""
    found = []
    for activity in iter_activities(source):
        if identifier is None or (activity.findtext("iati-identifier") or "").strip() == identifier:
            found.append(read_results(activity))
    if len(found) != 1:
        which = f"the activity {identifier!r}" if identifier else "exactly one activity"
        raise ReaderError(f"the file must hold {which}; it holds {len(found)} matching.")
    return results_import(project=project, results=found[0], user=user, replace=replace)



# --- The admin page's file, kept between the dry run and the confirmation ---

KEEP_SECONDS = 3600
_KEEP_SALT = "iati.imports.keep"


class ImportExpired(Exception):
    """The file of a confirmation is gone (expired, already imported) or the token was not made for this user."""


def kept_dir() -> Path:
    return Path(settings.VAR_DIR) / "iati-imports"


def upload_keep(*, upload, user) -> tuple[Path, str]:
    """Write an upload to a file of its own under PORTFOLIO_VAR_DIR/iati-imports; return it and the token that names it.

    On disk rather than in the cache (finance's CSV import keeps its small files there): an IATI
    file runs to tens of megabytes, and the import streams it from a path in flat memory.
    The token is signed with the user and the file's digest, and expires after KEEP_SECONDS;
    files older than that are removed whenever another is kept.
    """
    import hashlib
    import os
    import tempfile
    import time

    from django.core import signing

    folder = kept_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.xml"):
        if old.stat().st_mtime < time.time() - KEEP_SECONDS:
            old.unlink(missing_ok=True)
    digest = hashlib.sha256()
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".part")
    with os.fdopen(fd, "wb") as file:
        for chunk in upload.chunks():
            digest.update(chunk)
            file.write(chunk)
    path = folder / f"{user.pk}-{digest.hexdigest()}.xml"
    os.replace(temporary, path)
    token = signing.dumps({"user": user.pk, "sha256": digest.hexdigest(), "name": upload.name[:200]}, salt=_KEEP_SALT)
    return path, token


def upload_take(*, token: str, user) -> tuple[Path, str]:
    """Claim the kept file a token names, once (renamed away, so a double click imports it once): (path, name)."""
    import os

    from django.core import signing

    try:
        claim = signing.loads(token, salt=_KEEP_SALT, max_age=KEEP_SECONDS)
    except signing.BadSignature:
        raise ImportExpired("The confirmation has expired or is not valid; upload the file again.") from None
    if claim.get("user") != user.pk:
        raise ImportExpired("This confirmation was made for another user; upload the file again.")
    kept = kept_dir() / f"{user.pk}-{claim['sha256']}.xml"
    claimed = kept.with_suffix(".importing")
    try:
        os.replace(kept, claimed)
    except FileNotFoundError:
        raise ImportExpired("The uploaded file is no longer kept (it expired or was imported already); "
                            "upload it again.") from None
    return claimed, claim["name"]
