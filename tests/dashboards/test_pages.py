"""The dashboards without JavaScript: plain GET requests, as a browser without scripts or a crawler sees them."""
import datetime
import re

import pytest
from django.urls import reverse

from projects.models import Project

SDC_PROJECTS = {
    "sri-lanka-labour-migration-policy-2",
    "bangladesh-migration-policy",
    "north-africa-labour-migration-governance",
    "middle-east-labour-migration-governance",
    "arab-states-domestic-workers-advocacy",
}


def listed_slugs(response) -> set[str]:
    return set(re.findall(r'<tr data-project="([^"]+)"', response.content.decode()))


def timeline_bars(response) -> int:
    return response.content.decode().count("data-timeline-bar")


def figure(response, name) -> int:
    match = re.search(rf'data-figure="{name}"><dt>[^<]*</dt><dd>(\d+)</dd>', response.content.decode())
    return int(match.group(1))


def test_root_is_the_dashboard(anonymous_client, annex):
    response = anonymous_client.get("/")
    assert response.status_code == 200
    assert figure(response, "projects") == 21
    assert 'id="filter-form"' in response.content.decode()


def test_filtering_by_donor_sdc_without_javascript_lists_its_five_projects(anonymous_client, annex):
    response = anonymous_client.get("/", {"donor": "SDC"})
    assert response.status_code == 200
    assert listed_slugs(response) == SDC_PROJECTS
    assert figure(response, "projects") == 5
    assert figure(response, "donors") == 1
    assert timeline_bars(response) == 5


def test_projects_page_filters_like_the_root(anonymous_client, annex):
    assert listed_slugs(anonymous_client.get("/projects/", {"donor": "sdc"})) == SDC_PROJECTS


def test_donor_page_shows_the_donors_portfolio(anonymous_client, annex):
    response = anonymous_client.get(reverse("dashboards:donor", args=["SDC"]))
    assert response.status_code == 200
    assert listed_slugs(response) == SDC_PROJECTS
    assert anonymous_client.get(reverse("dashboards:donor", args=["NOPE"])).status_code == 404


def test_filters_combine_with_the_year_range_of_the_shared_filterset(anonymous_client, annex):
    response = anonymous_client.get("/", {"donor": "SDC", "region": "arab-states", "year_from": "2014", "year_to": "2014"})
    assert listed_slugs(response) == {"middle-east-labour-migration-governance", "arab-states-domestic-workers-advocacy"}
    # Running in 2015 or later excludes the two Arab States projects that ended in 2014.
    response = anonymous_client.get("/", {"donor": "SDC", "year_from": "2015"})
    assert listed_slugs(response) == {
        "sri-lanka-labour-migration-policy-2",
        "north-africa-labour-migration-governance",
    }


def test_text_corridor_and_status_filters(anonymous_client, annex):
    assert "gap-migrant-domestic-workers" in listed_slugs(anonymous_client.get("/", {"corridor": "NP-AE"}))
    assert listed_slugs(anonymous_client.get("/", {"search": "Bangladesh"})) >= {"bangladesh-migration-policy"}
    # All annex projects ended before today: none is in implementation.
    response = anonymous_client.get("/", {"status": "2"})
    assert listed_slugs(response) == set()
    assert figure(response, "projects") == 0


def test_bad_filters_are_named_not_crashed(anonymous_client, annex):
    response = anonymous_client.get("/", {"country": "Nepal", "year_from": "twenty"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body
    assert "<strong>Country</strong>" in body and "<strong>From year</strong>" in body


def test_a_year_range_that_ends_before_it_starts_is_an_error_not_a_result(anonymous_client, annex):
    response = anonymous_client.get("/", {"year_from": "2016", "year_to": "2012"})
    assert 'role="alert"' in response.content.decode()
    assert "<strong>To year</strong>" in response.content.decode()
    assert listed_slugs(response) == set()


def test_the_api_takes_the_dashboards_year_range(anonymous_client, annex):
    dashboard = listed_slugs(anonymous_client.get("/", {"year_from": "2015", "year_to": "2016"}))
    api = anonymous_client.get("/api/v1/projects/", {"year_from": "2015", "year_to": "2016", "page_size": "200"}).json()
    assert dashboard and {row["slug"] for row in api["results"]} == dashboard
    bad = anonymous_client.get("/api/v1/projects/", {"year_from": "2016", "year_to": "2012"})
    assert bad.status_code == 400 and "year_to" in bad.json()


def test_csv_link_carries_exactly_the_filters(anonymous_client, annex):
    response = anonymous_client.get("/", {"donor": "SDC", "year_from": "2012", "page": "1", "utm": "x"})
    link = re.search(r'href="(/api/v1/projects/\?[^"]+)"[^>]*data-csv-link', response.content.decode()).group(1)
    assert link == "/api/v1/projects/?donor=SDC&amp;year_from=2012&amp;format=csv"


def test_table_sorts_and_paginates(anonymous_client, annex):
    response = anonymous_client.get("/", {"ordering": "-short_name"})
    titles = [p.short_name for p in response.context["page"].object_list]
    assert titles == sorted(titles, reverse=True)
    assert len(titles) == 20
    second = anonymous_client.get("/", {"ordering": "-short_name", "page": "2"})
    assert len(second.context["page"].object_list) == 1


def test_htmx_request_gets_only_the_results_fragment(anonymous_client, annex):
    response = anonymous_client.get("/", {"donor": "SDC"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith("<section id=\"results\"")
    assert "<html" not in body
    assert listed_slugs(response) == SDC_PROJECTS


def test_charts_are_drawn_from_database_aggregates(anonymous_client, annex):
    response = anonymous_client.get("/", {"donor": "SDC"})
    by_region = {bar.key: bar.value for bar in response.context["by_region"]}
    assert by_region == {"asia-pacific": 2, "africa": 1, "arab-states": 2}
    assert [(bar.key, bar.value) for bar in response.context["by_donor"]] == [("SDC", 5)]
    per_year = {bar.key: bar.value for bar in response.context["per_year"]}
    assert per_year["2011"] == 1 and per_year["2013"] == 5 and per_year["2015"] == 2


def test_timeline_spans_the_projects_shown_and_marks_today_only_inside(anonymous_client, annex):
    """The annex ends in 2018: the axis stops there, and today (after it) is not drawn."""
    response = anonymous_client.get("/", {"donor": "SDC"})
    timeline = response.context["timeline"]
    starts = [row["effective_start"] for row in timeline.rows]
    ends = [row["effective_end"] for row in timeline.rows]
    assert timeline.start == datetime.date(min(starts).year, 1, 1)
    assert timeline.end == datetime.date(max(ends).year, 12, 31)
    assert not timeline.shows_today and timeline.today_offset is None
    body = response.content.decode()
    assert 'class="timeline__today"' not in body and "data-timeline-today-legend" not in body


def test_timeline_marks_today_when_it_falls_inside(annex):
    from dashboards.selectors import project_timeline

    timeline = project_timeline(Project.objects.all(), today=datetime.date(2014, 7, 1))
    assert timeline.shows_today and 0 < timeline.today_offset < 100
    assert next(y["year"] for y in timeline.years) == timeline.start.year == 2008


def test_corridor_page_lists_np_ae(anonymous_client, annex):
    response = anonymous_client.get(reverse("dashboards:corridors"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-corridor="NP-AE"' in body
    assert 'data-flow="NP-AE"' in body  # the flow diagram draws it too
    assert "Nepal" in body and "United Arab Emirates" in body
    np_ae = next(c for c in response.context["corridors"] if c.code == "NP-AE")
    assert "gap-migrant-domestic-workers" in {p.slug for p in np_ae.visible_projects}


def test_project_page_by_slug_and_by_id_links_to_the_api(anonymous_client, annex):
    project = Project.objects.get(slug="gap-migrant-domestic-workers")
    response = anonymous_client.get(reverse("dashboards:project", args=[project.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="/api/v1/projects/{project.pk}/"' in body
    assert "NP-AE" in body
    for objective in project.objectives.all():
        assert objective.text in body
    assert anonymous_client.get(reverse("dashboards:project", args=[str(project.pk)])).status_code == 200
    assert anonymous_client.get(reverse("dashboards:project", args=["no-such-project"])).status_code == 404


def test_login_page_and_log_in(client, donor_user_sdc):
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": "sdc-user", "password": "pw-sdc-user"})
    assert response.status_code == 302
    assert client.get("/").context["user"] == donor_user_sdc


@pytest.mark.parametrize("language, phrase", [("fr", "Filtres"), ("es", "Filtros"), ("en", "Filters")])
def test_language_switcher_translates_the_dashboard(client, annex, language, phrase):
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert f'<html lang="{language}">' in body
    assert phrase in body


def test_static_assets_are_served_locally(client, annex):
    body = client.get("/").content.decode()
    assert "/static/vendor/htmx.min.js" in body and "/static/vendor/chart.umd.min.js" in body
    assert "cdn" not in body.lower() and "unpkg" not in body.lower()
