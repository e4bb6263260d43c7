"""Audit history: who changed what and when, revert in the admin, deleted projects restored."""
import pytest
from django.urls import reverse

from deadlines.models import Deadline
from projects.history import RestoreError, deleted_projects, project_restore
from projects.models import Funding, Objective, Project, ProjectPartner
from tests.admin_forms import admin_change_data, form_values

pytestmark = pytest.mark.django_db


def _client_for(client_class, user):
    client = client_class()
    client.force_login(user)
    return client


def test_officer_edit_reverted_by_another_officer_shows_both_in_history(annex, officer, second_officer, client):
    from django.test import Client

    project = Project.objects.get(slug="capsa")
    original_title = project.title
    change_url = reverse("admin:projects_project_change", args=[project.pk])

    first = _client_for(Client, officer)
    data = admin_change_data(first.get(change_url))
    data["title"] = "CAPSA — edited by officer 1"
    assert first.post(change_url, data).status_code == 302
    project.refresh_from_db()
    assert project.title == "CAPSA — edited by officer 1"

    # The second officer opens the record from before the edit and reverts to it.
    before_edit = project.history.filter(title=original_title).latest("history_date")
    revert_url = reverse("admin:projects_project_simple_history", args=[project.pk, before_edit.history_id])
    second = _client_for(Client, second_officer)
    page = second.get(revert_url)
    assert page.status_code == 200
    response = second.post(revert_url, form_values(page.context["adminform"].form))
    assert response.status_code == 302, page.context["adminform"].form.errors
    project.refresh_from_db()
    assert project.title == original_title
    assert project.countries.count() == 5

    latest_two = list(project.history.order_by("-history_date", "-history_id")[:2])
    assert [(r.history_user, r.title) for r in latest_two] == [
        (second_officer, original_title),
        (officer, "CAPSA — edited by officer 1"),
    ]
    history_page = second.get(reverse("admin:projects_project_history", args=[project.pk]))
    assert history_page.status_code == 200
    html = history_page.content.decode()
    assert "officer1" in html and "officer2" in html
    assert "CAPSA — edited by officer 1" in html  # the change itself is shown


def test_inline_edits_are_recorded_with_the_officer(annex, officer_client, officer):
    project = Project.objects.get(slug="capsa")
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = admin_change_data(officer_client.get(url))
    data["objectives-0-text"] = "A revised objective."
    assert officer_client.post(url, data).status_code == 302
    record = Objective.history.filter(project_id=project.pk, history_type="~").latest("history_date")
    assert record.history_user == officer
    assert record.text == "A revised objective."


@pytest.mark.parametrize("model_name, lookup, field, value", [
    ("donor", {"acronym": "SDC"}, "iati_ref", "CH-4-1234"),
    ("partner", {"acronym": "IOM"}, "name", "International Organization for Migration (renamed)"),
])
def test_donor_and_partner_edits_are_recorded(annex, officer_client, officer, model_name, lookup, field, value):
    from django.apps import apps

    obj = apps.get_model("donors", model_name).objects.get(**lookup)
    before = getattr(obj, field)
    assert before != value
    url = reverse(f"admin:donors_{model_name}_change", args=[obj.pk])
    data = admin_change_data(officer_client.get(url))
    data[field] = value
    assert officer_client.post(url, data).status_code == 302
    latest = obj.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_user, getattr(latest, field)) == (officer, value)
    obj.refresh_from_db()
    assert getattr(obj, field) == value
    page = officer_client.get(reverse(f"admin:donors_{model_name}_history", args=[obj.pk]))
    assert page.status_code == 200 and "officer1" in page.content.decode()


def _snapshot(project_id):
    project = Project.objects.get(pk=project_id)
    return {
        "project": Project.objects.filter(pk=project_id).values().get() | {"updated_at": None},
        "countries": set(project.countries.values_list("pk", flat=True)),
        "corridors": set(project.corridors.values_list("pk", flat=True)),
        "objectives": list(Objective.objects.filter(project_id=project_id).values()),
        "fundings": list(Funding.objects.filter(project_id=project_id).values()),
        "partners": list(ProjectPartner.objects.filter(project_id=project_id).values()),
        "deadlines": [d | {"updated_at": None} for d in Deadline.objects.filter(project_id=project_id).values()],
    }


def test_deleted_project_is_restored_whole_by_an_officer(annex, officer_client, officer):
    import datetime

    project = Project.objects.get(slug="ethiopian-somali-domestic-workers")
    Deadline.objects.create(project=project, title="Donor visit", due_on=datetime.date(2030, 5, 1))
    # An objective removed on purpose before the deletion must stay removed.
    Objective.objects.filter(project=project).order_by("-order").first().delete()
    before = _snapshot(project.pk)
    assert all(before[part] for part in ("objectives", "fundings", "partners", "deadlines", "countries", "corridors"))

    delete_url = reverse("admin:projects_project_delete", args=[project.pk])
    assert officer_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()
    assert not Objective.objects.filter(project_id=project.pk).exists()

    deleted_list = reverse("admin:projects_historicalproject_changelist")
    page = officer_client.get(deleted_list)
    assert page.status_code == 200
    assert "ethiopian-somali-domestic-workers" in page.content.decode()
    record = deleted_projects().get(id=project.pk)
    assert record.history_user == officer
    # The history page of a deleted project still opens.
    assert officer_client.get(reverse("admin:projects_project_history", args=[project.pk])).status_code == 200

    response = officer_client.post(
        deleted_list, {"action": "restore", "_selected_action": [record.pk], "index": 0}
    )
    assert response.status_code == 302
    assert _snapshot(project.pk) == before
    assert not deleted_projects().exists()
    assert Project.objects.get(pk=project.pk).history.latest("history_date").history_change_reason == "restored"


def test_restoring_an_existing_project_is_refused(annex):
    project = Project.objects.get(slug="capsa")
    with pytest.raises(RestoreError):
        project_restore(project_id=project.pk)


def test_donor_user_cannot_see_deleted_projects_or_history(donor_user_sdc, client):
    client.force_login(donor_user_sdc)
    project = Project.objects.get(slug="capsa")
    for url in (
        reverse("admin:projects_historicalproject_changelist"),
        reverse("admin:projects_project_history", args=[project.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def _capsa_state(project):
    return {
        "title": project.title,
        "countries": set(project.countries.values_list("code", flat=True)),
        "corridors": set(project.corridors.values_list("pk", flat=True)),
        "objectives": list(project.objectives.order_by("order").values_list("order", "text")),
        "fundings": set(project.fundings.values_list("donor__acronym", "amount", "currency")),
        "partners": set(project.project_partners.values_list("partner__name", "role")),
    }


def test_one_admin_save_is_one_history_entry_that_says_what_changed(annex, officer_client, officer):
    project = Project.objects.get(slug="capsa")
    url = reverse("admin:projects_project_change", args=[project.pk])
    before = project.history.count()
    data = admin_change_data(officer_client.get(url))
    data["title"] = "CAPSA, renamed"
    data["objectives-0-text"] = "A revised first objective."
    data["countries"] = data["countries"][:-1]
    assert officer_client.post(url, data).status_code == 302
    assert project.history.count() == before + 1
    entry = project.history.latest("history_id")
    assert entry.history_user == officer
    assert "Title" in entry.history_change_reason and "objective" in entry.history_change_reason
    assert entry.countries.count() == 4  # the countries as saved, not as before
    page = officer_client.get(reverse("admin:projects_project_history", args=[project.pk])).content.decode()
    table = page[page.index('id="change-history"'):]
    assert "None" not in table


def test_revert_brings_back_countries_corridors_objectives_funding_and_partners(annex, officer_client, second_officer):
    from django.test import Client

    project = Project.objects.get(slug="capsa")
    original = _capsa_state(project)
    version = project.history.latest("history_id")
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = admin_change_data(officer_client.get(url))
    data["title"] = "CAPSA, changed"
    data["countries"] = data["countries"][:2]
    data["objectives-0-DELETE"] = "on"
    data["fundings-0-amount"], data["fundings-0-currency"] = "1500000", "CHF"
    data["project_partners-0-DELETE"] = "on"
    assert officer_client.post(url, data).status_code == 302
    assert _capsa_state(project) != original

    revert_url = reverse("admin:projects_project_simple_history", args=[project.pk, version.history_id])
    reviewer = Client()
    reviewer.force_login(second_officer)
    page = reviewer.get(revert_url)
    assert "data-revert-note" in page.content.decode()
    form = page.context["adminform"].form
    assert len(form.initial["countries"]) == len(original["countries"])  # the version's, not today's
    response = reviewer.post(revert_url, form_values(form))
    assert response.status_code == 302
    project.refresh_from_db()
    assert _capsa_state(project) == original
    latest = project.history.latest("history_id")
    assert latest.history_user == second_officer and latest.history_change_reason.startswith("Reverted to the version")


def test_revert_to_the_seeded_version_keeps_the_responsible_officer(annex, officer_client):
    from projects.services import demo_seed

    demo_seed()
    project = Project.objects.get(slug="capsa")
    officer = project.responsible_officer
    assert officer is not None
    seeded = project.history.earliest("history_id")
    assert seeded.responsible_officer_id is None
    revert_url = reverse("admin:projects_project_simple_history", args=[project.pk, seeded.history_id])
    page = officer_client.get(revert_url)
    assert page.context["adminform"].form.initial["responsible_officer"] == officer.pk  # what the revert keeps
    html = page.content.decode()
    breadcrumbs = html[html.index('class="breadcrumbs"'):]
    breadcrumbs = breadcrumbs[:breadcrumbs.index("</div>")]
    assert "Deleted projects" not in breadcrumbs and ">Projects</a>" in breadcrumbs  # the list it belongs to
    assert officer_client.post(revert_url, form_values(page.context["adminform"].form)).status_code == 302
    project.refresh_from_db()
    assert project.responsible_officer == officer


def test_a_restored_project_comes_back_with_its_officer(annex, officer_client):
    from projects.services import demo_seed

    demo_seed()
    project = Project.objects.get(slug="capsa")
    officer = project.responsible_officer
    assert officer_client.post(reverse("admin:projects_project_delete", args=[project.pk]), {"post": "yes"}).status_code == 302
    project_restore(project_id=project.pk)
    assert Project.objects.get(pk=project.pk).responsible_officer == officer


def test_a_version_naming_a_deleted_donor_is_refused_and_nothing_changes(annex, officer_client):
    from donors.models import Donor
    from projects.history import RevertError, project_revert

    project = Project.objects.get(slug="capsa")
    version = project.history.latest("history_id")
    funding = project.fundings.first()
    donor = funding.donor
    funding.delete()
    Funding.objects.filter(donor=donor).delete()
    donor.delete()
    before = _capsa_state(project)
    with pytest.raises(RevertError, match="deleted since"):
        project_revert(project=project, record=version)
    project.refresh_from_db()
    assert _capsa_state(project) == before
    assert not Donor.objects.filter(pk=donor.pk).exists()


def test_the_history_page_shows_an_empty_officer_as_empty_and_the_seed_as_one_entry(annex, officer_client):
    from projects.services import demo_seed

    demo_seed()
    project = Project.objects.get(slug="capsa")
    assert list(project.history.order_by("history_id").values_list("history_type", "history_change_reason")) == [
        ("+", "seeded from the annex"), ("~", "demo officer made responsible"),
    ]
    page = officer_client.get(reverse("admin:projects_project_history", args=[project.pk])).content.decode()
    table = page[page.index('id="change-history"'):]
    assert "pk=None" not in table and "None" not in table
    assert "officer" in table  # the new value is shown
