"""Writing a project's sectors and policy markers: the admin's inlines, and the IATI importer, through one rule."""
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from classifications.models import (
    SECTOR_CODELISTS,
    PolicyMarkerVocabulary,
    PolicySignificance,
    ProjectPolicyMarker,
    ProjectSector,
    SectorVocabulary,
)
from iati.codelists import codelist

HUNDRED = Decimal(100)
# Shares given with two decimals (3 × 33.33) may miss 100 by rounding; more than this is an error.
ROUNDING_SLACK = Decimal("0.1")


def sector_errors(sectors: list[tuple[str, str, Decimal]]) -> list[str]:
    """What is wrong with a project's sectors as a whole: shares per vocabulary that do not add up to 100."""
    totals: dict[str, Decimal] = {}
    for vocabulary, _code, percentage in sectors:
        totals[vocabulary] = totals.get(vocabulary, Decimal(0)) + percentage
    return [
        f"The sectors of vocabulary {vocabulary} ({SectorVocabulary(vocabulary).label}) add up to {total.normalize():f}%, not 100%."
        for vocabulary, total in sorted(totals.items()) if abs(total - HUNDRED) > ROUNDING_SLACK
    ]


def _sectors(given: Iterable[tuple]) -> tuple[dict, list[str]]:
    rows, errors = {}, []
    given = [(str(vocabulary or "1").strip(), str(code or "").strip(), percentage) for vocabulary, code, percentage in given]
    per_vocabulary = {v: sum(1 for other, _c, _p in given if other == v) for v, _c, _p in given}
    for number, (vocabulary, code, percentage) in enumerate(given, 1):
        where = f"Sector {number} ({vocabulary or '?'} {code or '?'})"
        if vocabulary not in SectorVocabulary.values:
            errors.append(f"{where}: vocabulary {vocabulary!r} is not one of {', '.join(SectorVocabulary.values)}.")
            continue
        name = SECTOR_CODELISTS.get(vocabulary)
        if not code or (name and code not in codelist(name)):
            errors.append(f"{where}: {code!r} is not a code of the IATI {name or 'SectorVocabulary 99'} codelist.")
            continue
        if percentage in (None, "") and per_vocabulary[vocabulary] == 1:
            percentage = HUNDRED  # IATI: a vocabulary's only sector may omit its 100%
        try:
            percentage = Decimal(str(percentage)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            errors.append(f"{where}: the percentage {percentage!r} is not a number.")
            continue
        if not 0 <= percentage <= 100:
            errors.append(f"{where}: the percentage {percentage} is not between 0 and 100.")
        elif (vocabulary, code) in rows:
            errors.append(f"{where}: given twice.")
        else:
            rows[vocabulary, code] = percentage
    if not errors:
        errors = sector_errors([(v, c, p) for (v, c), p in rows.items()])
    return rows, errors


def _policy_markers(given: Iterable[tuple]) -> tuple[dict, list[str]]:
    rows, errors = {}, []
    for number, (vocabulary, code, significance) in enumerate(given, 1):
        vocabulary, code = str(vocabulary or "1").strip(), str(code or "").strip()
        where = f"Policy marker {number} ({vocabulary} {code or '?'})"
        if vocabulary not in PolicyMarkerVocabulary.values:
            errors.append(f"{where}: vocabulary {vocabulary!r} is not supported (only 1, OECD DAC CRS).")
        elif code not in codelist("PolicyMarker"):
            errors.append(f"{where}: {code!r} is not a code of the IATI PolicyMarker codelist.")
        elif str(significance).strip() not in {str(value) for value in PolicySignificance.values}:
            errors.append(f"{where}: significance {significance!r} is not a code of the IATI PolicySignificance codelist.")
        elif (vocabulary, code) in rows:
            errors.append(f"{where}: given twice.")
        else:
            rows[vocabulary, code] = int(str(significance).strip())
    return rows, errors


def _replace(model, project, wanted: dict, field: str) -> bool:
    changed, remaining = False, dict(wanted)
    for row in model.objects.filter(project=project):
        key = (row.vocabulary, row.code)
        if key not in remaining:
            row.delete()
            changed = True
            continue
        value = remaining.pop(key)
        if getattr(row, field) != value:
            setattr(row, field, value)
            row.save()
            changed = True
    for (vocabulary, code), value in remaining.items():
        model.objects.create(project=project, vocabulary=vocabulary, code=code, **{field: value})
        changed = True
    return changed


@transaction.atomic
def classifications_keepable(*, sectors: Iterable[tuple], policy_markers: Iterable[tuple]) -> tuple[list, list, list[str]]:
    """What of someone else's sectors and markers can be kept, and a note per problem (the IATI import).

    Sectors are kept a whole vocabulary at a time (their shares must add up within it), so one
    bad code drops its vocabulary only; policy markers one by one. project_classifications_set
    still checks what is kept as a whole.
    """
    groups: dict[str, list[tuple]] = {}
    for entry in sectors:
        groups.setdefault(str(entry[0] or "1").strip(), []).append(entry)
    kept_sectors, notes = [], []
    for vocabulary, group in groups.items():
        errors = _sectors(group)[1]
        if errors:
            notes.append(f"sectors of vocabulary {vocabulary} not kept: " + " ".join(errors))
        else:
            kept_sectors += group
    kept_markers, marker_errors = [], []
    for entry in policy_markers:
        errors = _policy_markers([entry])[1]
        marker_errors += errors
        if not errors:
            kept_markers.append(entry)
    if marker_errors:
        notes.append("policy markers not kept: " + " ".join(marker_errors))
    return kept_sectors, kept_markers, notes


def project_classifications_set(project, *, sectors: Iterable[tuple] | None = None,
                                policy_markers: Iterable[tuple] | None = None) -> bool:
    """Make the project's sectors and/or policy markers exactly these; True if anything changed.

    `sectors` are (vocabulary, code, percentage) (vocabulary "1" DAC 5-digit, "2" DAC 3-digit,
    "7"/"8" SDG goal/target, "99" own code; a vocabulary's only sector may give percentage None
    for 100); `policy_markers` are (vocabulary, code, significance). None leaves that list as it
    is; [] empties it. Every code is checked against the IATI codelists and the shares of each
    vocabulary must add up to 100: on any problem a ValidationError names each one and nothing
    is written. Idempotent: the same lists again change nothing and record no history.
    """
    sector_rows, errors = _sectors(sectors) if sectors is not None else ({}, [])
    marker_rows, marker_errors = _policy_markers(policy_markers) if policy_markers is not None else ({}, [])
    if errors or marker_errors:
        raise ValidationError({name: messages for name, messages in
                               (("sectors", errors), ("policy_markers", marker_errors)) if messages})
    changed = False
    if sectors is not None:
        changed |= _replace(ProjectSector, project, sector_rows, "percentage")
    if policy_markers is not None:
        changed |= _replace(ProjectPolicyMarker, project, marker_rows, "significance")
    return changed
