"""Reading IATI `result` elements back (iati.reader, results.imports): our own export round-trips, bad files change nothing."""
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from lxml import etree

from iati.imports import results_from_file
from iati.reader import ReaderError, iter_activities, parse, read_results
from iati.writer import activities_document
from projects.selectors import project_rows, project_visible
from results.imports import IMPORTED, results_import
from results.models import (
    Dimension,
    DimensionTarget,
    Indicator,
    Measure,
    Period,
    Result,
    ResultType,
    Update,
    UpdateState,
)
from results.selectors import project_results
from results.services import update_approve, update_create, update_return
from tests.iati.test_writer import iati_schema  # noqa: F401  (the schema fixture)
from tests.results.builders import build_framework, synthetic_project

pytestmark = pytest.mark.django_db

SHARED = Path("/work/shared/iati")
D = Decimal


def _approve(period, officer, reviewer, *, value=None, text="", dimension=None):
    update = update_create(period=period, user=officer, value=value, text=text, dimension=dimension, submit=True)
    return update_approve(update=update, user=reviewer)


@pytest.fixture
def source(officer, second_officer):
    """A rich framework: every result type, every measure, both directions, references, dimensions, comments."""
    project = synthetic_project("zz-results-source")
    build_framework(project, results=2, indicators=3, periods=3)
    Result.objects.filter(project=project, order=1).update(
        description="Workers know their rights.", aggregation_status=True)
    Result.objects.filter(project=project, order=2).update(result_type=ResultType.IMPACT)
    other = Result.objects.create(project=project, result_type=ResultType.OTHER, title="Law reform", order=3)
    indicators = list(Indicator.objects.filter(result__project=project).order_by("result__order", "order"))
    unit, percentage, ordinal = indicators[0], indicators[1], indicators[2]
    Indicator.objects.filter(pk=unit.pk).update(description="Counted at the training's end.")
    Indicator.objects.filter(pk=percentage.pk).update(
        measure=Measure.PERCENTAGE, ascending=False, baseline_value=D("45.5"), baseline_comment="Labour force survey",
        reference_vocabulary="99", reference_code="ILO-RECRUIT-3")
    Indicator.objects.filter(pk=ordinal.pk).update(measure=Measure.ORDINAL, baseline_year=2018, baseline_value=D(1))
    Indicator.objects.filter(pk=indicators[3].pk).update(measure=Measure.NOMINAL)
    age = Dimension.objects.create(indicator=unit, name="age", value="15-24")
    qualitative = Indicator.objects.create(
        result=other, title="A fair recruitment law", measure=Measure.QUALITATIVE, baseline_year=2019,
        baseline_comment="No law covers recruitment fees.", order=1)
    Indicator.objects.create(result=other, title="An indicator without periods", order=2)
    for start, end in ((datetime.date(2020, 1, 1), datetime.date(2020, 6, 30)),
                       (datetime.date(2020, 7, 1), datetime.date(2020, 12, 31))):
        Period.objects.create(indicator=qualitative, start=start, end=end, target_comment="The law is amended.")

    first = unit.periods.order_by("start").first()
    Period.objects.filter(pk=first.pk).update(target_comment="Half of them women.")
    DimensionTarget.objects.create(period=first, dimension=age, value=D(3))
    female = unit.dimensions.get(value="female")
    _approve(first, officer, second_officer, value=D("6.5"))
    _approve(first, officer, second_officer, value=D(2))  # unit: approved updates add up to 8.5
    _approve(first, officer, second_officer, value=D(4), dimension=female)
    _approve(first, officer, second_officer, value=D(1), dimension=age)
    update_create(period=first, user=officer, value=D(919), submit=True)  # submitted, never published
    returned = update_create(period=first, user=officer, value=D(918), submit=True)
    update_return(update=returned, user=second_officer, comment="Check the count.")
    p_period = percentage.periods.order_by("start").first()
    _approve(p_period, officer, second_officer, value=D("40.25"))
    _approve(p_period, officer, second_officer, value=D("38.125"))  # a level: the latest approved counts
    o_period = ordinal.periods.order_by("start").last()
    _approve(o_period, officer, second_officer, value=D(3))
    q_period = qualitative.periods.order_by("start").first()
    _approve(q_period, officer, second_officer, text="Draft law tabled.")
    _approve(q_period, officer, second_officer, text="Committee hearing held.")
    return project


def _document(project) -> bytes:
    return activities_document(project_rows(project_visible(user=None).filter(pk=project.pk)))


def _activity(project):
    return next(iter_activities(io.BytesIO(_document(project))))


def snapshot(project) -> list:
    """Everything IATI carries of a project's results, as the pages and exports read it (approved figures only)."""
    out = []
    for row in project_results(project):
        r = row.result
        indicators = []
        for i_row in row.indicators:
            i = i_row.indicator
            names = {d.id: (d.name, d.value) for d in i_row.dimensions}
            periods = [(
                p.period.start, p.period.end, p.period.target_value, p.period.target_comment,
                sorted((names[t.dimension_id], t.value) for t in p.period.dimension_targets.all()),
                p.actual.value, p.actual.texts,
                sorted((names[d], a.value, a.texts) for d, a in p.dimension_actuals.items()),
            ) for p in i_row.periods]
            indicators.append((
                i.title, i.description, i.measure, i.ascending, i.baseline_year, i.baseline_value, i.baseline_comment,
                i.reference_vocabulary, i.reference_code, sorted(names.values()), periods,
            ))
        out.append((r.result_type, r.title, r.description, r.aggregation_status, indicators))
    return out


def test_a_projects_results_round_trip_through_iati_xml_without_loss(source, officer, iati_schema):  # noqa: F811
    document = etree.fromstring(_document(source))
    iati_schema.assertValid(document)
    target = synthetic_project("zz-results-target")

    written = results_import(project=target, results=read_results(_activity(source)), user=officer)

    expected = snapshot(source)
    assert snapshot(target) == expected
    assert written["results"] == 3 and written["dimensions"] == 3 * 2 + 1 + 3 * 2
    # Spot checks, so that an empty snapshot on both sides could not pass.
    unit = expected[0][4][0]
    assert unit[:4] == ("Result 1 indicator 1", "Counted at the training's end.", Measure.UNIT, True)
    assert unit[9] == [("age", "15-24"), ("sex", "female"), ("sex", "male")]
    first = unit[10][0]
    assert (first[2], first[3], first[5]) == (D(10), "Half of them women.", D("8.5"))
    assert first[4] == [(("age", "15-24"), D(3)), (("sex", "female"), D(5))]
    assert first[7] == [(("age", "15-24"), D(1), []), (("sex", "female"), D(4), [])]
    percentage = expected[0][4][1]
    assert percentage[2:9] == (Measure.PERCENTAGE, False, 2019, D("45.5"), "Labour force survey", "99", "ILO-RECRUIT-3")
    assert percentage[10][0][5] == D("38.125")
    law = expected[2]
    assert law[0] == ResultType.OTHER and law[4][0][10][0][6] == ["Draft law tabled.", "Committee hearing held."]
    assert law[4][1][0] == "An indicator without periods"
    # Imported actuals are approved, reviewed by the importer, and the history says where they came from.
    updates = Update.objects.filter(period__indicator__result__project=target)
    assert {u.state for u in updates} == {UpdateState.APPROVED}
    assert not updates.filter(value__in=[D(918), D(919)]).exists()
    assert {(u.created_by, u.reviewed_by) for u in updates} == {(officer, officer)}
    history = Update.history.filter(period__indicator__result__project=target)
    assert history.count() == updates.count()
    assert {h.history_change_reason for h in history} == {IMPORTED}
    assert {h.history_user for h in Result.history.filter(project=target)} == {officer}


def test_a_project_with_results_is_refused_unless_replace(source, officer):
    target = synthetic_project("zz-results-target")
    build_framework(target, results=1, indicators=1, periods=1)
    results = read_results(_activity(source))
    with pytest.raises(ValidationError, match="has results already"):
        results_import(project=target, results=results, user=officer)
    assert Result.objects.filter(project=target).count() == 1

    results_import(project=target, results=results, user=officer, replace=True)
    assert snapshot(target) == snapshot(source)


def test_one_bad_row_saves_nothing_and_names_its_line(source, officer):
    target = synthetic_project("zz-results-target")
    xml = _document(source).replace(b'value="38.125"', b'value="12345678901234567890"')  # beyond the field's digits
    line = next(n for n, text in enumerate(xml.splitlines(), start=1) if b"12345678901234567890" in text)

    with pytest.raises(ValidationError, match=f"line {line}"):
        results_from_file(project=target, source=io.BytesIO(xml), user=officer)
    assert not Result.objects.filter(project=target).exists()
    assert not Indicator.objects.filter(result__project=target).exists()


@pytest.mark.parametrize("bad, reason", [
    (b'value="38.125"', (b'value="38,125"', "'38,125' is not a number")),
    (b'<period-end iso-date="2020-12-31"', (b'<period-end iso-date="2020-31-12"', "'2020-31-12' is not a date")),
    (b'measure="5"', (b'measure="6"', "not a code of the Measure codelist")),
    (b'<result type="9"', (b'<result type=""', "'type' is required")),
])
def test_bad_values_are_refused_naming_the_element_and_line(source, officer, bad, reason):
    replacement, message = reason
    xml = _document(source).replace(bad, replacement, 1)
    line = next(n for n, text in enumerate(xml.splitlines(), start=1) if replacement in text)
    target = synthetic_project("zz-results-target")

    with pytest.raises(ReaderError, match=message) as error:
        results_from_file(project=target, source=io.BytesIO(xml), user=officer)
    assert error.value.line == line and f"line {line}:" in str(error.value)
    assert not Result.objects.filter(project=target).exists()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<iati-activities version="2.03"><iati-activity><iati-identifier>x</iati-identifier>
<result type="1"><title><narrative>&lol3;</narrative></title></result></iati-activity></iati-activities>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<iati-activities version="2.03"><iati-activity><iati-identifier>x</iati-identifier>
<result type="1"><title><narrative>&e;</narrative></title></result></iati-activity></iati-activities>"""


@pytest.mark.parametrize("xml, message", [
    (BILLION_LAUGHS, "declares a DTD"),
    (EXTERNAL_ENTITY, "declares a DTD"),
    (b"this is not XML", "not well-formed XML"),
    (b"<iati-activities><iati-activity></iati-activities>", "not well-formed XML"),
])
def test_hostile_or_broken_files_are_refused_and_change_nothing(officer, xml, message):
    target = synthetic_project("zz-results-target")
    with pytest.raises(ReaderError, match=message):
        results_from_file(project=target, source=io.BytesIO(xml), user=officer)
    with pytest.raises(ReaderError, match=message):
        parse(xml)
    assert not Result.objects.exists()


def test_the_official_example_reads_every_figure_it_can_keep():
    activity = next(iter_activities(str(SHARED / "activity-standard-example-annotated.xml")))
    (result,) = read_results(activity)
    assert (result.title, result.result_type, result.aggregation_status) == ("Result title", 1, True)
    (indicator,) = result.indicators
    assert (indicator.baseline_year, indicator.baseline_value, indicator.baseline_comment) == (
        2012, D(10), "Baseline comment text")
    assert (indicator.reference_vocabulary, indicator.reference_code) == ("7", "861")  # vocabulary 1 has no field here
    (period,) = indicator.periods
    (target,) = period.targets
    assert (target.value, target.dimension, target.comments) == (
        D(10), ("sex / age", "female / adult"), ["Target comment text"])
    assert period.actuals[0].value == D(11)


@pytest.mark.parametrize("name, activities", [("real/gb-1-dfid-albania-2.01.xml", 8),
                                               ("real/es-maec-indonesia-2.01.xml", 83),
                                               ("iom-activity-XM-DAC-47066-DP.2154.xml", 1)])
def test_real_publishers_files_read_without_a_crash(name, activities):
    read = [read_results(activity) for activity in iter_activities(str(SHARED / name))]
    assert len(read) == activities
    assert read == [[]] * activities  # these publishers report no results


def test_a_2_01_result_reads(officer):
    xml = b"""<iati-activities version="2.01"><iati-activity><iati-identifier>GB-1-1</iati-identifier>
<result type="2"><title><narrative xml:lang="en">Fewer children out of school</narrative></title>
<indicator measure="1" ascending="0"><title><narrative>Children out of school</narrative></title>
<baseline year="2010" value="1200"><comment><narrative>Census</narrative></comment></baseline>
<period><period-start iso-date="2011-04-01"/><period-end iso-date="2012-03-31"/>
<target value="1000"><comment><narrative>Ministry plan</narrative></comment></target>
<actual value="1100"/></period></indicator></result></iati-activity></iati-activities>"""
    target = synthetic_project("zz-results-target")
    results_from_file(project=target, source=io.BytesIO(xml), identifier="GB-1-1", user=officer)
    ((kind, title, _d, _a, ((*indicator, periods),)),) = snapshot(target)
    assert (kind, title) == (ResultType.OUTCOME, "Fewer children out of school")
    assert indicator[2:7] == [Measure.UNIT, False, 2010, D(1200), "Census"]
    assert periods[0][2:6] == (D(1000), "Ministry plan", [], D(1100))


def test_the_import_takes_the_same_queries_whatever_the_size(officer, second_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n, size in enumerate(((1, 1, 1), (4, 3, 4))):
        project = synthetic_project(f"zz-results-size-{n}")
        build_framework(project, results=size[0], indicators=size[1], periods=size[2])
        for period in Period.objects.filter(indicator__result__project=project):
            _approve(period, officer, second_officer, value=D(1))
        results = read_results(_activity(project))
        target = synthetic_project(f"zz-results-size-target-{n}")
        with CaptureQueriesContext(connection) as queries:
            results_import(project=target, results=results, user=officer)
        counts.append(len(queries))
        assert snapshot(target) == snapshot(project)
    # A savepoint and its release, the check for existing results, then each of six models and its history.
    assert counts == [15, 15]
