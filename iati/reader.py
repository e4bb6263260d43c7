"""Reading IATI activity XML that someone else wrote: safely, and with errors that name the line.

Files come from anyone (issue 16), so the parser resolves no entity, loads no DTD, never
touches the network and keeps libxml2's size limits (huge_tree off); a document that declares
a DTD at all (the billion laughs, an external entity) is refused outright rather than read
with its entities left in. What is read becomes `results.imports` dataclasses, so the app that
writes them never sees XML. Versions 2.01–2.03 are read; where 2.01/2.02 differ cheaply
(a title without narratives, a baseline comment as plain text) both forms are taken.
"""
import dataclasses
import datetime
import hashlib
import io
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from lxml import etree

from finance.models import BudgetStatus, BudgetType, TransactionType
from iati.data import (
    ActivityData,
    DocumentData,
    MoneyData,
    OrganisationData,
    PolicyMarkerData,
    SectorData,
)
from projects.models import ActivityStatus, OrganisationRole
from results.imports import FigureData, IndicatorData, PeriodData, ResultData
from results.models import IndicatorVocabulary, Measure, ResultType

SAFE = {"resolve_entities": False, "no_network": True, "huge_tree": False, "load_dtd": False,
        "dtd_validation": False, "remove_comments": True, "remove_pis": True}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class ReaderError(ValueError):
    """Input we refuse: the message names the element and its line."""

    def __init__(self, message: str, element=None, *, line: int | None = None):
        self.line = getattr(element, "sourceline", None) or line
        where = f"<{element.tag}> line {self.line}: " if element is not None else f"line {line}: " if line else ""
        super().__init__(where + message)


def _refuse_dtd(docinfo) -> None:
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise ReaderError("the document declares a DTD (entities are refused): IATI files have none.")


def parse(source) -> etree._ElementTree:
    """The whole document from a path, a file object or bytes, parsed safely."""
    parser = etree.XMLParser(**SAFE)
    try:
        if isinstance(source, bytes):
            tree = etree.ElementTree(etree.fromstring(source, parser))
        else:
            tree = etree.parse(source, parser)
    except etree.XMLSyntaxError as error:
        raise ReaderError(f"not well-formed XML: {error}") from None
    _refuse_dtd(tree.docinfo)
    return tree


def iter_activities(source) -> Iterator[etree._Element]:
    """Each `iati-activity` of a file in turn, the file streamed (each activity is freed after use).

    A bare activity (no `iati-activities` wrapper) is yielded too.
    """
    context = etree.iterparse(source, events=("start", "end"), tag="iati-activity", **SAFE)
    checked = False
    try:
        for event, element in context:
            if not checked:
                _refuse_dtd(element.getroottree().docinfo)
                checked = True
            if event == "end":
                yield element
                element.clear(keep_tail=False)
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:
        raise ReaderError(f"not well-formed XML: {error}") from None


# --- Values ---

def _text(element) -> str:
    """An element's text: its first narrative (2.x), else its own text (a 2.01 file may have either)."""
    if element is None:
        return ""
    narratives = [n for n in element.findall("narrative") if (n.text or "").strip()]
    if narratives:
        english = [n for n in narratives if n.get(XML_LANG) in (None, "en")]
        return (english or narratives)[0].text.strip()
    return (element.text or "").strip()


def _texts(element) -> list[str]:
    """Every narrative of a comment, in order (our writer puts each qualitative actual in its own)."""
    if element is None:
        return []
    texts = [n.text.strip() for n in element.findall("narrative") if (n.text or "").strip()]
    own = (element.text or "").strip()
    return texts or ([own] if own else [])


def _required(element, name: str) -> str:
    value = (element.get(name) or "").strip()
    if not value:
        raise ReaderError(f"the attribute {name!r} is required.", element)
    return value


def _decimal(element, name: str = "value") -> Decimal | None:
    raw = (element.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ReaderError(f"{name}={raw!r} is not a number.", element) from None
    if not value.is_finite():
        raise ReaderError(f"{name}={raw!r} is not a number.", element)
    return value


def _code(element, name: str, choices, default=None):
    raw = (element.get(name) or "").strip()
    if not raw:
        if default is None:
            raise ReaderError(f"the attribute {name!r} is required.", element)
        return default
    if raw not in {str(value) for value in choices.values}:
        raise ReaderError(f"{name}={raw!r} is not a code of the {choices.__name__} codelist.", element)
    return type(choices.values[0])(raw)


def _boolean(element, name: str, default: bool) -> bool:
    raw = (element.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in {"0", "1", "true", "false"}:
        raise ReaderError(f"{name}={raw!r} is not a boolean (0, 1, true or false).", element)
    return raw in {"1", "true"}


def _date(element, tag: str) -> datetime.date:
    child = element.find(tag)
    if child is None:
        raise ReaderError(f"<{tag}> is required.", element)
    raw = _required(child, "iso-date")
    try:
        return datetime.date.fromisoformat(raw[:10])
    except ValueError:
        raise ReaderError(f"iso-date={raw!r} is not a date (YYYY-MM-DD).", child) from None


def _year(element) -> int | None:
    raw = (element.get("year") or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1000 <= int(raw) <= 9999:
        raise ReaderError(f"year={raw!r} is not a year.", element)
    return int(raw)


# --- Elements ---

def _figure(element) -> FigureData:
    """A target or actual; several dimensions on one figure (2.03 allows it) become one combined disaggregation."""
    pairs = [(_required(d, "name"), _required(d, "value")) for d in element.findall("dimension")]
    dimension = (" / ".join(n for n, _v in pairs), " / ".join(v for _n, v in pairs)) if pairs else None
    return FigureData(value=_decimal(element), dimension=dimension, comments=_texts(element.find("comment")),
                      line=element.sourceline)


def _period(element) -> PeriodData:
    period = PeriodData(start=_date(element, "period-start"), end=_date(element, "period-end"),
                        targets=[_figure(t) for t in element.findall("target")],
                        actuals=[_figure(a) for a in element.findall("actual")], line=element.sourceline)
    if period.end < period.start:
        raise ReaderError("the period ends before it starts.", element)
    return period


def _indicator(element) -> IndicatorData:
    title = _text(element.find("title"))
    if not title:
        raise ReaderError("an indicator needs a title.", element)
    indicator = IndicatorData(
        title=title, description=_text(element.find("description")),
        measure=_code(element, "measure", Measure),
        ascending=_boolean(element, "ascending", True), line=element.sourceline,
    )
    for reference in element.findall("reference"):
        vocabulary = (reference.get("vocabulary") or "").strip()
        if vocabulary in IndicatorVocabulary.values:  # the first one we can keep; others have no field here
            indicator.reference_vocabulary, indicator.reference_code = vocabulary, _required(reference, "code")
            break
    baseline = element.find("baseline")
    if baseline is not None:
        indicator.baseline_year = _year(baseline)
        indicator.baseline_value = _decimal(baseline)
        comment = baseline.find("comment")
        indicator.baseline_comment = "\n".join(_texts(comment))
    indicator.periods = [_period(p) for p in element.findall("period")]
    return indicator


def _result(element) -> ResultData:
    title = _text(element.find("title"))
    if not title:
        raise ReaderError("a result needs a title.", element)
    return ResultData(
        title=title, result_type=_code(element, "type", ResultType),
        aggregation_status=_boolean(element, "aggregation-status", False),
        description=_text(element.find("description")),
        indicators=[_indicator(i) for i in element.findall("indicator")], line=element.sourceline,
    )


def read_results(activity) -> list[ResultData]:
    """The `result` elements of one `iati-activity`, in document order; ReaderError on bad input."""
    if activity.tag != "iati-activity":
        raise ReaderError("expected an <iati-activity>.", activity)
    return [_result(r) for r in activity.findall("result")]


# --- Whole activities (issue 16): a file checked, then streamed ---

READ_VERSIONS = ("2.01", "2.02", "2.03")
FIELDS = {"budget": "budget", "planned-disbursement": "planned", "transaction": "transaction"}


@dataclasses.dataclass
class FileInfo:
    """What a first pass over a file found: its version, its activities, whether it is a bare activity."""

    version: str
    activities: int
    bare: bool


def _open(source):
    """A fresh handle for each pass: a path is opened again, bytes are wrapped."""
    return io.BytesIO(source) if isinstance(source, bytes) else source


def _events(source):
    """(event, element) of the root and of each activity, the DTD refused; freed by the caller's loop."""
    context = etree.iterparse(
        _open(source), events=("start", "end"), tag=("iati-activities", "iati-activity"), **SAFE
    )
    checked = False
    for event, element in context:
        if not checked:
            _refuse_dtd(element.getroottree().docinfo)
            checked = True
        yield event, element
    if not checked:
        raise ReaderError("not an IATI activity file: it has no <iati-activities> or <iati-activity> element.")


def _free(element) -> None:
    """Drop an activity that has been read, and the ones before it, so memory stays flat."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _check_version(element) -> str:
    version = (element.get("version") or "").strip()
    if version.startswith("1."):
        raise ReaderError(
            f"this is an IATI {version} file: versions 1.x are not read. Only 2.01, 2.02 and 2.03 are; "
            "ask the publisher for its 2.0x file.", element)
    if version and version not in READ_VERSIONS:
        raise ReaderError(f"IATI version {version!r} is not read: only 2.01, 2.02 and 2.03 are.", element)
    return version or "2.03"


def scan(source) -> FileInfo:
    """A first, bare pass over the whole file: well-formed, no DTD, IATI 2.01–2.03; counts the activities.

    Nothing is kept, so it costs about what parsing costs, in flat memory; a file refused
    here is refused before anything is written.
    """
    version, count, bare = "", 0, False
    try:
        for event, element in _events(source):
            if event == "start":
                if element.getparent() is None:
                    version, bare = _check_version(element), element.tag == "iati-activity"
                elif element.tag == "iati-activity" and element.get("version"):
                    _check_version(element)
                continue
            if element.tag == "iati-activity":
                count += 1
                _free(element)
    except etree.XMLSyntaxError as error:
        raise _syntax_error(error) from None
    return FileInfo(version=version, activities=count, bare=bare)


def _syntax_error(error) -> ReaderError:
    refused = ReaderError(f"not well-formed XML (line {error.lineno}): {error.msg}")
    refused.line = error.lineno
    return refused


def read_activities(source) -> Iterator[ActivityData | ReaderError]:
    """Each activity of a file scanned already, as ActivityData, or the ReaderError that refuses it."""
    file_lang = "en"
    try:
        for event, element in _events(source):
            if event == "start":
                if element.getparent() is None and element.tag == "iati-activities":
                    file_lang = element.get(XML_LANG) or file_lang
                continue
            if element.tag != "iati-activity":
                continue
            try:
                yield read_activity(element, file_lang=file_lang)
            except ReaderError as error:
                yield error
            _free(element)
    except etree.XMLSyntaxError as error:
        raise _syntax_error(error) from None


def _narratives(element, lang: str) -> dict[str, str]:
    """Every narrative of an element by language (2.01's plain text too), blank ones left out."""
    if element is None:
        return {}
    texts = {}
    for narrative in element.findall("narrative"):
        text = (narrative.text or "").strip()
        if text:
            texts.setdefault(narrative.get(XML_LANG) or element.get(XML_LANG) or lang, text)
    own = (element.text or "").strip()
    if not texts and own:
        texts[element.get(XML_LANG) or lang] = own
    return texts


def _first(texts: dict[str, str], lang: str) -> str:
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")


def _optional_date(element, attribute: str = "iso-date") -> datetime.date | None:
    if element is None:
        return None
    raw = (element.get(attribute) or "").strip()
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw[:10])
    except ValueError:
        raise ReaderError(f"{attribute}={raw!r} is not a date (YYYY-MM-DD).", element) from None


def _last_updated(element, warnings: list[str]) -> datetime.datetime | None:
    raw = (element.get("last-updated-datetime") or "").strip()
    if not raw:
        return None
    try:
        moment = datetime.datetime.fromisoformat(raw)
    except ValueError:
        warnings.append(f"last-updated-datetime={raw!r} is not a date and time; ignored.")
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _organisation(element, lang: str, role: int | None = None) -> OrganisationData:
    return OrganisationData(name=_first(_narratives(element, lang), lang), ref=(element.get("ref") or "").strip(),
                            role=role, type=(element.get("type") or "").strip(), line=element.sourceline)


def _integer_code(element, name: str, choices, default: int | None = None) -> int:
    raw = (element.get(name) or "").strip()
    if not raw and default is not None:
        return default
    if not raw.isdigit() or int(raw) not in choices.values:
        raise ReaderError(f"{name}={raw!r} is not a code of the {choices.__name__} codelist.", element)
    return int(raw)


def _money(element, kind: str, currency: str, lang: str) -> MoneyData:
    value_element = element.find("value")
    if value_element is None:
        raise ReaderError("<value> is required.", element)
    value = _decimal_text(value_element)
    own_currency = (value_element.get("currency") or "").strip().upper() or currency
    if not own_currency:
        raise ReaderError("the value has no currency and the activity no default-currency.", value_element)
    if kind == "transaction":
        type_element = element.find("transaction-type")
        if type_element is None:
            raise ReaderError("<transaction-type> is required.", element)
        code = _integer_code(type_element, "code", TransactionType)
        day = _optional_date(element.find("transaction-date"))
        if day is None:
            raise ReaderError("<transaction-date iso-date> is required.", element)
        start = end = None
    else:
        code = _integer_code(element, "type", BudgetType, default=BudgetType.ORIGINAL)
        start = _optional_date(element.find("period-start"))
        end = _optional_date(element.find("period-end")) or start
        if start is None:
            raise ReaderError("<period-start iso-date> is required.", element)
        if end < start:
            raise ReaderError("the period ends before it starts.", element)
        day = None
    money = MoneyData(
        kind=kind, value=value, currency=own_currency, type=code,
        value_date=_optional_date(value_element, "value-date") or day or start,
        period_start=start, period_end=end, date=day, line=element.sourceline,
    )
    if kind == "budget":
        money.status = _integer_code(element, "status", BudgetStatus, default=BudgetStatus.INDICATIVE)
    if kind == "transaction":
        money.description = _first(_narratives(element.find("description"), lang), lang)
    for side in ("provider", "receiver"):
        found = element.find(f"{side}-org")
        if found is not None:
            setattr(money, side, _organisation(found, lang))
    return money


def _decimal_text(element) -> Decimal:
    raw = (element.text or "").strip().replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ReaderError(f"{raw!r} is not an amount.", element) from None
    if not value.is_finite() or abs(value) >= Decimal(10) ** 16:
        raise ReaderError(f"{raw!r} is not an amount this product keeps (at most 16 digits before the point).", element)
    return value.quantize(Decimal("0.01"))


def _percentage(element, warnings: list[str]) -> Decimal | None:
    raw = (element.get("percentage") or "").strip()
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        warnings.append(f"line {element.sourceline}: percentage={raw!r} is not a number; ignored.")
        return None


def _empty_codes(activity, warnings: list[str]) -> None:
    """Name the elements whose code is empty: real files carry them and the XSD would refuse them."""
    empty: dict[tuple[str, str], list[int]] = {}
    for element in activity.iter():
        for attribute in ("code", "significance"):
            if element.get(attribute) is not None and not element.get(attribute).strip():
                empty.setdefault((element.tag, attribute), []).append(element.sourceline)
    for (tag, attribute), lines in empty.items():
        where = f"line {lines[0]}" if len(lines) == 1 else f"{len(lines)} times, first line {lines[0]}"
        warnings.append(f"<{tag}> with an empty {attribute} ({where}): ignored.")


def read_activity(activity, *, file_lang: str = "en") -> ActivityData:
    """One `iati-activity` element as ActivityData; ReaderError (with its line) when it cannot be taken."""
    identifier = (activity.findtext("iati-identifier") or "").strip()
    if not identifier:
        raise ReaderError("<iati-identifier> is required and empty.", activity)
    lang = activity.get(XML_LANG) or file_lang
    data = ActivityData(
        identifier=identifier, line=activity.sourceline, default_lang=lang,
        digest=hashlib.sha256(etree.tostring(activity, method="c14n")).hexdigest(),
    )
    warnings = data.warnings
    data.last_updated = _last_updated(activity, warnings)
    hierarchy = (activity.get("hierarchy") or "").strip()
    data.hierarchy = int(hierarchy) if hierarchy.isdigit() else None
    currency = (activity.get("default-currency") or "").strip().upper()
    reporting = activity.find("reporting-org")
    data.reporting_org = (reporting.get("ref") or "").strip() if reporting is not None else ""
    data.titles = _narratives(activity.find("title"), lang)
    if not data.titles:
        raise ReaderError("the activity has no title.", activity)
    for description in activity.findall("description"):
        if (description.get("type") or "1").strip() == "1":
            for language, text in _narratives(description, lang).items():
                data.descriptions.setdefault(language, text)
    for element in activity.findall("participating-org"):
        raw = (element.get("role") or "").strip()
        if not raw.isdigit() or int(raw) not in OrganisationRole.values:
            warnings.append(f"line {element.sourceline}: participating-org role={raw!r} is not a code; left out.")
            continue
        organisation = _organisation(element, lang, role=int(raw))
        if not organisation.name and not organisation.ref:
            warnings.append(f"line {element.sourceline}: a participating-org without name or ref; left out.")
            continue
        data.organisations.append(organisation)
    status = activity.find("activity-status")
    if status is not None and (status.get("code") or "").strip():
        data.status = _integer_code(status, "code", ActivityStatus)
    for element in activity.findall("activity-date"):
        raw = (element.get("type") or "").strip()
        day = _optional_date(element)
        if raw in {"1", "2", "3", "4"} and day is not None:
            data.dates.setdefault(int(raw), day)
    scope = activity.find("activity-scope")
    data.scope = (scope.get("code") or "").strip() if scope is not None else ""
    for element in activity.findall("recipient-country"):
        code = (element.get("code") or "").strip().upper()
        if code:
            data.countries.append((code, _percentage(element, warnings)))
    for element in activity.findall("recipient-region"):
        code = (element.get("code") or "").strip()
        if code:
            data.regions.append((code, (element.get("vocabulary") or "1").strip(), _percentage(element, warnings)))
    for element in activity.findall("sector"):
        code = (element.get("code") or "").strip()
        if code:
            data.sectors.append(SectorData((element.get("vocabulary") or "1").strip(), code,
                                           _percentage(element, warnings), element.sourceline))
    for element in activity.findall("policy-marker"):
        code = (element.get("code") or "").strip()
        if code:
            data.policy_markers.append(PolicyMarkerData((element.get("vocabulary") or "1").strip(), code,
                                                        (element.get("significance") or "").strip(), element.sourceline))
    for element in activity.findall("tag"):
        data.tags.append(((element.get("vocabulary") or "").strip(), (element.get("code") or "").strip(),
                          _first(_narratives(element, lang), lang)))
    for tag, kind in FIELDS.items():
        data.money.extend(_money(element, kind, currency, lang) for element in activity.findall(tag))
    for element in activity.findall("document-link"):
        url = (element.get("url") or "").strip()
        if not url:
            warnings.append(f"line {element.sourceline}: a document-link without url; left out.")
            continue
        category = element.find("category")
        language = element.find("language")
        data.documents.append(DocumentData(
            url=url, title=_first(_narratives(element.find("title"), lang), lang) or url,
            category=(category.get("code") or "").strip() if category is not None else "",
            language=(language.get("code") or "").strip() if language is not None else "",
            date=_optional_date(element.find("document-date")), line=element.sourceline,
        ))
    for element in activity.findall("related-activity"):
        ref, raw = (element.get("ref") or "").strip(), (element.get("type") or "").strip()
        if ref and raw in {"1", "2", "3", "4", "5"}:
            data.related.append((ref, int(raw)))
        else:
            warnings.append(f"line {element.sourceline}: related-activity ref={ref!r} type={raw!r} left out.")
    data.results = read_results(activity)
    _empty_codes(activity, warnings)
    return data


def bare_iterparse(source) -> int:
    """Parse a file with nothing but iterparse, freeing each activity: the IATI import benchmark's baseline."""
    count = 0
    for _event, element in etree.iterparse(_open(source), tag="iati-activity", **SAFE):
        count += 1
        _free(element)
    return count
