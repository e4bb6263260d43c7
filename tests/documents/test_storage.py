"""The same document tests on the filesystem and on an S3-compatible endpoint (moto's server over HTTP).

Upload, refused upload (nothing stored), download by each persona, delete: each runs once
per backend through the `documents_storage_kind` fixture (tests/documents/conftest.py).
"""
import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from documents.models import Document, DocumentCategory
from documents.services import add_document, document_delete
from projects.history import project_delete
from projects.models import Project
from tests.documents.files import ELF, PDF, PNG, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(annex):
    return Project.objects.get(slug="bangladesh-migration-policy")  # published, SDC-funded


@pytest.fixture
def draft(annex):
    return Project.objects.create(title="Draft pilot", short_name="Draft", slug="zz-doc-draft", scope="national",
                                  planned_start=datetime.date(2020, 1, 1), planned_end=datetime.date(2021, 12, 31),
                                  is_published=False)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_an_upload_is_stored_under_a_random_name_with_its_checked_type(documents_storage_kind, project, officer):
    document = add_document(project, title="Final evaluation", user=officer, upload=upload("Évaluation finale.pdf", PDF),
                            category=DocumentCategory.REVIEW_AND_EVALUATION, is_public=True, language="fr")
    assert re.fullmatch(rf"projects/{project.pk}/[0-9a-f]{{32}}\.pdf", document.file.name)
    assert (document.content_type, document.size, document.uploaded_by) == ("application/pdf", len(PDF), officer)
    assert document.original_name == "Évaluation_finale.pdf"
    stored = documents_storage_kind.stored_names()
    assert len(stored) == 1 and stored[0].endswith(document.file.name)
    assert documents_storage_kind.read(document.file.name) == PDF


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("report.pdf", ELF, "application/x-executable"),  # an executable renamed .pdf
    ("big.pdf", PDF + b"x" * 4096, "the limit is 2,048 bytes"),
    ("empty.pdf", b"", "empty"),
])
def test_a_refused_upload_says_why_and_stores_nothing(documents_storage_kind, project, settings, name, content, reason):
    settings.DOCUMENT_MAX_SIZE = 2048
    with pytest.raises(ValidationError) as refused:
        add_document(project, title="Refused", upload=upload(name, content), is_public=True)
    assert reason in " ".join(refused.value.messages)
    assert documents_storage_kind.stored_names() == []
    assert not Document.objects.exists()


def test_a_row_that_cannot_be_saved_takes_its_file_away_again(documents_storage_kind, project):
    with pytest.raises(ValidationError):
        add_document(project, title="x" * 400, upload=upload("a.png", PNG))  # title too long: refused before storing
    with pytest.raises(ValidationError):
        add_document(project, title="Both", upload=upload("a.png", PNG), url="https://example.org/a")
    assert documents_storage_kind.stored_names() == []


@pytest.fixture
def documents(documents_storage_kind, project, draft, officer):
    return {
        "public": add_document(project, title="Public brief", user=officer, upload=upload("brief.pdf", PDF),
                               is_public=True),
        "restricted": add_document(project, title="Internal note", user=officer, upload=upload("note.png", PNG)),
        "draft": add_document(draft, title="Draft's brief", user=officer, upload=upload("draft.pdf", PDF),
                              is_public=True),
    }


READERS = {
    "anonymous_client": {"public"},
    "sdc_client": {"public"},  # the project's donor: no more than the public (report files have their own URL)
    "ec_client": {"public"},
    "officer_client": {"public", "restricted", "draft"},
}


@pytest.mark.parametrize("persona", list(READERS))
def test_download_by_each_persona(request, documents, persona):
    client = request.getfixturevalue(persona)
    for name, document in documents.items():
        response = client.get(f"/documents/{document.pk}/")
        if name not in READERS[persona]:
            assert response.status_code == 404, (persona, name)
            continue
        assert response.status_code == 200, (persona, name)
        assert _body(response) == (PNG if name == "restricted" else PDF)
        assert response["Content-Type"] == document.content_type
        assert response["Content-Disposition"].startswith(f'attachment; filename="{document.original_name}"')
        assert response["Cache-Control"] == "private, no-store"
    assert client.get("/documents/999999/").status_code == 404


def test_deleting_a_document_deletes_its_file_once_committed(documents_storage_kind, documents,
                                                             django_capture_on_commit_callbacks):
    document = documents["restricted"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document_delete(document=document)
    assert len(documents_storage_kind.stored_names()) == 3  # not before the commit: a rollback keeps it
    for callback in callbacks:
        callback()
    assert len(documents_storage_kind.stored_names()) == 2
    assert not any(name.endswith(document.file.name) for name in documents_storage_kind.stored_names())


def test_a_rolled_back_delete_keeps_the_file(documents_storage_kind, documents, django_capture_on_commit_callbacks):
    pk = documents["public"].pk
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        document_delete(document=documents["public"])
        transaction.set_rollback(True)
    assert callbacks == [] and len(documents_storage_kind.stored_names()) == 3
    assert Document.objects.filter(pk=pk).exists()


def test_deleting_a_project_deletes_its_documents_files(documents_storage_kind, documents, project,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        project_delete(project=project)
    remaining = documents_storage_kind.stored_names()
    assert len(remaining) == 1 and remaining[0].endswith(documents["draft"].file.name)
