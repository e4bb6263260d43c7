"""The public project page lists the project's public documents; officers also see restricted ones, marked."""
import datetime

import pytest
from django.utils import translation

from documents.services import add_document
from projects.models import Project
from tests.documents.files import PDF, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(annex):
    project = Project.objects.get(slug="capsa")
    add_document(project, title="Final evaluation", upload=upload("evaluation.pdf", PDF), category="A07",
                 language="fr", document_date=datetime.date(2016, 3, 1), is_public=True)
    add_document(project, title="Project page", url="https://www.ilo.org/capsa", category="A12", is_public=True)
    add_document(project, title="Officer's working note", upload=upload("note.pdf", PDF))
    return project


def _section(response) -> str:
    html = response.content.decode()
    start = html.index("data-project-documents")
    return html[start:html.index("</section>", start)]


@pytest.mark.parametrize("persona", ["anonymous_client", "sdc_client", "ec_client"])
def test_the_public_sees_public_documents_with_their_facts(request, project, persona):
    response = request.getfixturevalue(persona).get(f"/projects/{project.slug}/")
    section = _section(response)
    evaluation = project.documents.get(title="Final evaluation")
    assert f'href="/documents/{evaluation.pk}/"' in section
    for fact in ("Final evaluation", "Review of project performance and evaluation", "March 1, 2016", "FR", "PDF",
                 f"{len(PDF)}\xa0bytes", "Project page", 'href="https://www.ilo.org/capsa"', "Web link"):
        assert fact in section, fact
    assert "working note" not in response.content.decode() and "Restricted" not in section


def test_officers_also_see_restricted_documents_marked(project, officer_client):
    section = _section(officer_client.get(f"/projects/{project.slug}/"))
    note = project.documents.get(title="Officer's working note")
    assert f'data-document="{note.pk}"' in section and "Restricted" in section
    assert section.count("data-restricted") == 1


def test_a_project_without_documents_says_so_calmly(anonymous_client, annex):
    section = _section(anonymous_client.get("/projects/migsec/"))
    assert "No documents published yet." in section


def test_the_documents_section_is_translated(project, anonymous_client):
    for language, heading, category in (("fr", "Documents", "Examen"), ("es", "Documentos", "Examen")):
        with translation.override(language):
            response = anonymous_client.get(f"/projects/{project.slug}/", headers={"Accept-Language": language})
        section = _section(response)
        assert heading in section and category in section, language
