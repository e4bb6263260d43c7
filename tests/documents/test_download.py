"""/documents/<id>/: the access rule first, then the bytes (streamed, or sent by nginx), or a redirect for a link."""
import pytest

from documents.selectors import documents_readable_by
from documents.services import add_document
from projects.models import Project
from tests.documents.files import PDF, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(annex):
    return Project.objects.get(slug="capsa")


def test_with_x_accel_redirect_nginx_sends_the_file_after_the_check(documents_storage_kind, project, settings,
                                                                   anonymous_client):
    settings.DOCUMENT_X_ACCEL_REDIRECT = "/_protected/documents/"
    public = add_document(project, title="Brief", upload=upload("Évaluation finale.pdf", PDF), is_public=True)
    restricted = add_document(project, title="Note", upload=upload("note.pdf", PDF))
    response = anonymous_client.get(f"/documents/{public.pk}/")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_protected/documents/{public.file.name}"
    assert response.content == b""  # nginx sends the bytes from its internal location
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"_valuation_finale.pdf\"; filename*=UTF-8''%C3%89valuation_finale.pdf"
    )
    not_yours = anonymous_client.get(f"/documents/{restricted.pk}/")
    assert not_yours.status_code == 404 and "X-Accel-Redirect" not in not_yours


def test_a_link_redirects_only_after_the_check(project, anonymous_client, officer):
    public = add_document(project, title="Web page", url="https://www.ilo.org/capsa", category="A12", is_public=True)
    restricted = add_document(project, title="Shared drive", url="https://drive.example.org/secret")
    response = anonymous_client.get(f"/documents/{public.pk}/")
    assert response.status_code == 302 and response["Location"] == "https://www.ilo.org/capsa"
    hidden = anonymous_client.get(f"/documents/{restricted.pk}/")
    assert hidden.status_code == 404 and "drive.example.org" not in hidden.content.decode()
    anonymous_client.force_login(officer)
    assert anonymous_client.get(f"/documents/{restricted.pk}/")["Location"] == "https://drive.example.org/secret"


def test_a_public_document_of_an_unpublished_project_is_staff_only(project, donor_user_sdc, officer):
    document = add_document(project, title="Brief", url="https://example.org/brief", is_public=True)
    Project.objects.filter(pk=project.pk).update(is_published=False)
    assert not documents_readable_by(None).filter(pk=document.pk).exists()
    assert not documents_readable_by(donor_user_sdc).filter(pk=document.pk).exists()
    assert documents_readable_by(officer).filter(pk=document.pk).exists()


def test_a_missing_stored_file_is_a_404_not_a_500(documents_storage_kind, project, officer_client):
    document = add_document(project, title="Brief", upload=upload("brief.pdf", PDF), is_public=True)
    document.file.storage.delete(document.file.name)  # e.g. a database restored without its files
    assert officer_client.get(f"/documents/{document.pk}/").status_code == 404


def test_only_get_is_allowed(project, officer_client):
    document = add_document(project, title="Web", url="https://example.org/", is_public=True)
    assert officer_client.post(f"/documents/{document.pk}/").status_code == 405
