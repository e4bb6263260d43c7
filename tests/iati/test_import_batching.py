"""What the import writes per activity, in a bounded number of queries: rows, their history and deadlines."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deadlines.models import Deadline
from finance.models import Budget, Transaction
from iati.imports import iati_import
from projects.models import Project
from tests.iati.test_import import activity, document, write

pytestmark = pytest.mark.django_db

TRANSACTION = """<transaction><transaction-type code="4"/><transaction-date iso-date="2024-03-{day:02d}"/>
  <value value-date="2024-03-{day:02d}">{day}.25</value><description><narrative>Payment {day}</narrative></description></transaction>"""


def transactions(n: int) -> str:
    return "\n".join(TRANSACTION.format(day=1 + i % 28) for i in range(n))


def queries(tmp_path, identifier: str, body: str) -> int:
    path = write(tmp_path, document(activity(identifier, body=body)), name=f"{identifier}.xml")
    with CaptureQueriesContext(connection) as captured:
        report = iati_import([path])
    assert report.counts["created"] == 1, report.lines()
    return len(captured.captured_queries)


def test_a_new_activitys_queries_do_not_grow_with_its_money_rows(tmp_path):
    queries(tmp_path, "XX-1-WARM", "")  # makes the donor and the partner, so both files below find them
    few = queries(tmp_path, "XX-1-FEW", "")
    many = queries(tmp_path, "XX-1-MANY", transactions(40))
    assert Transaction.objects.filter(project__iati_identifier="XX-1-MANY").count() == 41
    assert many == few
    # 114 before a new project's links, money rows and documents stopped being read back; the
    # deadlines' own validation queries (deadlines.services) are a third of what is left.
    assert few <= 77, few


def test_what_a_new_activity_writes_keeps_its_history_and_deadlines(tmp_path, officer):
    path = write(tmp_path, document(activity("XX-1-HIST", body=transactions(3))), name="hist.xml")
    iati_import([path], user=officer)
    project = Project.objects.get(iati_identifier="XX-1-HIST")
    entry = project.history.get()
    assert (entry.history_type, entry.history_change_reason) == ("+", "Imported from IATI (hist.xml)")
    assert entry.countries.count() == 1
    for model, n in ((Transaction, 4), (Budget, 1)):
        rows = model.objects.filter(project=project)
        assert rows.count() == n
        history = model.history.filter(project=project)
        assert sorted(history.values_list("id", flat=True)) == sorted(rows.values_list("id", flat=True))
        assert {(h.history_type, h.history_change_reason, h.history_user) for h in history} == {
            ("+", "Imported from IATI", officer)}
    assert project.fundings.count() == 1 and project.project_partners.count() == 1
    assert set(Deadline.objects.filter(project=project).values_list("generation_key", flat=True)) >= {
        "project-start", "project-end"}


def test_a_reimport_with_other_money_and_organisations_follows_the_file(tmp_path):
    first = write(tmp_path, document(activity("XX-1-RE", updated="2024-01-01T00:00:00", body=transactions(5))), "a.xml")
    iati_import([first])
    project = Project.objects.get(iati_identifier="XX-1-RE")
    internal = Transaction.objects.create(project=project, transaction_type=4, date="2024-05-01", value=1,
                                          currency="EUR", value_date="2024-05-01", is_internal=True)
    second = activity("XX-1-RE", updated="2024-06-01T00:00:00", body=transactions(2)).replace(
        "<narrative>Local NGO</narrative>", "<narrative>Another NGO</narrative>")
    report = iati_import([write(tmp_path, document(second), "b.xml")])
    assert report.counts["updated"] == 1, report.lines()
    assert Transaction.objects.filter(project=project, is_internal=False).count() == 3
    assert Transaction.objects.filter(pk=internal.pk).exists()
    assert [link.partner.name for link in project.project_partners.all()] == ["Another NGO"]
    assert project.countries.count() == 1 and project.fundings.count() == 1
