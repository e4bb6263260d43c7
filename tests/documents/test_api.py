"""`/api/v1/projects/{id}/documents/`: public documents for everyone, restricted ones for officers, 404 like the project."""
import datetime

import pytest

from documents.services import add_document
from projects.models import Project
from tests.documents.files import PDF, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(annex):
    return Project.objects.get(slug="capsa")


@pytest.fixture
def documents(project, officer):
    return {
        "report": add_document(project, title="Final evaluation", upload=upload("evaluation.pdf", PDF), user=officer,
                               category="A07", language="fr", document_date=datetime.date(2016, 3, 1), is_public=True),
        "page": add_document(project, title="Project page", url="https://www.ilo.org/capsa", category="A12",
                             is_public=True),
        "note": add_document(project, title="Officer's note", upload=upload("note.pdf", PDF)),
    }


def _url(project):
    return f"/api/v1/projects/{project.pk}/documents/"


@pytest.mark.parametrize("caller", ["anonymous_client", "sdc_client", "ec_token_client"])
def test_everyone_gets_the_public_documents(request, project, documents, caller):
    response = request.getfixturevalue(caller).get(_url(project))
    assert response.status_code == 200
    body = response.json()
    assert body["project"] == project.pk
    report, page = body["documents"]
    assert report == {
        "id": documents["report"].pk, "title": "Final evaluation",
        "category": {"code": "A07", "name": "Review of project performance and evaluation"},
        "language": "fr", "date": "2016-03-01", "public": True, "kind": "file", "content_type": "application/pdf",
        "size": len(PDF), "url": f"http://testserver/api/v1/documents/{documents['report'].pk}/file/",
    }
    assert (page["kind"], page["url"], page["content_type"], page["size"], page["date"]) == (
        "link", "https://www.ilo.org/capsa", "", None, None)
    assert "Officer" not in response.content.decode()


def test_officers_also_get_restricted_documents(officer_token_client, project, documents):
    body = officer_token_client.get(_url(project)).json()
    assert [(d["title"], d["public"]) for d in body["documents"]] == [
        ("Final evaluation", True), ("Officer's note", False), ("Project page", True)]


def test_an_officers_token_downloads_a_restricted_file_that_anonymous_callers_cannot(
        officer_token_client, sdc_token_client, anonymous_client, documents):
    note = next(d for d in officer_token_client.get(_url(documents["note"].project)).json()["documents"]
                if d["title"] == "Officer's note")
    response = officer_token_client.get(note["url"])
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    for caller in (sdc_token_client, anonymous_client):
        refused = caller.get(note["url"])
        assert refused.status_code == 404 and refused.json() == {"detail": "No such document."}


def test_an_unpublished_project_is_a_404_exactly_like_the_project(project, documents, anonymous_client):
    Project.objects.filter(pk=project.pk).update(is_published=False)
    response = anonymous_client.get(_url(project))
    detail = anonymous_client.get(f"/api/v1/projects/{project.pk}/")
    assert response.status_code == detail.status_code == 404
    assert response.json() == detail.json() == {"detail": "No Project matches the given query."}
    assert anonymous_client.get("/api/v1/projects/abc/documents/").json() == \
        anonymous_client.get("/api/v1/projects/abc/").json()


def test_a_project_without_documents_lists_none(anonymous_client, annex):
    project = Project.objects.get(slug="migsec")
    assert anonymous_client.get(_url(project)).json() == {"project": project.pk, "documents": []}


def test_query_count_is_fixed(anonymous_client, project, documents, django_assert_num_queries):
    with django_assert_num_queries(2):  # the project, its documents
        assert anonymous_client.get(_url(project)).status_code == 200


def test_unknown_parameters_are_refused(anonymous_client, project):
    assert anonymous_client.get(_url(project), {"page": 2}).status_code == 400


def test_the_project_list_gains_no_documents_field(anonymous_client, project, documents):
    assert "documents" not in anonymous_client.get("/api/v1/projects/").json()["results"][0]


def test_the_openapi_schema_describes_the_documents(anonymous_client):
    schema = anonymous_client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}).json()
    operation = schema["paths"]["/api/v1/projects/{id}/documents/"]["get"]
    assert set(operation["responses"]) == {"200", "400", "401", "404", "406", "429"}
    document = schema["components"]["schemas"]["Document"]["properties"]
    assert list(document) == ["id", "title", "category", "language", "date", "public", "kind", "content_type", "size", "url"]
