import datetime

import pytest
from django.urls import reverse

from projects.models import Project
from tests.admin_forms import admin_change_data

pytestmark = pytest.mark.django_db


def test_officer_logs_in_with_password_and_sees_the_annex(annex, client, officer):
    response = client.post(reverse("admin:login"), {"username": "officer1", "password": "pw-officer-1", "next": "/admin/"})
    assert response.status_code == 302
    response = client.get(reverse("admin:projects_project_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 21


def test_officer_edits_a_project_with_its_inlines_on_one_page(annex, officer_client):
    project = Project.objects.get(slug="capsa")
    url = reverse("admin:projects_project_change", args=[project.pk])
    page = officer_client.get(url)
    assert page.status_code == 200
    prefixes = [inline.formset.prefix for inline in page.context["inline_admin_formsets"]]
    assert {"objectives", "fundings", "project_partners"} <= set(prefixes)
    data = admin_change_data(page)
    data["title"] = "CAPSA — revised title"
    data["objectives-0-text"] = "Empower and better protect women migrant workers and girls (revised)."
    response = officer_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    project.refresh_from_db()
    assert project.title == "CAPSA — revised title"
    assert project.objectives.get(order=1).text.endswith("(revised).")
    assert project.countries.count() == 5


def test_admin_rejects_end_before_start_on_the_end_field(annex, officer_client):
    project = Project.objects.get(slug="capsa")
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = admin_change_data(officer_client.get(url))
    data["planned_end"] = "2012-12-31"
    response = officer_client.post(url, data)
    assert response.status_code == 200
    assert "planned_end" in response.context["adminform"].form.errors
    project.refresh_from_db()
    assert project.planned_end == datetime.date(2018, 12, 31)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("q=trafficking", {"capsa"}),
        ("region__id__exact={arab}", {
            "middle-east-labour-migration-governance", "arab-states-domestic-workers-advocacy",
            "lebanon-women-migrant-domestic-workers", "jordan-migrant-workers-rights", "capsa"}),
        ("donor={sdc}", {
            "sri-lanka-labour-migration-policy-2", "bangladesh-migration-policy",
            "north-africa-labour-migration-governance", "middle-east-labour-migration-governance",
            "arab-states-domestic-workers-advocacy"}),
        ("year=2008", {"migsec"}),
        ("year=2018", {"capsa"}),
    ],
)
def test_changelist_search_and_filters(annex, officer_client, query, expected):
    from donors.models import Donor
    from regions.models import Region

    query = query.format(arab=Region.objects.get(code="arab-states").pk, sdc=Donor.objects.get(acronym="SDC").pk)
    response = officer_client.get(reverse("admin:projects_project_changelist") + "?" + query)
    assert response.status_code == 200
    slugs = {p.slug for p in response.context["cl"].result_list}
    assert slugs == expected


def test_changelist_status_filter_separates_running_from_closed(annex, officer_client):
    from django.utils import timezone

    today = timezone.localdate()
    Project.objects.create(
        title="Running now", short_name="Running", slug="running-now",
        planned_start=today - datetime.timedelta(days=30), planned_end=today + datetime.timedelta(days=300),
    )
    annex_slugs = set(Project.objects.exclude(slug="running-now").values_list("slug", flat=True))
    url = reverse("admin:projects_project_changelist")

    def listed(status):
        return {p.slug for p in officer_client.get(url, {"status": status}).context["cl"].result_list}

    assert listed("2") == {"running-now"}
    assert listed("4") == annex_slugs and len(annex_slugs) == 21  # every annex project ended years ago
    assert listed("1") == set()


def test_autocomplete_finds_countries_for_the_project_form(annex, officer_client):
    response = officer_client.get(
        reverse("admin:autocomplete"),
        {"term": "nep", "app_label": "projects", "model_name": "project", "field_name": "countries"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Nepal"]


def _add_projects(count):
    from donors.models import Donor
    from projects.models import Funding

    sdc = Donor.objects.get(acronym="SDC")
    for i in range(count):
        project = Project.objects.create(
            title=f"Extra {i}", short_name=f"Extra {i}", slug=f"extra-{i}",
            planned_start=datetime.date(2020, 1, 1), planned_end=datetime.date(2022, 1, 1),
        )
        Funding.objects.create(project=project, donor=sdc)


def test_changelist_query_count_does_not_grow_with_rows(annex, officer_client, django_assert_num_queries):
    url = reverse("admin:projects_project_changelist")
    officer_client.get(url)  # warm caches (content types, permissions)
    # session, user, user and group permissions, region and donor filter choices, count, page (its donors'
    # acronyms in the page query since issue 18, no longer a funding+donor prefetch)
    with django_assert_num_queries(8):
        assert officer_client.get(url).context["cl"].result_count == 21
    _add_projects(79)
    with django_assert_num_queries(8):
        response = officer_client.get(url)
    assert response.context["cl"].result_count == 100
    assert len(response.context["cl"].result_list) == 100


def test_changelist_donors_column_lists_acronyms_in_order(annex, officer_client):
    from donors.models import Donor
    from projects.models import Funding

    project = Project.objects.create(
        title="Co-funded", short_name="Co-funded", slug="co-funded",
        planned_start=datetime.date(1990, 1, 1), planned_end=datetime.date(1991, 1, 1),
    )
    for acronym in ("SDC", "EC"):
        Funding.objects.create(project=project, donor=Donor.objects.get(acronym=acronym))
    response = officer_client.get(reverse("admin:projects_project_changelist"), {"q": "Co-funded"})
    row = next(line for line in response.content.decode().split("<tr") if f'value="{project.pk}"' in line)
    assert "<td class=\"field-donor_list\">EC, SDC</td>" in row
    assert 'class="action-select" aria-label="Select this object for an action - Co-funded"' in row
