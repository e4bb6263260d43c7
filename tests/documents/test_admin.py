"""Documents in the admin: on the project page and a page of their own; uploads checked, refused ones stored nowhere."""
import pytest
from django.urls import reverse

from documents.models import Document
from documents.services import add_document
from projects.models import Project
from tests.admin_forms import admin_change_data
from tests.documents.files import ELF, PDF, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(annex):
    return Project.objects.get(slug="capsa")


def _inline_data(officer_client, project, **document):
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = admin_change_data(officer_client.get(url))
    total = int(data["documents-TOTAL_FORMS"])
    data["documents-TOTAL_FORMS"] = str(total + 1)
    data.update({f"documents-{total}-{key}": value for key, value in document.items()})
    return url, data


def test_an_officer_uploads_a_document_on_the_project_page(documents_storage_kind, project, officer_client, officer):
    url, data = _inline_data(officer_client, project, title="Mid-term review", category="A07", language="en",
                             document_date="2016-05-01", is_public="on", file=upload("Mid-term review.pdf", PDF))
    response = officer_client.post(url, data)
    assert response.status_code == 302, response.context and [f.errors for f in response.context["inline_admin_formsets"]]
    document = project.documents.get()
    assert (document.title, document.category, document.is_public) == ("Mid-term review", "A07", True)
    assert (document.content_type, document.size, document.uploaded_by) == ("application/pdf", len(PDF), officer)
    assert document.original_name == "Mid-term_review.pdf"
    assert documents_storage_kind.read(document.file.name) == PDF


def test_a_refused_upload_is_an_error_on_the_file_field_and_nothing_is_stored(documents_storage_kind, project,
                                                                                 officer_client):
    url, data = _inline_data(officer_client, project, title="Installer", category="A08",
                             file=upload("report.pdf", ELF))
    response = officer_client.post(url, data)
    assert response.status_code == 200
    inline = next(i for i in response.context["inline_admin_formsets"] if i.formset.prefix == "documents")
    errors = inline.formset.forms[-1].errors
    assert list(errors) == ["file"]
    assert "application/x-executable, which is not allowed" in errors["file"][0]
    assert "application/x-executable" in response.content.decode()
    assert documents_storage_kind.stored_names() == []
    assert not Document.objects.exists()


def test_the_document_page_adds_a_link_and_lists_filters_and_searches(project, officer_client, officer):
    response = officer_client.post(reverse("admin:documents_document_add"), {
        "project": project.pk, "title": "Project web page", "category": "A12", "language": "en",
        "url": "https://www.ilo.org/capsa", "is_public": "on",
    })
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    link = Document.objects.get()
    assert link.is_link and link.uploaded_by == officer
    changelist = reverse("admin:documents_document_changelist")
    for query in ("", "?q=capsa", "?kind=link", "?is_public__exact=1", "?category__exact=A12"):
        page = officer_client.get(changelist + query)
        assert page.status_code == 200 and page.context["cl"].result_count == 1, query
    assert officer_client.get(changelist + "?kind=file").context["cl"].result_count == 0


def test_the_document_page_refuses_an_oversized_file(documents_storage_kind, project, officer_client, settings):
    settings.DOCUMENT_MAX_SIZE = 1024
    response = officer_client.post(reverse("admin:documents_document_add"), {
        "project": project.pk, "title": "Too big", "category": "A08", "file": upload("big.pdf", PDF + b"x" * 2000),
    })
    assert response.status_code == 200
    assert "the limit is 1,024 bytes" in response.context["adminform"].form.errors["file"][0]
    assert documents_storage_kind.stored_names() == []


def test_replacing_a_file_deletes_the_old_one_once_saved(documents_storage_kind, project, officer_client,
                                                        django_capture_on_commit_callbacks):
    document = add_document(project, title="Brief", upload=upload("brief.pdf", PDF))
    old = document.file.name
    url = reverse("admin:documents_document_change", args=[document.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(url, {
            "project": project.pk, "title": "Brief", "category": "A08", "file": upload("brief-2.pdf", PDF + b"v2"),
        })
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    document.refresh_from_db()
    assert document.file.name != old and document.size == len(PDF) + 2
    stored = documents_storage_kind.stored_names()
    assert len(stored) == 1 and stored[0].endswith(document.file.name)


def test_donor_users_never_reach_the_documents_admin(sdc_client):
    response = sdc_client.get(reverse("admin:documents_document_changelist"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_file_widget_links_to_the_checked_download_not_the_storage(documents_storage_kind, project, officer_client):
    document = add_document(project, title="Brief", upload=upload("brief.pdf", PDF))
    page = officer_client.get(reverse("admin:documents_document_change", args=[document.pk])).content.decode()
    assert f'href="/documents/{document.pk}/">brief.pdf</a>' in page
    assert document.file.name not in page  # neither the stored name nor a storage (or signed S3) URL
