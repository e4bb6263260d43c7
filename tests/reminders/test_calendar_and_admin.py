import datetime

import icalendar
import pytest

from projects.calendar import calendar_feed_rotate
from projects.models import Deadline, DeadlineState, Project
from tests.reminders.conftest import TODAY, make_officer, make_project

pytestmark = pytest.mark.django_db


def feed(client, url):
    response = client.get(url.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def summaries(calendar):
    return sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))


def test_ics_feed_parses_and_holds_only_the_users_deadlines(client):
    alice, bob = make_officer("alice"), make_officer("bob")
    mine = make_project("mine", officer=alice)
    theirs = make_project("theirs", officer=bob)
    Deadline.objects.create(project=mine, title="Unowned on my project", due_on=TODAY)
    Deadline.objects.create(project=theirs, title="Owned by me elsewhere", owner=alice, due_on=TODAY)
    Deadline.objects.create(project=mine, title="Owned by Bob on my project", owner=bob, due_on=TODAY)
    Deadline.objects.create(project=theirs, title="Bob's", due_on=TODAY)

    calendar = feed(client, calendar_feed_rotate(user=alice))

    assert summaries(calendar) == ["Owned by me elsewhere: theirs", "Unowned on my project: mine"]
    event = next(iter(calendar.walk("VEVENT")))
    assert event.decoded("DTSTART") == TODAY
    assert event.decoded("DTEND") == TODAY + datetime.timedelta(days=1)
    assert str(event["UID"]).startswith("deadline-")


def test_donor_feed_holds_only_deadlines_of_projects_the_donor_funds(client, donor_user_sdc, donor_user_ec):
    sdc_project = Project.objects.filter(fundings__donor__acronym="SDC").first()
    ec_only = Project.objects.filter(fundings__donor__acronym="EC").exclude(fundings__donor__acronym="SDC").first()
    Deadline.objects.create(project=sdc_project, title="SDC report", due_on=TODAY)
    Deadline.objects.create(project=ec_only, title="EC report", due_on=TODAY)

    assert summaries(feed(client, calendar_feed_rotate(user=donor_user_sdc))) == [f"SDC report: {sdc_project}"]
    assert summaries(feed(client, calendar_feed_rotate(user=donor_user_ec))) == [f"EC report: {ec_only}"]


def test_new_calendar_url_revokes_the_old_one(client):
    alice = make_officer("alice")
    old = calendar_feed_rotate(user=alice)
    new = calendar_feed_rotate(user=alice)

    assert client.get(old.removeprefix("http://127.0.0.1:8000")).status_code == 404
    assert client.get(new.removeprefix("http://127.0.0.1:8000")).status_code == 200
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_calendar_page_makes_and_revokes_the_url(client):
    alice = make_officer("alice")
    client.force_login(alice)
    made = client.post("/calendar/", {"action": "rotate"})
    assert "/calendar/" in made.text and ".ics" in made.text
    client.post("/calendar/", {"action": "revoke"})
    assert not hasattr(type(alice).objects.get(pk=alice.pk), "calendar_feed")


def test_project_page_shows_deadlines_inline(officer_client, annex):
    project = Project.objects.first()
    Deadline.objects.create(project=project, title="Inline deadline", due_on=TODAY)

    page = officer_client.get(f"/admin/projects/project/{project.pk}/change/")

    assert page.status_code == 200
    assert "Inline deadline" in page.text


def test_upcoming_and_overdue_list_and_mark_done(officer_client, officer):
    project = make_project("p1", officer=officer)
    today = datetime.date.today()
    overdue = Deadline.objects.create(project=project, title="Late report", due_on=today - datetime.timedelta(days=3))
    Deadline.objects.create(project=project, title="Far away", due_on=today + datetime.timedelta(days=400))

    page = officer_client.get("/admin/projects/deadline/?due=upcoming-overdue")
    assert page.status_code == 200
    assert "Late report" in page.text and "Far away" not in page.text

    officer_client.post("/admin/projects/deadline/", {"action": "mark_done", "_selected_action": [overdue.pk]})
    overdue.refresh_from_db()
    assert (overdue.state, overdue.closed_by) == (DeadlineState.DONE, officer)


def test_reporting_rules_are_edited_inline_on_the_donor(officer_client, annex):
    from donors.models import Donor

    donor = Donor.objects.get(acronym="SDC")
    page = officer_client.get(f"/admin/donors/donor/{donor.pk}/change/")
    assert page.status_code == 200
    assert "reporting_rules-TOTAL_FORMS" in page.text
