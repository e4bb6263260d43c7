import pytest

from projects.models import Project
from projects.selectors import project_list

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/"


def slugs(response):
    assert response.status_code == 200, response.content
    return {item["slug"] for item in response.json()["results"]}


def test_donor_sdc_returns_exactly_the_five_sdc_projects(api_client, annex):
    expected = set(Project.objects.filter(fundings__donor__acronym="SDC").values_list("slug", flat=True))
    assert len(expected) == 5
    assert slugs(api_client.get(URL, {"donor": "SDC"})) == expected


def test_donor_filter_accepts_the_donor_id_and_any_case(api_client, annex):
    from donors.models import Donor

    sdc = Donor.objects.get(acronym="SDC")
    assert slugs(api_client.get(URL, {"donor": str(sdc.pk)})) == slugs(api_client.get(URL, {"donor": "sdc"}))
    assert len(slugs(api_client.get(URL, {"donor": "sdc"}))) == 5


def test_corridor_np_ae_returns_the_global_action_programme(api_client, annex):
    assert slugs(api_client.get(URL, {"corridor": "NP-AE"})) == {"gap-migrant-domestic-workers"}


def test_origin_and_destination_filter_corridor_ends(api_client, annex):
    assert slugs(api_client.get(URL, {"origin": "ET"})) == {"ethiopian-somali-domestic-workers"}
    assert slugs(api_client.get(URL, {"destination": "AE"})) == {"gap-migrant-domestic-workers"}


def test_active_on_with_region_returns_the_arab_states_projects_running_then(api_client, annex):
    found = slugs(api_client.get(URL, {"active_on": "2015-06-30", "region": "arab-states"}))
    assert found == {"capsa"}  # the other Arab States projects ended by 2014


def test_year_returns_projects_running_at_some_point_that_year(api_client, annex):
    found = slugs(api_client.get(URL, {"year": "2008", "page_size": 100}))
    assert found == {"migsec"}


def test_country_filter_takes_several_codes_repeated_or_comma_separated(api_client, annex):
    repeated = slugs(api_client.get(URL + "?country=LK&country=bd"))
    joined = slugs(api_client.get(URL, {"country": "LK,BD"}))
    assert repeated == joined
    assert {"sri-lanka-labour-migration-policy-2", "bangladesh-migration-policy"} <= joined
    assert "gms-triangle" not in joined


def test_a_multi_country_project_is_listed_once_under_several_countries(api_client, annex):
    response = api_client.get(URL, {"country": "NP,AE,ID", "page_size": 100})
    items = [item["slug"] for item in response.json()["results"]]
    assert items.count("gap-migrant-domestic-workers") == 1
    assert response.json()["count"] == len(items)


def test_global_region_returns_projects_without_region(api_client, annex):
    assert slugs(api_client.get(URL, {"region": "global"})) == {"gap-migrant-domestic-workers"}


def test_search_looks_in_objectives_too(api_client, annex):
    from projects.models import Objective

    objective = Objective.objects.select_related("project").first()
    word = max(objective.text.split(), key=len)
    found = slugs(api_client.get(URL, {"search": word, "page_size": 100}))
    assert objective.project.slug in found


def test_starts_and_ends_bounds_are_inclusive(api_client, annex):
    found = slugs(api_client.get(URL, {"starts_after": "2013-01-01", "ends_before": "2015-12-31", "page_size": 100}))
    assert "sri-lanka-labour-migration-policy-2" in found
    assert "capsa" not in found  # ends 2018


def test_status_filter_uses_the_iati_code(api_client, annex):
    assert slugs(api_client.get(URL, {"status": "4", "page_size": 100})) == set(
        Project.objects.values_list("slug", flat=True)
    )  # every annex project closed long ago
    assert slugs(api_client.get(URL, {"status": "2"})) == set()


def test_ordering_by_title_descending_is_applied(api_client, annex):
    results = api_client.get(URL, {"ordering": "-title", "page_size": 100}).json()["results"]
    titles = [item["title"] for item in results]
    assert titles == sorted(titles, reverse=True)


def test_unknown_parameter_is_a_400_naming_it(api_client, annex):
    response = api_client.get(URL, {"bogus": "1"})
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["bogus"]
    assert "donor" in body["bogus"][0] and "page_size" in body["bogus"][0]


@pytest.mark.parametrize(
    "param, value, hint",
    [
        ("country", "Nepal", "alpha-2"),
        ("corridor", "NPAE", "NP-AE"),
        ("active_on", "30/06/2015", "YYYY-MM-DD"),
        ("year", "twenty", "year"),
        ("status", "9", "Implementation"),
        ("ordering", "colour", "title"),
        ("page_size", "0", "at least 1"),
        ("page", "abc", "at least 1"),
        ("format", "pdf", "csv"),
    ],
)
def test_bad_value_is_a_400_naming_the_parameter_and_what_is_allowed(api_client, annex, param, value, hint):
    response = api_client.get(URL, {param: value})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == [param]
    assert hint in body[param][0]


def test_unknown_but_well_formed_donor_matches_nothing(api_client, annex):
    response = api_client.get(URL, {"donor": "NOSUCHDONOR"})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_selector_is_shared_and_lenient_about_unknown_params_by_default(annex):
    from django.contrib.auth.models import AnonymousUser

    filterset, projects = project_list(user=AnonymousUser(), params={"donor": "SDC", "view": "timeline"})
    assert filterset.is_valid()
    assert projects.count() == 5
    filterset, projects = project_list(user=AnonymousUser(), params={"view": "x"}, known_params=())
    assert not filterset.is_valid()
    assert "view" in filterset.errors
    assert projects.count() == 0
