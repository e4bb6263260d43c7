"""The admin's CSV import page: finance staff only; a dry run first, then a confirmation that saves all or nothing."""
import datetime
import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from finance.models import Transaction

pytestmark = pytest.mark.django_db

URL = "/admin/finance/transaction/import/"
CHANGELIST = "/admin/finance/transaction/"
HEADER = "project,type,date,value,currency,value_date,provider,receiver,description\n"


def upload(project, *lines, name="erp-export.csv"):
    text = HEADER + "".join(line.format(slug=project.slug) + "\n" for line in lines)
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


GOOD = (
    "{slug},3,2024-01-03,30000.00,usd,,SDC,ILO,First tranche",
    "{slug},3,2024-04-03,20000.00,USD,,SDC,ILO,Second tranche",
    "XM-DAC-41302-{slug},4,2024-01-09,-12.50,CHF,2024-01-08,,Printer Co,Refund",
)


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_a_file_with_one_bad_line_saves_nothing_and_the_page_names_the_line(finance_client, project):
    response = finance_client.post(URL, {"file": upload(project, GOOD[0], "{slug},4,2024-01-04,10.00,XYZ,,,,", GOOD[2])})
    assert response.status_code == 200
    page = text_of(response)
    assert "Lines read: 3 (2 good, 1 bad)" in page
    assert "3 currency: XYZ is not an ISO 4217 currency code." in page  # line 3, its reason
    assert "1 bad line; nothing saved." in page
    assert 'name="token"' not in response.content.decode()  # nothing to confirm
    assert not Transaction.objects.exists()


def test_a_good_file_is_previewed_without_saving_then_confirmed_and_saved(finance_client, finance_user, project):
    response = finance_client.post(URL, {"file": upload(project, *GOOD)})
    assert response.status_code == 200
    page = text_of(response)
    assert "Dry run of erp-export.csv: nothing has been saved" in page
    assert "Lines read: 3 (3 good, 0 bad)" in page
    assert [(t.currency, t.transactions, str(t.total)) for t in response.context["report"].totals()] == [
        ("CHF", 1, "-12.50"), ("USD", 2, "50000.00"),
    ]
    assert "USD 2 50000.00" in page and "CHF 1 -12.50" in page
    assert 'value="Save 3 transactions"' in response.content.decode()
    assert not Transaction.objects.exists()

    response = finance_client.post(URL, {"token": response.context["token"]})
    assert response.status_code == 302 and response["Location"] == CHANGELIST
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["3 transactions saved from the CSV file."]
    assert Transaction.objects.count() == 3
    assert {t.history.get().history_user for t in Transaction.objects.all()} == {finance_user}


def test_a_confirmation_saves_once_however_often_it_is_sent(finance_client, project):
    token = finance_client.post(URL, {"file": upload(project, *GOOD)}).context["token"]
    assert finance_client.post(URL, {"token": token}).status_code == 302
    again = finance_client.post(URL, {"token": token})
    assert again.status_code == 302 and again["Location"] == URL
    assert "no longer kept" in str(list(get_messages(again.wsgi_request))[-1])
    assert Transaction.objects.count() == 3


def test_an_edited_or_borrowed_token_saves_nothing(finance_client, project):
    token = finance_client.post(URL, {"file": upload(project, *GOOD)}).context["token"]
    edited = finance_client.post(URL, {"token": token[:-2] + ("AA" if not token.endswith("AA") else "BB")})
    assert edited["Location"] == URL
    other = Client()
    colleague = get_user_model().objects.create_user("finance2", "finance2@example.org", "pw", is_staff=True)
    colleague.groups.add(Group.objects.get(name="Finance"))
    other.force_login(colleague)
    borrowed = other.post(URL, {"token": token})
    assert borrowed["Location"] == URL
    assert "another user" in str(list(get_messages(borrowed.wsgi_request))[-1])
    assert not Transaction.objects.exists()


def test_the_page_respects_the_upload_cap(finance_client, project, settings):
    settings.FILE_UPLOAD_MAX_SIZE = 1024
    big = upload(project, *(GOOD * 20))
    assert big.size > 1024
    assert finance_client.post(URL, {"file": big}).status_code == 400
    assert not Transaction.objects.exists()
    assert "at most 1.0 KB" in text_of(finance_client.get(URL))  # the page states the cap in force


def test_an_officer_without_the_permission_gets_403(officer_client, project):
    assert officer_client.get(URL).status_code == 403
    assert officer_client.post(URL, {"file": upload(project, *GOOD)}).status_code == 403
    assert not Transaction.objects.exists()
    assert "Import transactions (CSV)" not in officer_client.get(CHANGELIST).content.decode()


@pytest.mark.parametrize("persona", ["anonymous_client", "sdc_client"])
def test_anyone_not_staff_is_sent_to_the_admin_login(persona, request, project):
    client = request.getfixturevalue(persona)
    for response in (client.get(URL), client.post(URL, {"file": upload(project, *GOOD)})):
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not Transaction.objects.exists()


def test_finance_staff_find_the_import_on_the_transaction_list(finance_client):
    page = finance_client.get(CHANGELIST)
    assert page.status_code == 200
    assert f'href="{URL}"' in page.content.decode()


def test_the_project_page_links_to_the_import_for_those_who_may_use_it(admin_client, officer_client, project):
    url = f"/admin/projects/project/{project.pk}/change/"
    assert f'href="{URL}"' in admin_client.get(url).content.decode()
    assert f'href="{URL}"' not in officer_client.get(url).content.decode()


def test_officers_group_never_gets_the_import_permission(officer):
    assert not officer.has_perm("finance.import_transactions")
    assert officer.has_perm("finance.add_transaction")


def test_the_dry_run_reads_a_constant_number_of_queries(finance_client, project):
    def queries(lines):
        with CaptureQueriesContext(connection) as captured:
            assert finance_client.post(URL, {"file": upload(project, *lines)}).status_code == 200
        return len(captured)

    day = datetime.date(2024, 1, 1)
    many = [f"{{slug}},3,{day + datetime.timedelta(days=i)},{i}.00,EUR,,SDC,ILO," for i in range(200)]
    assert queries(GOOD[:1]) == queries(many)


def test_a_file_that_went_bad_since_its_dry_run_saves_nothing_on_confirmation(finance_client, project):
    """Between the two steps a project's slug changed: the confirmation checks every line again."""
    token = finance_client.post(URL, {"file": upload(project, *GOOD)}).context["token"]
    type(project).objects.filter(pk=project.pk).update(slug="renamed-meanwhile")
    response = finance_client.post(URL, {"token": token})
    assert response.status_code == 200
    page = text_of(response)
    assert "Nothing was saved" in page and "3 bad lines; nothing saved." in page
    assert f"2 no project with the slug or IATI identifier '{project.slug}'" in page
    assert not Transaction.objects.exists()
