import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from donors.models import Donor
from projects.models import ActivityStatus, Funding, Project, Scope, StatusOverride
from projects.selectors import funding_totals
from regions.models import Corridor, Country, Region

pytestmark = pytest.mark.django_db

D = datetime.date


def make_project(**fields):
    values = {"title": "A project", "short_name": "P", "slug": "p", "planned_start": D(2020, 1, 1), "planned_end": D(2021, 12, 31)}
    values.update(fields)
    return Project(**values)


def test_end_before_start_is_a_field_error():
    project = make_project(planned_start=D(2020, 1, 1), planned_end=D(2019, 12, 31))
    with pytest.raises(ValidationError) as caught:
        project.full_clean()
    assert list(caught.value.message_dict) == ["planned_end"]


def test_actual_end_before_actual_start_is_a_field_error():
    project = make_project(actual_start=D(2020, 3, 1), actual_end=D(2020, 2, 1))
    with pytest.raises(ValidationError) as caught:
        project.full_clean()
    assert list(caught.value.message_dict) == ["actual_end"]


def test_database_refuses_end_before_start_too():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_project(planned_start=D(2020, 1, 1), planned_end=D(2019, 1, 1)).save()


def test_global_project_has_no_region():
    project = make_project(scope=Scope.GLOBAL, region=Region.objects.get(code="africa"))
    with pytest.raises(ValidationError) as caught:
        project.full_clean()
    assert "region" in caught.value.message_dict


@pytest.mark.parametrize(
    "today, expected",
    [
        (D(2019, 12, 31), ActivityStatus.PIPELINE),
        (D(2020, 1, 1), ActivityStatus.IMPLEMENTATION),
        (D(2021, 12, 31), ActivityStatus.IMPLEMENTATION),
        (D(2022, 1, 1), ActivityStatus.FINALISATION),
        (D(2022, 6, 29), ActivityStatus.FINALISATION),
        (D(2022, 6, 30), ActivityStatus.CLOSED),
    ],
)
def test_status_follows_the_dates_in_python_and_in_sql(today, expected):
    project = make_project()
    project.save()
    assert project.status_on(today) == expected
    assert Project.objects.with_status(today).get(pk=project.pk).status_code == expected


def test_actual_dates_take_precedence_over_planned_ones():
    project = make_project(actual_start=D(2020, 3, 1), actual_end=D(2020, 6, 30))
    project.save()
    today = D(2020, 9, 1)  # before the planned end, after the actual one
    assert project.status_on(today) == ActivityStatus.FINALISATION
    assert Project.objects.with_status(today).get(pk=project.pk).status_code == ActivityStatus.FINALISATION
    assert not Project.objects.active_on(today).exists()


@pytest.mark.parametrize("override", StatusOverride.values)
def test_cancelled_or_suspended_wins_over_dates(override):
    project = make_project(status_override=override)
    project.save()
    assert project.status_on(D(2020, 6, 1)) == override
    assert Project.objects.with_status(D(2020, 6, 1)).get(pk=project.pk).status_code == override
    assert not Project.objects.active_on(D(2020, 6, 1)).exists()


def test_status_override_accepts_only_cancelled_or_suspended():
    with pytest.raises(ValidationError) as caught:
        make_project(status_override=ActivityStatus.CLOSED).full_clean()
    assert "status_override" in caught.value.message_dict


def test_funding_amount_needs_an_iso_currency():
    project = make_project()
    project.save()
    donor = Donor.objects.create(name="Donor", acronym="DN")
    with pytest.raises(ValidationError) as caught:
        Funding(project=project, donor=donor, amount=Decimal("10"), currency="").full_clean()
    assert "currency" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        Funding(project=project, donor=donor, amount=Decimal("10"), currency="XYZ").full_clean()
    assert "currency" in caught.value.message_dict
    Funding(project=project, donor=donor, amount=Decimal("10"), currency="CHF").full_clean()


def test_funding_totals_never_add_different_currencies():
    donors = [Donor.objects.create(name=f"Donor {i}", acronym=f"D{i}") for i in range(3)]
    first, second = make_project(slug="a"), make_project(slug="b")
    first.save()
    second.save()
    Funding.objects.create(project=first, donor=donors[0], amount=Decimal("100.00"), currency="CHF")
    Funding.objects.create(project=second, donor=donors[1], amount=Decimal("50.50"), currency="CHF")
    Funding.objects.create(project=second, donor=donors[2], amount=Decimal("70.00"), currency="EUR")
    Funding.objects.create(project=first, donor=donors[2])
    assert [(row["currency"], row["total"]) for row in funding_totals(Funding.objects.all())] == [
        ("CHF", Decimal("150.50")),
        ("EUR", Decimal("70.00")),
    ]


def test_corridor_pair_is_unique_and_has_two_different_ends():
    nepal, uae = Country.objects.get(code="NP"), Country.objects.get(code="AE")
    Corridor.objects.create(origin=nepal, destination=uae)
    with pytest.raises(IntegrityError), transaction.atomic():
        Corridor.objects.create(origin=nepal, destination=uae)
    with pytest.raises(IntegrityError), transaction.atomic():
        Corridor.objects.create(origin=nepal, destination=nepal)
    assert Corridor.objects.create(origin=uae, destination=nepal).code == "AE-NP"


def test_donor_contact_emails_name_the_bad_address():
    donor = Donor(name="Donor", acronym="DN", contact_emails="a@example.org, not-an-address")
    with pytest.raises(ValidationError) as caught:
        donor.full_clean()
    assert "not-an-address" in str(caught.value.message_dict["contact_emails"])
    assert Donor(name="D", acronym="D", contact_emails="a@example.org,\nb@example.org").emails == ["a@example.org", "b@example.org"]
