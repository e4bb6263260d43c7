"""The officers' admin as an officer uses it: objectives in order, slugs, links both ways, safe selectors."""
import re

import pytest
from django.urls import reverse

from projects.models import Project
from tests.admin_forms import admin_change_data

pytestmark = pytest.mark.django_db


def _change(officer_client, project):
    url = reverse("admin:projects_project_change", args=[project.pk])
    return url, admin_change_data(officer_client.get(url))


def _add_objective_rows(data, prefix, texts):
    """Rows as the admin's "Add another objective" makes them: the order left as the form shows it (empty)."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for offset, text in enumerate(texts):
        data[f"{prefix}-{total + offset}-text"] = text
        data[f"{prefix}-{total + offset}-order"] = ""
    data[f"{prefix}-TOTAL_FORMS"] = str(total + len(texts))


def test_added_objectives_follow_the_last_one(annex, officer_client):
    project = Project.objects.get(slug="capsa")
    before = list(project.objectives.values_list("order", flat=True))
    url, data = _change(officer_client, project)
    page = officer_client.get(url)
    empty_form = page.context["inline_admin_formsets"][0].formset.empty_form
    assert empty_form["order"].value() in (None, "")  # not a pre-filled 1 that collides
    _add_objective_rows(data, "objectives", ["A new objective.", "Another new one."])
    response = officer_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    orders = list(project.objectives.order_by("order").values_list("order", "text"))
    assert orders[-2:] == [(max(before) + 1, "A new objective."), (max(before) + 2, "Another new one.")]


def test_two_objectives_swap_places_in_one_save(annex, officer_client):
    project = Project.objects.get(slug="capsa")
    first, second = project.objectives.order_by("order")[:2]
    url, data = _change(officer_client, project)
    index = {data[f"objectives-{i}-id"]: i for i in range(int(data["objectives-TOTAL_FORMS"]))}
    data[f"objectives-{index[str(first.pk)]}-order"] = str(second.order)
    data[f"objectives-{index[str(second.pk)]}-order"] = str(first.order)
    response = officer_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["inline_admin_formsets"][0].formset.errors
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.order, second.order) == (2, 1)


def test_two_objectives_given_one_order_is_a_form_error(annex, officer_client):
    project = Project.objects.get(slug="capsa")
    url, data = _change(officer_client, project)
    data["objectives-1-order"] = data["objectives-0-order"]
    response = officer_client.post(url, data)
    assert response.status_code == 200
    assert "cannot share an order" in response.content.decode()


def test_an_empty_slug_is_made_from_the_short_name(annex, officer_client):
    url = reverse("admin:projects_project_add")
    data = admin_change_data(officer_client.get(url))
    data.update(title="Fair recruitment in the Gulf", short_name="FAIR Gulf", slug="", scope="national",
                planned_start="2026-01-01", planned_end="2027-12-31")
    assert officer_client.post(url, data).status_code == 302
    assert Project.objects.filter(slug="fair-gulf").exists()
    assert officer_client.post(url, data).status_code == 302  # the same short name again
    assert Project.objects.filter(slug="fair-gulf-2").exists()


def test_view_on_site_from_the_admin_and_edit_in_admin_from_the_page(annex, officer_client, anonymous_client):
    project = Project.objects.get(slug="capsa")
    change = officer_client.get(reverse("admin:projects_project_change", args=[project.pk])).content.decode()
    view_on_site = re.search(r'href="(/admin/r/[^"]+)"', change).group(1)
    assert officer_client.get(view_on_site)["Location"].endswith("/projects/capsa/")
    page = officer_client.get("/projects/capsa/").content.decode()
    assert f'href="{reverse("admin:projects_project_change", args=[project.pk])}" data-edit-in-admin' in page
    from django.test import Client

    assert "data-edit-in-admin" not in Client().get("/projects/capsa/").content.decode()


def test_no_delete_link_beside_region_donor_and_partner_selectors(annex, officer_client):
    project = Project.objects.get(slug="capsa")
    html = officer_client.get(reverse("admin:projects_project_change", args=[project.pk])).content.decode()
    assert 'id="change_id_region"' in html  # the other links stay
    assert not re.search(r'id="delete_id_(region|fundings-\d+-donor|project_partners-\d+-partner)"', html)


def test_delete_confirmation_names_countries_and_corridors(annex, officer_client):
    project = Project.objects.get(slug="gap-migrant-domestic-workers")
    html = officer_client.get(reverse("admin:projects_project_delete", args=[project.pk])).content.decode()
    assert "object (" not in html
    assert "Country: Nepal" in html and "Corridor: " in html


def test_admin_index_calls_deleted_projects_by_that_name(annex, officer_client):
    html = officer_client.get(reverse("admin:index")).content.decode()
    assert "Deleted projects" in html and "Historical projects" not in html


def test_restoring_one_project_says_one_project(annex, officer_client):
    project = Project.objects.get(slug="capsa")
    officer_client.post(reverse("admin:projects_project_delete", args=[project.pk]), {"post": "yes"})
    from projects.history import deleted_projects

    record = deleted_projects().get(id=project.pk)
    response = officer_client.post(
        reverse("admin:projects_historicalproject_changelist"),
        {"action": "restore", "_selected_action": [record.pk], "index": 0}, follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert messages[-1] == "1 project restored: CAPSA."
