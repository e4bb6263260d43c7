import datetime

import icalendar
import pytest

from deadlines.models import Deadline, DeadlineState
from deadlines.services import calendar_feed_rotate, deadline_close
from projects.models import Project
from tests.deadlines.conftest import TODAY, make_project

pytestmark = pytest.mark.django_db


def feed(client, url):
    response = client.get(url.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def summaries(calendar):
    return sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))


def test_ics_feed_parses_and_holds_only_the_users_deadlines(anonymous_client, officer, second_officer):
    mine = make_project("mine", officer=officer)
    theirs = make_project("theirs", officer=second_officer)
    Deadline.objects.create(project=mine, title="Unowned on my project", due_on=TODAY)
    Deadline.objects.create(project=theirs, title="Owned by me elsewhere", owner=officer, due_on=TODAY)
    Deadline.objects.create(project=mine, title="Owned by the other officer on my project", owner=second_officer, due_on=TODAY)
    Deadline.objects.create(project=theirs, title="The other officer's", due_on=TODAY)

    calendar = feed(anonymous_client, calendar_feed_rotate(user=officer))

    assert summaries(calendar) == ["Owned by me elsewhere: theirs", "Unowned on my project: mine"]
    event = next(iter(calendar.walk("VEVENT")))
    assert event.decoded("DTSTART") == TODAY
    assert event.decoded("DTEND") == TODAY + datetime.timedelta(days=1)
    assert str(event["UID"]).startswith("deadline-")
    # Officers' events link to the deadline in the admin.
    assert all(
        str(event["URL"]).endswith(f"/admin/deadlines/deadline/{str(event['UID']).split('-')[1].split('@')[0]}/change/")
        for event in calendar.walk("VEVENT")
    )


def test_donor_feed_holds_only_deadlines_of_projects_the_donor_funds(anonymous_client, donor_user_sdc, donor_user_ec):
    sdc_project = Project.objects.filter(fundings__donor__acronym="SDC").first()
    ec_only = Project.objects.filter(fundings__donor__acronym="EC").exclude(fundings__donor__acronym="SDC").first()
    Deadline.objects.create(project=sdc_project, title="SDC report", due_on=TODAY)
    Deadline.objects.create(project=ec_only, title="EC report", due_on=TODAY)

    sdc_calendar = feed(anonymous_client, calendar_feed_rotate(user=donor_user_sdc))
    assert summaries(sdc_calendar) == [f"SDC report: {sdc_project}"]
    assert not any("URL" in event for event in sdc_calendar.walk("VEVENT"))  # no links into the admin
    assert summaries(feed(anonymous_client, calendar_feed_rotate(user=donor_user_ec))) == [f"EC report: {ec_only}"]


def test_feed_of_a_user_who_is_no_longer_staff_lists_nothing(anonymous_client, officer):
    project = make_project("p1", officer=officer)
    Project.objects.filter(pk=project.pk).update(is_published=True)
    Deadline.objects.create(project=project, title="Report", owner=officer, due_on=TODAY)
    url = calendar_feed_rotate(user=officer)
    assert summaries(feed(anonymous_client, url)) == ["Report: p1"]
    officer.is_staff = False
    officer.save()

    assert summaries(feed(anonymous_client, url)) == []


def test_new_calendar_url_revokes_the_old_one(anonymous_client, officer):
    old = calendar_feed_rotate(user=officer)
    new = calendar_feed_rotate(user=officer)

    assert anonymous_client.get(old.removeprefix("http://127.0.0.1:8000")).status_code == 404
    assert anonymous_client.get(new.removeprefix("http://127.0.0.1:8000")).status_code == 200
    assert anonymous_client.get("/calendar/not-a-token.ics").status_code == 404


def test_calendar_page_makes_and_revokes_the_url(officer_client, officer):
    made = officer_client.post("/calendar/", {"action": "rotate"}, follow=True)
    assert "/calendar/" in made.text and ".ics" in made.text
    officer_client.post("/calendar/", {"action": "revoke"})
    assert not hasattr(type(officer).objects.get(pk=officer.pk), "calendar_feed")


def test_project_page_shows_deadlines_inline(officer_client, annex):
    project = Project.objects.first()
    Deadline.objects.create(project=project, title="Inline deadline", due_on=TODAY)

    page = officer_client.get(f"/admin/projects/project/{project.pk}/change/")

    assert page.status_code == 200
    assert "Inline deadline" in page.text


def test_upcoming_and_overdue_list_and_mark_met(officer_client, officer):
    project = make_project("p1", officer=officer)
    today = datetime.date.today()
    overdue = Deadline.objects.create(project=project, title="Late report", due_on=today - datetime.timedelta(days=3))
    Deadline.objects.create(project=project, title="Far away", due_on=today + datetime.timedelta(days=400))

    page = officer_client.get("/admin/deadlines/deadline/?due=upcoming-overdue")
    assert page.status_code == 200
    assert "Late report" in page.text and "Far away" not in page.text

    officer_client.post("/admin/deadlines/deadline/", {"action": "mark_met", "_selected_action": [overdue.pk]})
    overdue.refresh_from_db()
    assert (overdue.state, overdue.closed_by) == (DeadlineState.APPROVED, officer)


def test_reopen_action_opens_closed_deadlines_and_forgets_who_closed_them(officer_client, officer):
    project = make_project("p1", officer=officer)
    waived = deadline_close(
        deadline=Deadline.objects.create(project=project, title="Waived report", due_on=TODAY),
        state=DeadlineState.WAIVED, user=officer, reason="The donor no longer asks for it.",
    )
    still_open = Deadline.objects.create(project=project, title="Open report", due_on=TODAY)

    page = officer_client.post(
        "/admin/deadlines/deadline/", {"action": "reopen", "_selected_action": [waived.pk, still_open.pk]}, follow=True
    )

    assert "1 deadlines reopened." in page.text
    waived.refresh_from_db()
    assert (waived.state, waived.closed_by, waived.closed_at) == (DeadlineState.OPEN, None, None)
    assert waived.history.first().history_user == officer  # the admin's write is in the audit history


def test_reporting_rules_are_edited_inline_on_the_donor(officer_client, annex):
    from donors.models import Donor

    donor = Donor.objects.get(acronym="SDC")
    page = officer_client.get(f"/admin/donors/donor/{donor.pk}/change/")
    assert page.status_code == 200
    assert "reporting_rules-TOTAL_FORMS" in page.text
