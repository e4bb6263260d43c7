"""IATI 2.03 activity XML for projects.

Element order inside <iati-activity> follows the schema's strict sequence
(see the IATI README in the shared notes). Projects are the rows of
projects.selectors.project_rows() (one query), or of api.selectors.project_chunks() for a whole list.
Budgets, planned disbursements and transactions are the row's `extra` lists of finance.selectors.money_lists(user):
the caller's view of the money (a public caller's never holds an internal row); a row
without them is written without money. Sectors and policy markers are its `extra` lists of
classifications.selectors.CLASSIFICATION_LISTS; a row without them is written without either.
"""
import datetime
from collections.abc import Iterable, Iterator
from itertools import batched
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.utils import timezone
from lxml import etree

from documents.selectors import DocumentLink, document_links_of
from donors.models import OrganisationKind
from classifications.selectors import PolicyMarkerItem, SectorItem
from finance.selectors import BudgetItem, PlannedDisbursementItem, TransactionItem
from projects.models import OrganisationRole, Scope
from projects.selectors import ProjectRow
from results.selectors import IndicatorRow, ResultRow, results_of

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
REGION_UNSPECIFIED = "998"  # DAC region: developing countries, unspecified
TAG_VOCABULARY_OWN = "99"
ACTIVITY_SCOPE = {Scope.GLOBAL: "1", Scope.REGIONAL: "2", Scope.MULTI_COUNTRY: "3", Scope.NATIONAL: "4"}


def activity_identifier(project: ProjectRow) -> str:
    """The project's own IATI identifier; one not yet given one is ours: <reporting org>-<slug>."""
    return getattr(project, "iati_identifier", "") or f"{settings.IATI_REPORTING_ORG_REF}-{project.slug}"


def _narrative(parent, tag, text, **attrs):
    element = etree.SubElement(parent, tag, **{k.replace("_", "-"): v for k, v in attrs.items() if v not in (None, "")})
    etree.SubElement(element, "narrative").text = _clean(text)
    return element


def _clean(text: str) -> str:
    # XML 1.0 forbids most control characters; drop them rather than fail the whole export.
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)


def split_percentages(count: int) -> list[Decimal]:
    """`count` shares with two decimals that add up to exactly 100."""
    share = (Decimal(100) / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    shares = [share] * count
    shares[-1] = Decimal(100) - share * (count - 1)
    return shares


def activity_element(
    project: ProjectRow, *, today: datetime.date | None = None, results: Iterable[ResultRow] = (),
    documents: Iterable[DocumentLink] = (),
) -> etree._Element:
    today = today or timezone.localdate()
    budgets: list[BudgetItem] = project.extra.get("budgets", [])
    transactions: list[TransactionItem] = project.extra.get("transactions", [])
    planned: list[PlannedDisbursementItem] = project.extra.get("planned_disbursements", [])
    activity = etree.Element(
        "iati-activity",
        {XML_LANG: "en", "last-updated-datetime": project.updated_at.isoformat(timespec="seconds"), "hierarchy": "1",
         "default-currency": default_currency(budgets, transactions, planned)},
    )
    etree.SubElement(activity, "iati-identifier").text = activity_identifier(project)
    _narrative(
        activity, "reporting-org", settings.IATI_REPORTING_ORG_NAME,
        ref=settings.IATI_REPORTING_ORG_REF, type=settings.IATI_REPORTING_ORG_TYPE,
    )
    _narrative(activity, "title", project.title)
    _narrative(activity, "description", project.summary or project.title, type="1")
    for donor in project.donors:
        _narrative(
            activity, "participating-org", donor.name, ref=donor.iati_ref,
            role=str(OrganisationRole.FUNDING.value), type=OrganisationKind(donor.kind).iati_type,
        )
    _narrative(
        activity, "participating-org", settings.IATI_REPORTING_ORG_NAME, ref=settings.IATI_REPORTING_ORG_REF,
        role=str(OrganisationRole.ACCOUNTABLE.value), type=settings.IATI_REPORTING_ORG_TYPE,
    )
    for partner in project.partners:
        _narrative(
            activity, "participating-org", partner.name, ref=partner.iati_ref,
            role=str(partner.role), type=OrganisationKind(partner.kind).iati_type,
        )
    etree.SubElement(activity, "activity-status", code=str(project.status.value))
    dates = [("1", project.planned_start), ("2", project.actual_start), ("3", project.planned_end), ("4", project.actual_end)]
    for date_type, day in dates:
        # IATI: an actual date is never in the future.
        if day is not None and not (date_type in {"2", "4"} and day > today):
            etree.SubElement(activity, "activity-date", {"iso-date": day.isoformat(), "type": date_type})
    etree.SubElement(activity, "activity-scope", code=ACTIVITY_SCOPE[Scope(project.scope)])
    countries = project.countries
    if countries:
        for country, share in zip(countries, split_percentages(len(countries)), strict=True):
            _narrative(activity, "recipient-country", country.name, code=country.code, percentage=str(share))
    else:
        known = project.region_code is not None and project.region_iati_code
        code = project.region_iati_code if known else REGION_UNSPECIFIED
        name = project.region_name if known else "Developing countries, unspecified"
        _narrative(activity, "recipient-region", name, code=code, vocabulary="1", percentage="100")
    sectors: list[SectorItem] = project.extra.get("sectors", [])
    for sector in sectors:
        etree.SubElement(activity, "sector", code=sector.code, vocabulary=sector.vocabulary,
                         percentage=_percentage(sector.percentage))
    for corridor in project.corridors:
        _narrative(
            activity, "tag", f"{corridor.origin_name} → {corridor.destination_name}", code=corridor.code,
            vocabulary=TAG_VOCABULARY_OWN,
        )
    markers: list[PolicyMarkerItem] = project.extra.get("policy_markers", [])
    for marker in markers:  # after the tags, before the money (the schema's sequence)
        etree.SubElement(activity, "policy-marker", code=marker.code, vocabulary=marker.vocabulary,
                         significance=str(marker.significance))
    for budget in budgets:
        _budget(activity, budget)
    for item in planned:
        _planned_disbursement(activity, item)
    for transaction in transactions:
        _transaction(activity, transaction)
    for document in documents:
        _document_link(activity, document)
    for result_row in results:  # `result` comes last but for crs-add and fss, after budgets and transactions
        result_element(activity, result_row)
    return activity


def _percentage(text: str) -> str:
    """A share as IATI writes it: 100, 33.33 (no trailing zeros)."""
    value = Decimal(text)
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else str(value.normalize())


def default_currency(*money: list) -> str:
    """The one currency of the activity's money, else the PORTFOLIO_CURRENCY setting (every value names its own)."""
    used = {item.currency for items in money for item in items}
    return used.pop() if len(used) == 1 else settings.PORTFOLIO_CURRENCY


def _value(parent, item: BudgetItem | TransactionItem | PlannedDisbursementItem):
    value = etree.SubElement(parent, "value", currency=item.currency, **{"value-date": item.value_date})
    value.text = str(item.amount)


def _budget(activity, budget: BudgetItem):
    element = etree.SubElement(activity, "budget", type=str(budget.budget_type), status=str(budget.status))
    etree.SubElement(element, "period-start", {"iso-date": budget.period_start})
    etree.SubElement(element, "period-end", {"iso-date": budget.period_end})
    _value(element, budget)


def _transaction(activity, transaction: TransactionItem):
    element = etree.SubElement(activity, "transaction")
    etree.SubElement(element, "transaction-type", code=str(transaction.transaction_type))
    etree.SubElement(element, "transaction-date", {"iso-date": transaction.date})
    _value(element, transaction)
    if transaction.description:
        _narrative(element, "description", transaction.description)
    _organisations(element, transaction)


def _planned_disbursement(activity, item: PlannedDisbursementItem):
    element = etree.SubElement(activity, "planned-disbursement", type=str(item.disbursement_type))
    etree.SubElement(element, "period-start", {"iso-date": item.period_start})
    etree.SubElement(element, "period-end", {"iso-date": item.period_end})
    _value(element, item)
    _organisations(element, item)


def _organisations(element, item: TransactionItem | PlannedDisbursementItem):
    for side in ("provider", "receiver"):
        name, ref = getattr(item, f"{side}_name"), getattr(item, f"{side}_ref")
        if name or ref:
            organisation = etree.SubElement(element, f"{side}-org", **({"ref": ref} if ref else {}))
            if name:
                etree.SubElement(organisation, "narrative").text = _clean(name)


def _decimal(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _figure(parent, tag: str, value: Decimal | None, *, dimension=None, comment: str = "", texts=()):
    """A target or actual (or baseline's parts): its value, its disaggregation, its comment."""
    element = etree.SubElement(parent, tag, **({"value": _decimal(value)} if value is not None else {}))
    if dimension is not None:
        etree.SubElement(element, "dimension", name=dimension.name, value=dimension.value)
    if comment or texts:
        comment_element = etree.SubElement(element, "comment")
        for text in ([comment] if comment else []) + list(texts):
            etree.SubElement(comment_element, "narrative").text = _clean(text)
    return element


def _indicator(result_element_, row: IndicatorRow):
    indicator = row.indicator
    element = etree.SubElement(
        result_element_, "indicator", measure=str(indicator.measure), ascending="1" if indicator.ascending else "0",
    )
    _narrative(element, "title", indicator.title)
    if indicator.description:
        _narrative(element, "description", indicator.description)
    if indicator.reference_vocabulary:
        etree.SubElement(element, "reference", vocabulary=indicator.reference_vocabulary, code=indicator.reference_code)
    if indicator.baseline_year:
        baseline = etree.SubElement(element, "baseline", year=str(indicator.baseline_year))
        if indicator.baseline_value is not None:
            baseline.set("value", _decimal(indicator.baseline_value))
        if indicator.baseline_comment:
            _narrative(baseline, "comment", indicator.baseline_comment)
    dimensions = {d.id: d for d in row.dimensions}
    # IATI declares a disaggregation only through a figure: one with neither target nor actual
    # is written once, as a target without a value, so that a reader keeps it.
    used = {d_id for p in row.periods for d_id in (*(t.dimension_id for t in p.period.dimension_targets.all()),
                                                    *p.dimension_actuals)}
    unused = [d for d in row.dimensions if d.id not in used]
    for period_row in row.periods:
        period = period_row.period
        period_element = etree.SubElement(element, "period")
        etree.SubElement(period_element, "period-start", {"iso-date": period.start.isoformat()})
        etree.SubElement(period_element, "period-end", {"iso-date": period.end.isoformat()})
        if period.target_value is not None or period.target_comment:
            _figure(period_element, "target", period.target_value, comment=period.target_comment)
        for target in period.dimension_targets.all():
            _figure(period_element, "target", target.value, dimension=dimensions[target.dimension_id])
        for dimension in unused if period_row is row.periods[0] else ():
            _figure(period_element, "target", None, dimension=dimension)
        actual = period_row.actual
        if actual.updates:
            _figure(period_element, "actual", actual.value, texts=actual.texts)
        for dimension_id, by_dimension in sorted(period_row.dimension_actuals.items()):
            _figure(period_element, "actual", by_dimension.value, dimension=dimensions[dimension_id],
                    texts=by_dimension.texts)


def result_element(activity, row: ResultRow):
    """One IATI `result` with its indicators, baselines, periods, targets and approved actuals.

    A result without indicators is left out: the schema requires at least one.
    """
    if not row.indicators:
        return None
    result = row.result
    element = etree.SubElement(
        activity, "result", type=str(result.result_type), **{"aggregation-status": "1" if result.aggregation_status else "0"}
    )
    _narrative(element, "title", result.title)
    if result.description:
        _narrative(element, "description", result.description)
    for indicator_row in row.indicators:
        _indicator(element, indicator_row)
    return element


def _document_link(activity, document: DocumentLink):
    """A public document: its download URL (or link), MIME type, title, category, language and date."""
    element = etree.SubElement(activity, "document-link", url=document.url, format=document.format)
    _narrative(element, "title", document.title)
    etree.SubElement(element, "category", code=document.category)
    if document.language:
        etree.SubElement(element, "language", code=document.language.lower())
    if document.date is not None:
        etree.SubElement(element, "document-date", {"iso-date": document.date.isoformat()})
    return element


def _header() -> bytes:
    generated = timezone.now().isoformat(timespec="seconds")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<iati-activities version="{IATI_VERSION}" generated-datetime="{generated}">\n'
    ).encode()


# Projects whose results and documents are read together: six queries per batch for results
# (results.selectors.results_of), one for documents (documents.selectors.document_links_of).
RESULTS_BATCH = 500


def activities_stream(projects: Iterable[ProjectRow]) -> Iterator[bytes]:
    """Yield an <iati-activities> document piece by piece, one activity at a time.

    Results carry approved actuals only, and documents public ones, whoever asks: the XML is what IATI publishes.
    """
    yield _header()
    today = timezone.localdate()
    for batch in batched(projects, RESULTS_BATCH):
        ids = [project.id for project in batch]
        results, documents = results_of(ids), document_links_of(ids)
        for project in batch:
            element = activity_element(
                project, today=today, results=results.get(project.id, ()), documents=documents.get(project.id, ())
            )
            yield etree.tostring(element, encoding="UTF-8", pretty_print=True)
    yield b"</iati-activities>\n"


def activities_document(projects: Iterable[ProjectRow]) -> bytes:
    return b"".join(activities_stream(projects))
