"""Reading IATI activity XML that someone else wrote: safely, and with errors that name the line.

Files come from anyone (issue 16), so the parser resolves no entity, loads no DTD, never
touches the network and keeps libxml2's size limits (huge_tree off); a document that declares
a DTD at all (the billion laughs, an external entity) is refused outright rather than read
with its entities left in. What is read becomes `results.imports` dataclasses, so the app that
writes them never sees XML. Versions 2.01–2.03 are read; where 2.01/2.02 differ cheaply
(a title without narratives, a baseline comment as plain text) both forms are taken.
"""
import datetime
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from lxml import etree

from results.imports import FigureData, IndicatorData, PeriodData, ResultData
from results.models import IndicatorVocabulary, Measure, ResultType

SAFE = {"resolve_entities": False, "no_network": True, "huge_tree": False, "load_dtd": False,
        "dtd_validation": False, "remove_comments": True, "remove_pis": True}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class ReaderError(ValueError):
    """Input we refuse: the message names the element and its line."""

    def __init__(self, message: str, element=None):
        self.line = getattr(element, "sourceline", None)
        where = f"<{element.tag}> line {self.line}: " if element is not None else ""
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
