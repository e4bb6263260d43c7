"""Planned disbursements: IATI's planned-disbursement, entered on the project page, internal for staff only."""
import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from donors.models import Donor, Partner
from finance.models import BudgetType, PlannedDisbursement, Transaction, TransactionType
from finance.selectors import planned_disbursements_visible
from projects.models import Project
from tests.admin_forms import admin_change_data

pytestmark = pytest.mark.django_db


def planned(project, **fields):
    values = {
        "project": project, "period_start": datetime.date(2024, 1, 1), "period_end": datetime.date(2024, 3, 31),
        "value": Decimal("25000.00"), "currency": "EUR", "value_date": datetime.date(2024, 1, 1),
    } | fields
    return PlannedDisbursement(**values)


def test_an_officer_plans_a_disbursement_on_the_project_page(officer_client, officer, project):
    url = f"/admin/projects/project/{project.pk}/change/"
    page = officer_client.get(url)
    prefixes = [inline.formset.prefix for inline in page.context["inline_admin_formsets"]]
    assert prefixes.index("planned_disbursements") == prefixes.index("transactions") + 1
    sdc = Donor.objects.get(acronym="SDC")
    data = admin_change_data(page)
    data.update({
        "planned_disbursements-TOTAL_FORMS": "1", "planned_disbursements-0-disbursement_type": "2",
        "planned_disbursements-0-period_start": "2024-04-01", "planned_disbursements-0-period_end": "2024-06-30",
        "planned_disbursements-0-value": "125000.50", "planned_disbursements-0-currency": "chf",
        "planned_disbursements-0-value_date": "2024-04-01", "planned_disbursements-0-provider_donor": str(sdc.pk),
        "planned_disbursements-0-receiver_name": "Ministry of Labour", "planned_disbursements-0-receiver_ref": "BD-GOV-1",
    })
    response = officer_client.post(url, data)
    assert response.status_code == 302, response.context and [
        inline.formset.errors for inline in response.context["inline_admin_formsets"]]
    saved = PlannedDisbursement.objects.get(project=project)
    assert (saved.disbursement_type, saved.value, saved.currency) == (BudgetType.REVISED, Decimal("125000.50"), "CHF")
    assert saved.organisation("provider") == (sdc.name, sdc.iati_ref)
    assert saved.organisation("receiver") == ("Ministry of Labour", "BD-GOV-1")
    assert saved.history.get().history_user == officer


def test_its_own_admin_pages_list_it_and_keep_its_history(officer_client, project):
    row = planned(project)
    row.save()
    assert officer_client.get("/admin/finance/planneddisbursement/").status_code == 200
    assert officer_client.get(f"/admin/finance/planneddisbursement/{row.pk}/change/").status_code == 200
    assert officer_client.get(f"/admin/finance/planneddisbursement/{row.pk}/history/").status_code == 200


def test_a_donor_and_a_partner_on_one_side_is_a_field_error(project):
    row = planned(project, receiver_donor=Donor.objects.first(), receiver_partner=Partner.objects.first())
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "receiver_partner" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_a_period_ending_before_it_starts_is_refused(project):
    row = planned(project, period_end=datetime.date(2023, 12, 31))
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert error.value.message_dict["period_end"] == ["The period end must not be before its start."]
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_an_unknown_currency_is_a_field_error_and_lower_case_is_normalised(project):
    with pytest.raises(ValidationError) as error:
        planned(project, currency="XYZ").full_clean()
    assert "currency" in error.value.message_dict
    row = planned(project, currency="usd")
    row.full_clean()
    row.save()
    assert PlannedDisbursement.objects.get().currency == "USD"


def test_transactions_keep_their_provider_and_receiver(project):
    """Transaction and PlannedDisbursement share one base: a transaction still names its organisations."""
    partner = Partner.objects.first()
    row = Transaction(project=project, transaction_type=TransactionType.DISBURSEMENT, date=datetime.date(2024, 1, 3),
                      value=Decimal("1.00"), currency="EUR", value_date=datetime.date(2024, 1, 3),
                      provider_name="Bank", provider_ref="XI-BANK", receiver_partner=partner)
    row.full_clean()
    assert row.organisation("provider") == ("Bank", "XI-BANK")
    assert row.organisation("receiver") == (partner.name, partner.iati_ref)


@pytest.fixture
def rows(project):
    draft = Project.objects.create(
        title="Draft", short_name="Draft", slug="zz-draft", planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2025, 12, 31), is_published=False,
    )
    made = {}
    for name, owner, internal in [("public", project, False), ("internal", project, True), ("draft", draft, False)]:
        made[name] = planned(owner, is_internal=internal)
        made[name].save()
    return made


def test_officers_see_every_planned_disbursement(rows, officer):
    assert set(planned_disbursements_visible(officer)) == set(rows.values())


@pytest.mark.parametrize("persona", ["donor_user_sdc", "donor_user_ec", "anonymous"])
def test_non_staff_never_see_internal_or_unpublished_plans(rows, persona, request):
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    assert list(planned_disbursements_visible(user)) == [rows["public"]]
