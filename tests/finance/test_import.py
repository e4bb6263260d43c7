"""The transactions CSV import: all lines good or nothing saved; every bad line named."""
import io
from decimal import Decimal

import pytest

from finance.models import Transaction, TransactionType
from finance.services import transactions_import

pytestmark = pytest.mark.django_db

HEADER = "project,type,date,value,currency,value_date,provider,receiver,description\n"


def csv_file(project, *lines):
    text = HEADER + "".join(line.format(slug=project.slug) + "\n" for line in lines)
    return io.BytesIO(text.encode())


def test_a_good_file_creates_every_transaction_with_its_history(project, officer):
    file = csv_file(
        project,
        "{slug},3,2024-01-03,30000.00,usd,,SDC,ILO,First tranche",
        "XM-DAC-41302-{slug},4,2024-01-09,-12.50,CHF,2024-01-08,,Printer Co,Refund",
    )
    report = transactions_import(file=file, dry_run=False, user=officer)
    assert report.ok and report.saved, report.errors
    assert report.summary == "2 transactions created."
    first, second = Transaction.objects.order_by("date")
    assert (first.transaction_type, first.currency, first.value_date) == (TransactionType.DISBURSEMENT, "USD", first.date)
    assert first.provider_donor.acronym == "SDC"
    assert second.project == project and second.value == Decimal("-12.50")
    assert (second.receiver_name, second.receiver_donor, second.receiver_partner) == ("Printer Co", None, None)
    assert first.history.get().history_user == officer


def test_a_dry_run_saves_nothing_and_reports_what_would_be_created(project):
    report = transactions_import(file=csv_file(project, "{slug},3,2024-01-03,1.00,EUR,,,,"), dry_run=True)
    assert report.ok and not report.saved
    assert report.summary == "1 transaction would be created."
    assert [str(t) for t in report.transactions] == ["Disbursement 2024-01-03: 1.00 EUR"]
    assert not Transaction.objects.exists()


def test_one_bad_line_saves_nothing_and_names_the_line(project):
    file = csv_file(
        project,
        "{slug},3,2024-01-03,30000.00,USD,,,,",
        "{slug},4,2024-01-04,10.00,XYZ,,,,",
        "{slug},3,2024-01-05,5.00,EUR,,,,",
    )
    report = transactions_import(file=file, dry_run=False)
    assert [str(error) for error in report.errors] == ["line 3: currency: XYZ is not an ISO 4217 currency code."]
    assert report.summary == "1 bad line; nothing saved."
    assert not Transaction.objects.exists()


def test_every_bad_line_is_named_with_its_reason(project):
    file = csv_file(
        project,
        "no-such-project,3,2024-01-03,1,USD,,,,",
        "{slug},14,2024-01-03,1,USD,,,,",
        "{slug},3,03/01/2024,1,USD,,,,",
        "{slug},3,2024-01-03,\"1,000.00\",USD,,,,",
        "{slug},3,2024-01-03,1.005,USD,,,,",
        "{slug},3,2024-01-03,,USD,,,,",
        "{slug},3,2024-01-03,1,USD,,,,,extra",
    )
    errors = transactions_import(file=file, dry_run=True).errors
    assert [error.line for error in errors] == [2, 3, 4, 5, 6, 7, 8]
    assert "no-such-project" in errors[0].reason
    assert "TransactionType" in errors[1].reason
    assert "03/01/2024" in errors[2].reason
    assert "thousands separator" in errors[3].reason
    assert "two decimal places" in errors[4].reason
    assert errors[5].reason == "empty value"
    assert errors[6].reason == "10 cells for 9 columns"


def test_a_header_without_a_required_column_is_refused(project):
    report = transactions_import(file=io.BytesIO(b"project,type,date,amount\n"), dry_run=True)
    assert [str(error) for error in report.errors] == [
        "line 1: missing columns value, currency; unknown column amount"
    ]


def test_a_file_over_the_cap_is_refused_before_it_is_read(project):
    report = transactions_import(file=csv_file(project, "{slug},3,2024-01-03,1,USD,,,,"), dry_run=False, max_bytes=50)
    assert "larger than 50 bytes" in report.errors[0].reason
    assert not Transaction.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(project):
    report = transactions_import(file=io.BytesIO(HEADER.encode() + "é".encode("latin-1")), dry_run=True)
    assert "not UTF-8" in report.errors[0].reason
