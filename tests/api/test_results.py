"""`/api/v1/projects/{id}/results/` and the `has_results` filter: approved actuals only, 404 like the project."""
from decimal import Decimal

import pytest

from results.models import Period
from results.services import update_approve, update_create
from tests.results.builders import build_framework, synthetic_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework(annex, officer, second_officer):
    project = synthetic_project("zz-results-api")
    build_framework(project, results=1, indicators=1, periods=2)
    period = Period.objects.filter(indicator__result__project=project).order_by("start").first()
    female = period.indicator.dimensions.get(value="female")
    update_approve(update=update_create(period=period, user=officer, value=Decimal("7.5"), submit=True),
                   user=second_officer)
    update_approve(update=update_create(period=period, user=officer, value=Decimal(3), dimension=female, submit=True),
                   user=second_officer)
    update_create(period=period, user=officer, value=Decimal(919), submit=True)  # submitted, not approved
    return project


def _url(project):
    return f"/api/v1/projects/{project.pk}/results/"


@pytest.mark.parametrize("caller", ["anonymous_client", "sdc_client", "ec_token_client"])
def test_the_public_and_donors_see_approved_actuals_only(request, framework, caller):
    response = request.getfixturevalue(caller).get(_url(framework))
    assert response.status_code == 200
    body = response.json()
    assert "919" not in response.content.decode()
    result = body["results"][0]
    assert (result["type"], result["objective"]) == ("outcome", "Fairer recruitment (synthetic).")
    indicator = result["indicators"][0]
    assert indicator["baseline"] == {"year": 2019, "value": "2", "comment": "Survey 2019"}
    assert indicator["reference"] == {"vocabulary": "8", "code": "8.8"}
    assert [d["value"] for d in indicator["dimensions"]] == ["female", "male"]
    female = indicator["dimensions"][0]["id"]
    period = indicator["periods"][0]
    assert period["target"] == {"value": "10", "comment": "", "dimensions": [{"dimension": female, "value": "5"}]}
    assert period["actual"]["value"] == "7.5"
    assert period["actual"]["dimensions"] == [{"dimension": female, "value": "3"}]
    assert period["progress"] == 75 and period["track"] == "off"  # the period ended short of 10
    assert "updates" not in period
    assert indicator["periods"][1]["actual"]["value"] is None


def test_officers_also_get_the_updates_waiting_for_review(officer_token_client, framework):
    period = officer_token_client.get(_url(framework)).json()["results"][0]["indicators"][0]["periods"][0]
    assert [(u["state"], u["value"]) for u in period["updates"]] == [("submitted", "919")]
    assert period["actual"]["value"] == "7.5"  # officers' actuals are approved ones too


def test_an_unpublished_projects_results_are_a_404_for_others(framework, anonymous_client, sdc_client, officer_token_client):
    framework.is_published = False
    framework.save()
    for client in (anonymous_client, sdc_client):
        response = client.get(_url(framework))
        assert response.status_code == 404 and response.json() == {"detail": "No Project matches the given query."}
    assert officer_token_client.get(_url(framework)).status_code == 200
    assert anonymous_client.get("/api/v1/projects/abc/results/").status_code == 404


def test_unknown_parameters_are_refused(anonymous_client, framework):
    assert anonymous_client.get(_url(framework), {"page": 2}).status_code == 400


def test_has_results_filters_the_project_list(anonymous_client, framework):
    with_results = anonymous_client.get("/api/v1/projects/", {"has_results": "true"}).json()
    assert [p["slug"] for p in with_results["results"]] == ["zz-results-api"]
    without = anonymous_client.get("/api/v1/projects/", {"has_results": "false"}).json()
    assert without["count"] == 21  # the annex: no results invented for it
    response = anonymous_client.get("/api/v1/projects/", {"has_results": "maybe"})
    assert response.status_code == 400 and "has_results" in response.json()


def test_results_of_the_10_by_5_by_12_project_take_a_constant_number_of_queries(
    anonymous_client, annex, django_assert_num_queries
):
    project = synthetic_project("zz-results-large")
    build_framework(project)
    with django_assert_num_queries(7):  # the project, then six for its framework
        response = anonymous_client.get(_url(project))
    assert sum(len(i["periods"]) for r in response.json()["results"] for i in r["indicators"]) == 600


def test_openapi_documents_the_results_and_the_filter(anonymous_client):
    schema = anonymous_client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}).json()
    assert "/api/v1/projects/{id}/results/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/projects/"]["get"]["parameters"]}
    assert "has_results" in parameters
    assert "ProjectResults" in schema["components"]["schemas"]


def test_a_projects_results_as_csv_one_row_per_indicator_period(anonymous_client, framework):
    response = anonymous_client.get(_url(framework), {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("project_id,project_slug,result_type,result,indicator")
    assert len(lines) == 1 + 2
    assert lines[1].endswith(",2020-01-01,2020-01-31,10,7.5,75,off")
    assert "919" not in "".join(lines)


def test_the_portfolio_results_csv_follows_the_project_filters_and_visibility(anonymous_client, framework, officer):
    hidden = synthetic_project("zz-results-hidden", published=False)
    build_framework(hidden, results=1, indicators=1, periods=3)
    body = b"".join(anonymous_client.get("/api/v1/results.csv").streaming_content).decode()
    assert body.count("zz-results-api") == 2 and "zz-results-hidden" not in body
    filtered = b"".join(anonymous_client.get("/api/v1/results.csv", {"search": "nothing-matches"}).streaming_content)
    assert filtered.decode().count("\n") == 1  # the header
    assert anonymous_client.get("/api/v1/results.csv", {"region": "Atlantis!"}).status_code == 400
