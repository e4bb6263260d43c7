"""A donor's private data stays its own: co-funded projects' reports, and reminder e-mails."""
import icalendar
import pytest
from django.urls import reverse

from deadlines.models import Deadline
from deadlines.services import calendar_feed_rotate, deadlines_generate_for_project
from donors.models import Donor, ReportingBasis, ReportingRule
from projects.models import Funding, Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def cofunded(annex):
    """The Sri Lanka project, funded by SDC, now co-funded by the EC; each donor wants a final report."""
    project = Project.objects.get(slug="sri-lanka-labour-migration-policy-2")
    sdc, ec = Donor.objects.get(acronym="SDC"), Donor.objects.get(acronym="EC")
    Funding.objects.create(project=project, donor=ec)
    ReportingRule.objects.create(donor=sdc, kind="final-report", basis=ReportingBasis.END, days_after=90)
    ReportingRule.objects.create(donor=ec, kind="final-report", basis=ReportingBasis.END, days_after=60)
    deadlines_generate_for_project(project=project)
    return project


def test_generated_reports_name_the_donor_they_are_owed_to(cofunded):
    reports = Deadline.objects.filter(project=cofunded, kind="final-report")
    assert sorted(reports.values_list("donor__acronym", flat=True)) == ["EC", "SDC"]
    assert not Deadline.objects.filter(project=cofunded, kind="project-end").exclude(donor=None).exists()


@pytest.mark.parametrize("acronym, own, other", [("SDC", "SDC", "EC"), ("EC", "EC", "SDC")])
def test_each_donor_reads_the_shared_dates_and_its_own_reports_only(cofunded, acronym, own, other):
    donor = Donor.objects.get(acronym=acronym)
    visible = Deadline.objects.of_donor(donor.pk).filter(project=cofunded)
    labels = {deadline.label for deadline in visible}
    assert f"Final report to {own}" in labels
    assert f"Final report to {other}" not in labels
    assert "Project end" in labels
    assert visible.count() == len(labels)  # no duplicates from the two fundings


def test_co_funders_reporting_pages_and_calendars_stay_apart(client, cofunded, donor_user_sdc, donor_user_ec):
    client.force_login(donor_user_ec)
    page = client.get(reverse("dashboards:donor-reporting", args=["EC"])).content.decode()
    assert "Final report to EC" in page and "Final report to SDC" not in page
    project_page = client.get(f"/projects/{cofunded.slug}/").content.decode()
    assert "Final report to EC" in project_page and "Final report to SDC" not in project_page
    feed = icalendar.Calendar.from_ical(client.get(calendar_feed_rotate(user=donor_user_ec)).content)
    summaries = " ".join(str(event["SUMMARY"]) for event in feed.walk("VEVENT"))
    assert "Final report to EC" in summaries and "Final report to SDC" not in summaries


def test_a_donor_user_cannot_own_a_deadline(cofunded, donor_user_ec):
    from django.core.exceptions import ValidationError

    deadline = Deadline(project=cofunded, kind="other", title="Visit", due_on=cofunded.planned_end, owner=donor_user_ec)
    with pytest.raises(ValidationError) as caught:
        deadline.full_clean()
    assert list(caught.value.message_dict) == ["owner"]


def test_reminders_never_go_to_a_donor_user_even_if_one_owns_a_deadline(cofunded, donor_user_ec, officer):
    """Defence in depth: a non-staff owner written around the form is skipped for the officers."""
    import datetime

    from django.core import mail

    from deadlines.services import reminders_run

    cofunded.responsible_officer = officer
    cofunded.save()
    due = datetime.date(2031, 3, 1)
    Deadline.objects.create(project=cofunded, kind="other", title="Donor visit", due_on=due, owner=donor_user_ec)
    reminders_run(today=due - datetime.timedelta(days=7))
    recipients = {address for message in mail.outbox for address in message.to}
    assert donor_user_ec.email not in recipients
    assert officer.email in recipients
