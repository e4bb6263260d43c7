"""IATI `result` elements: valid against the 2.03 schema, approved actuals only."""
from decimal import Decimal

import pytest

from results.models import Indicator, Measure, Period
from results.services import update_approve, update_create
from tests.iati.test_writer import document_of, iati_schema  # noqa: F401  (the schema fixture)
from tests.results.builders import build_framework, synthetic_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(officer, second_officer):
    project = synthetic_project("zz-results-xml")
    build_framework(project, results=2, indicators=2, periods=2)
    first = Indicator.objects.filter(result__project=project).order_by("result__order", "order").first()
    period = first.periods.order_by("start").first()
    female = first.dimensions.get(value="female")
    for value, dimension in ((Decimal("6.5"), None), (Decimal(4), female)):
        update_approve(update=update_create(period=period, user=officer, value=value, dimension=dimension, submit=True),
                       user=second_officer)
    update_create(period=period, user=officer, value=Decimal(919), submit=True)  # not approved: never published
    qualitative = Indicator.objects.filter(result__project=project).order_by("-id").first()
    Indicator.objects.filter(pk=qualitative.pk).update(measure=Measure.QUALITATIVE, baseline_value=None)
    Period.objects.filter(indicator=qualitative).update(target_value=None, target_comment="The law is amended.")
    q_period = Period.objects.filter(indicator=qualitative).order_by("start").first()
    update_approve(update=update_create(period=q_period, user=officer, text="Draft law tabled.", submit=True),
                   user=second_officer)
    return project


def test_results_validate_against_the_iati_203_schema(project, iati_schema):  # noqa: F811
    from projects.selectors import project_visible

    document = document_of(project_visible(user=None).filter(pk=project.pk))
    iati_schema.assertValid(document)
    results = document.findall("iati-activity/result")
    assert [(r.get("type"), r.findtext("title/narrative")) for r in results] == [("2", "Result 1"), ("1", "Result 2")]
    indicator = results[0].find("indicator")
    assert indicator.attrib == {"measure": "1", "ascending": "1"}
    assert indicator.find("reference").attrib == {"vocabulary": "8", "code": "8.8"}
    assert indicator.find("baseline").attrib == {"year": "2019", "value": "2"}
    assert indicator.findtext("baseline/comment/narrative") == "Survey 2019"
    period = indicator.find("period")
    assert period.find("period-start").get("iso-date") == "2020-01-01"
    targets = [(t.get("value"), t.find("dimension") is not None and t.find("dimension").attrib) for t in
               period.findall("target")]
    # "male" has no target nor actual anywhere: declared once, in the first period, as a target without a value.
    assert targets == [("10", False), ("5", {"name": "sex", "value": "female"}), (None, {"name": "sex", "value": "male"})]
    assert [t.get("value") for t in indicator.findall("period")[1].findall("target")] == ["10", "5"]
    actuals = [(a.get("value"), a.find("dimension") is not None and a.find("dimension").get("value")) for a in
               period.findall("actual")]
    assert actuals == [("6.5", False), ("4", "female")]
    assert b"919" not in __import__("lxml.etree").etree.tostring(document)
    qualitative = results[1].findall("indicator")[1]
    assert qualitative.get("measure") == "5"
    assert qualitative.findtext("period/target/comment/narrative") == "The law is amended."
    assert qualitative.findtext("period/actual/comment/narrative") == "Draft law tabled."


def test_the_annex_publishes_no_results(annex):
    from projects.selectors import project_visible

    assert document_of(project_visible(user=None)).findall("iati-activity/result") == []
