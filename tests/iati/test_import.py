"""The IATI import (iati.imports): real publishers' files, hand-made bad ones, idempotence, the command and the page."""
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from deadlines.models import Deadline
from donors.models import Donor, Partner
from finance.models import Budget, BudgetType, PlannedDisbursement, Transaction
from iati.imports import iati_import
from iati.models import ImportedActivity, RelatedActivity
from iati.selectors import related_projects
from projects.models import Funding, Project, ProjectPartner

SHARED = Path(__file__).resolve().parents[3] / "shared" / "iati"
if not SHARED.is_dir():
    SHARED = Path("/work/shared/iati")
DFID = SHARED / "real" / "gb-1-dfid-albania-2.01.xml"
MAEC = SHARED / "real" / "es-maec-indonesia-2.01.xml"
IOM = SHARED / "iom-activity-XM-DAC-47066-DP.2154.xml"


def count(path: Path, tag: str) -> int:
    return len(re.findall(rf"<{tag}[\s>/]", path.read_text(encoding="utf-8")))


def activity(identifier="XX-1-A", *, title="An activity", updated="2024-01-01T00:00:00", body=""):
    stamp = f' last-updated-datetime="{updated}"' if updated else ""
    return f"""<iati-activity xml:lang="en" default-currency="EUR"{stamp}>
  <iati-identifier>{identifier}</iati-identifier>
  <reporting-org ref="XX-1" type="10"><narrative>Example</narrative></reporting-org>
  <title><narrative>{title}</narrative><narrative xml:lang="fr">Une activité</narrative></title>
  <description><narrative>What it does.</narrative></description>
  <participating-org role="1" ref="XX-1" type="10"><narrative>Example donor</narrative></participating-org>
  <participating-org role="4" type="22"><narrative>Local NGO</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date type="1" iso-date="2024-01-01"/>
  <activity-date type="3" iso-date="2025-12-31"/>
  <recipient-country code="KE" percentage="100"/>
  <budget type="1" status="1"><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>
    <value value-date="2024-01-01">1000</value></budget>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2024-02-01"/>
    <value value-date="2024-02-01">250.50</value></transaction>
  {body}
</iati-activity>"""


def document(*activities, version="2.03", prologue=""):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{prologue}<iati-activities version="{version}">\n'
            + "\n".join(activities) + "\n</iati-activities>\n").encode()


def write(tmp_path, data: bytes, name="file.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def table_counts():
    return (Project.objects.count(), Donor.objects.count(), Partner.objects.count(), Budget.objects.count(),
            Transaction.objects.count())


# --- Real publishers' files ---

@pytest.mark.django_db
def test_dfid_file_parents_children_and_negative_revised_budget():
    report = iati_import([DFID])
    assert report.counts == {"created": 8, "updated": 0, "unchanged": 0, "skipped": 0, "failed": 0}
    assert Budget.objects.count() == count(DFID, "budget") == 14
    assert Transaction.objects.count() == count(DFID, "transaction") == 41
    negative = Budget.objects.get(value__lt=0)
    assert negative.budget_type == BudgetType.REVISED and negative.currency == "GBP"
    parent = Project.objects.get(iati_identifier="GB-1-109616")
    assert [p.iati_identifier for p in related_projects(parent)["children"]] == ["GB-1-109616-101"]
    child = Project.objects.get(iati_identifier="GB-1-109616-101")
    assert [p.iati_identifier for p in related_projects(child)["parents"]] == ["GB-1-109616"]
    # Organisations by IATI identifier, never twice: the UK funds all 8, one donor row.
    assert Donor.objects.filter(iati_ref="GB").count() == 1
    assert Funding.objects.filter(donor__iati_ref="GB").count() == 8
    participating = count(DFID, "participating-org")
    assert Funding.objects.count() + ProjectPartner.objects.count() == participating


@pytest.mark.django_db
def test_maec_file_spanish_narratives_and_empty_codes_reported():
    report = iati_import([MAEC])
    assert report.counts["created"] == count(MAEC, "iati-activity") == 83
    assert Budget.objects.count() == count(MAEC, "budget") == 110
    assert Transaction.objects.count() == 216
    assert PlannedDisbursement.objects.count() == count(MAEC, "planned-disbursement")
    project = Project.objects.get(iati_identifier="ES-DIR3-E04585801-009-001301")
    assert project.title == "Personas cooperantes voluntarias en organismos internacionales"
    assert project.iati_activity.titles == {"es": "Personas cooperantes voluntarias en organismos internacionales"}
    notes = [w for a in report.activities for w in a.warnings]
    assert any("empty significance" in w for w in notes)
    # "Spain" has no ref: matched by name within the file, one donor for all 83.
    assert Donor.objects.filter(name="Spain").count() == 1
    assert Funding.objects.filter(donor__name="Spain").count() == 83


@pytest.mark.django_db
def test_bare_203_activity_is_read():
    report = iati_import([IOM])
    assert report.counts["created"] == 1
    project = Project.objects.get(iati_identifier="XM-DAC-47066-DP.2154")
    assert project.countries.get().code == "SO"
    assert Donor.objects.get(iati_ref="XM-DAC-701-2").projects.get() == project


@pytest.mark.django_db
def test_importing_the_real_files_again_changes_nothing():
    iati_import([DFID, MAEC, IOM])
    before = table_counts(), list(Project.objects.values_list("updated_at", flat=True))
    report = iati_import([DFID, MAEC, IOM])
    assert report.counts["unchanged"] == 92 and report.counts["created"] == report.counts["updated"] == 0
    assert (table_counts(), list(Project.objects.values_list("updated_at", flat=True))) == before


# --- Bad files: refused whole, nothing written ---

BILLION_LAUGHS = """<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
"""
EXTERNAL = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'


@pytest.mark.django_db
@pytest.mark.parametrize("prologue,entity", [(BILLION_LAUGHS, "&lol4;"), (EXTERNAL, "&xxe;")])
def test_entities_are_refused_and_nothing_is_written(tmp_path, prologue, entity):
    path = write(tmp_path, document(activity(title=entity), prologue=prologue))
    report = iati_import([path])
    assert not report.activities and table_counts() == (0, 0, 0, 0, 0)
    assert "DTD" in report.refused[0][2] and "entities are refused" in report.refused[0][2]


@pytest.mark.django_db
def test_a_1x_file_is_refused_with_a_message_that_says_so(tmp_path):
    report = iati_import([write(tmp_path, document(activity(), version="1.05"))])
    assert report.refused and "IATI 1.05 file: versions 1.x are not read" in report.refused[0][2]
    assert Project.objects.count() == 0


@pytest.mark.django_db
def test_malformed_xml_is_refused_with_its_line_before_anything_is_written(tmp_path):
    data = document(activity("XX-1-A"), activity("XX-1-B")).replace(b"</title>", b"</titel>", 2)
    report = iati_import([write(tmp_path, data)])
    (_name, line, reason), = report.refused
    assert line == 6 and "not well-formed XML (line 6)" in reason  # the first activity's title
    assert Project.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("data", [b"%PDF-1.4 not xml", b"", b"<html><body>hello</body></html>"])
def test_a_file_that_is_not_iati_xml_is_refused(tmp_path, data):
    report = iati_import([write(tmp_path, data)])
    assert report.refused and not report.activities and Project.objects.count() == 0


@pytest.mark.django_db
def test_a_bad_activity_among_good_ones_fails_alone_and_leaves_no_trace(tmp_path):
    bad_money = activity("XX-1-BAD", body='<budget><period-start iso-date="2024-01-01"/>'
                                           '<period-end iso-date="2024-06-30"/><value currency="ZZZ">5</value></budget>')
    no_date = activity("XX-1-NODATE").replace('<activity-date type="1" iso-date="2024-01-01"/>', "")
    data = document(activity("XX-1-A"), bad_money, no_date, activity("XX-1-B"))
    bad_line = data.decode().splitlines().index(next(x for x in data.decode().splitlines() if "ZZZ" in x)) + 1
    report = iati_import([write(tmp_path, data)])
    assert report.counts["created"] == 2 and report.counts["failed"] == 2
    failed = {a.identifier: a for a in report.activities if a.outcome == "failed"}
    assert "'ZZZ' is not an ISO 4217 code" in failed["XX-1-BAD"].reason and failed["XX-1-BAD"].line == bad_line
    assert "no start date" in failed["XX-1-NODATE"].reason
    # Its donor and partner were made in its savepoint: gone with it; the good ones share one donor.
    assert set(Project.objects.values_list("iati_identifier", flat=True)) == {"XX-1-A", "XX-1-B"}
    assert Donor.objects.count() == 1 and Budget.objects.count() == 2
    assert any(line.startswith(f"FAILED XX-1-BAD (file.xml line {bad_line})") for line in report.lines())


# --- Idempotent updates ---

@pytest.mark.django_db
def test_a_newer_file_updates_what_iati_carries_and_leaves_the_rest(tmp_path, officer):
    iati_import([write(tmp_path, document(activity()))])
    project = Project.objects.get(iati_identifier="XX-1-A")
    project.responsible_officer = officer
    project.is_published = True
    project.save()
    own = Deadline.objects.create(project=project, title="Officer's own deadline", due_on=datetime.date(2024, 6, 1))
    internal = Budget.objects.create(project=project, period_start=datetime.date(2024, 1, 1),
                                     period_end=datetime.date(2024, 12, 31), value=Decimal(9), currency="EUR",
                                     value_date=datetime.date(2024, 1, 1), is_internal=True)
    older = document(activity(title="Old title", updated="2023-01-01T00:00:00"))
    report = iati_import([write(tmp_path, older, "older.xml")])
    assert report.counts["skipped"] == 1 and "not newer" in report.activities[0].reason
    newer = document(activity(title="New title", updated="2024-06-01T00:00:00").replace(">1000<", ">2000<"))
    report = iati_import([write(tmp_path, newer, "newer.xml")])
    assert report.counts["updated"] == 1
    project.refresh_from_db()
    assert project.title == "New title" and project.iati_activity.titles["fr"] == "Une activité"
    assert project.responsible_officer == officer and project.is_published
    assert Deadline.objects.filter(pk=own.pk).exists() and Budget.objects.filter(pk=internal.pk).exists()
    assert sorted(Budget.objects.filter(project=project).values_list("value", flat=True)) == [Decimal(9), Decimal(2000)]
    assert Transaction.objects.filter(project=project).count() == 1
    assert iati_import([write(tmp_path, newer, "newer.xml")]).counts["unchanged"] == 1


@pytest.mark.django_db
def test_a_dry_run_reports_and_writes_nothing(tmp_path):
    report = iati_import([write(tmp_path, document(activity("XX-1-A"), activity("XX-1-B")))], dry_run=True)
    assert report.counts["created"] == 2 and report.dry_run
    assert table_counts() == (0, 0, 0, 0, 0) and ImportedActivity.objects.count() == 0


# --- The command ---

@pytest.mark.django_db
def test_command_reports_per_activity_and_dry_run(tmp_path):
    path = write(tmp_path, document(activity("XX-1-A"), activity("XX-1-A")))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_iati", str(path), "--dry-run", stdout=out, stderr=err)
    assert out.getvalue().startswith("Dry run (nothing saved): 2 activities read: 1 created, 0 updated")
    assert "FAILED XX-1-A (file.xml line" in out.getvalue() and "appears earlier in the file" in out.getvalue()
    assert "activity" in err.getvalue()  # the progress bar
    assert Project.objects.count() == 0
    call_command("import_iati", str(path), "--no-progress", stdout=out)
    assert Project.objects.count() == 1


@pytest.mark.django_db
def test_command_refuses_a_file_of_entities(tmp_path):
    path = write(tmp_path, document(activity(title="&xxe;"), prologue=EXTERNAL))
    out = io.StringIO()
    with pytest.raises(CommandError, match="every file was refused"):
        call_command("import_iati", str(path), "--no-progress", stdout=out)
    assert "REFUSED file.xml" in out.getvalue()


# --- The admin page ---

URL = "/admin/iati/importedactivity/import/"


@pytest.mark.django_db
def test_officer_uploads_sees_the_dry_run_and_confirms(officer_client, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    upload = io.BytesIO(document(activity("XX-1-A"), activity("XX-1-B", body="<bad/>").replace("<title>", "<x/><title>")))
    upload.name = "mine.xml"
    response = officer_client.post(URL, {"file": upload})
    assert response.status_code == 200 and Project.objects.count() == 0
    page = response.content.decode()
    assert "Dry run of mine.xml" in page and "import-confirm" in page
    token = response.context["token"]
    assert len(list((tmp_path / "iati-imports").glob("*.xml"))) == 1
    response = officer_client.post(URL, {"token": token})
    assert response.status_code == 200 and "Imported from mine.xml" in response.content.decode()
    assert Project.objects.count() == 2 and not list((tmp_path / "iati-imports").glob("*"))
    again = officer_client.post(URL, {"token": token}, follow=True)  # a double click imports once
    assert "no longer kept" in again.content.decode()


@pytest.mark.django_db
def test_a_refused_upload_offers_no_confirmation(officer_client, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    upload = io.BytesIO(document(activity(), version="1.03"))
    upload.name = "old.xml"
    response = officer_client.post(URL, {"file": upload})
    assert "versions 1.x are not read" in response.content.decode() and "token" not in response.context


@pytest.mark.django_db
def test_the_page_is_refused_to_everyone_else(client, sdc_client, finance_user, django_user_model):
    assert client.get(URL).status_code == 302  # anonymous: the log-in
    assert sdc_client.get(URL).status_code == 302  # donor users are not staff
    client.force_login(finance_user)
    assert client.get(URL).status_code == 403
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw-root-1"))
    assert client.get(URL).status_code == 200


@pytest.mark.django_db
def test_related_activities_are_stored_by_identifier(tmp_path):
    body = '<related-activity ref="XX-1-PARENT" type="1"/>'
    iati_import([write(tmp_path, document(activity("XX-1-CHILD", body=body)))])
    assert list(RelatedActivity.objects.values_list("ref", "relation")) == [("XX-1-PARENT", 1)]


@pytest.mark.django_db
def test_pages_show_the_title_in_the_viewers_language(tmp_path, client):
    iati_import([write(tmp_path, document(activity("XX-1-A", title="An activity")))])
    project = Project.objects.get(iati_identifier="XX-1-A")
    Project.objects.filter(pk=project.pk).update(is_published=True)
    page = client.get(f"/projects/{project.slug}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<h1>Une activité</h1>" in page
    assert "<h1>An activity</h1>" in client.get(f"/projects/{project.slug}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    api = client.get(f"/api/v1/projects/{project.pk}/", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert api["title"] == "Une activité" and api["summary"] == "What it does."
    assert client.get(f"/api/v1/projects/{project.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()["title"] == "An activity"
