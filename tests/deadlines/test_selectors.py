"""Who answers for a deadline (answered_by) and who may read it (deadlines_readable_by) are different questions."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from deadlines.models import Deadline
from deadlines.selectors import deadlines_readable_by
from donors.models import Donor
from projects.models import Project
from tests.deadlines.conftest import TODAY, make_project

pytestmark = pytest.mark.django_db


def titles(deadlines):
    return sorted(deadline.title for deadline in deadlines)


def test_an_officer_reads_every_deadline_but_answers_for_own_and_unowned_on_own_projects(officer, second_officer):
    mine, theirs = make_project("mine", officer=officer), make_project("theirs", officer=second_officer)
    Deadline.objects.create(project=mine, title="unowned on mine", due_on=TODAY)
    Deadline.objects.create(project=mine, title="theirs on mine", owner=second_officer, due_on=TODAY)
    Deadline.objects.create(project=theirs, title="mine on theirs", owner=officer, due_on=TODAY)
    Deadline.objects.create(project=theirs, title="unowned on theirs", due_on=TODAY)

    assert titles(Deadline.objects.answered_by(officer)) == ["mine on theirs", "unowned on mine"]
    assert titles(deadlines_readable_by(user=officer)) == [
        "mine on theirs", "theirs on mine", "unowned on mine", "unowned on theirs",
    ]
    assert titles(deadlines_readable_by(user=officer, project=mine)) == ["theirs on mine", "unowned on mine"]


def test_donor_user_reads_and_answers_for_its_donors_deadlines_only(donor_user_sdc):
    sdc, ec = Donor.objects.get(acronym="SDC"), Donor.objects.get(acronym="EC")
    project = Project.objects.filter(fundings__donor=sdc, is_published=True).first()
    Deadline.objects.create(project=project, title="project end", due_on=TODAY)
    Deadline.objects.create(project=project, title="report to SDC", donor=sdc, due_on=TODAY)
    Deadline.objects.create(project=project, title="report to EC", donor=ec, due_on=TODAY)

    assert titles(deadlines_readable_by(user=donor_user_sdc)) == ["project end", "report to SDC"]
    assert titles(deadlines_readable_by(user=donor_user_sdc, donor=sdc)) == ["project end", "report to SDC"]
    assert titles(Deadline.objects.answered_by(donor_user_sdc)) == ["project end", "report to SDC"]
    assert deadlines_readable_by(user=donor_user_sdc, donor=ec) is None


def test_anonymous_and_users_without_a_donor_read_no_deadlines(annex):
    plain = get_user_model().objects.create_user("plain", "plain@example.org", "pw")

    assert deadlines_readable_by(user=AnonymousUser()) is None
    assert deadlines_readable_by(user=plain) is None
