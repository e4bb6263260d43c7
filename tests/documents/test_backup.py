"""Backups hold the stored files their rows name: a lost database and a lost storage both come back.

Each test runs on the filesystem and on the S3-compatible endpoint (`documents_storage_kind`).
"""
import gzip
import re

import pytest
from django.core.management import CommandError, call_command

from documents.models import Document
from documents.services import add_document
from portfolio.backup import database_empty
from projects.models import Project
from tests.documents.files import PDF, PNG, upload

pytestmark = pytest.mark.django_db

# Every byte value, so nothing in the encoding may change one.
EVERY_BYTE = PDF + bytes(range(256)) * 40


@pytest.fixture
def stored(annex, documents_storage_kind):
    project = Project.objects.get(slug="bangladesh-migration-policy")
    first = add_document(project, title="Annual report 2014", upload=upload("report.pdf", EVERY_BYTE))
    second = add_document(project, title="Field photo", upload=upload("photo.png", PNG))
    return documents_storage_kind, first, second


def _lose_everything(storage_kind) -> None:
    database_empty()
    for name in storage_kind.stored_names():
        Document.file.field.storage.delete(re.sub(r"^documents/", "", name) if storage_kind.kind == "s3" else name)
    assert storage_kind.stored_names() == []


def test_restore_gives_back_the_rows_and_the_bytes_of_every_stored_file(stored, tmp_path, capsys):
    storage_kind, first, second = stored
    backup = tmp_path / "portfolio.xml.gz"
    call_command("backup_portfolio", str(backup))
    assert "and 2 stored files written" in capsys.readouterr().out

    _lose_everything(storage_kind)
    call_command("restore_portfolio", str(backup), "--no-input")
    assert "and 2 stored files restored" in capsys.readouterr().out

    restored = {document.title: document for document in Document.objects.all()}
    assert restored["Annual report 2014"].file.name == first.file.name
    with restored["Annual report 2014"].file.open("rb") as stream:
        assert stream.read() == EVERY_BYTE
    with restored["Field photo"].file.open("rb") as stream:
        assert stream.read() == PNG
    assert len(storage_kind.stored_names()) == 2


def test_a_file_the_storage_lost_is_reported_and_its_row_still_restored(stored, tmp_path, capsys):
    storage_kind, first, second = stored
    Document.file.field.storage.delete(second.file.name)
    backup = tmp_path / "portfolio.xml"
    call_command("backup_portfolio", str(backup))
    out, err = capsys.readouterr()
    assert "and 1 stored files written" in out
    assert f"documents.Document.file: {second.file.name}" in err

    database_empty()
    call_command("restore_portfolio", str(backup), "--no-input")
    assert Document.objects.get(pk=second.pk).file.name == second.file.name  # the row as it was


def test_a_damaged_file_stops_the_restore_and_leaves_database_and_storage_as_they_were(stored, tmp_path):
    storage_kind, first, second = stored
    backup = tmp_path / "portfolio.xml.gz"
    call_command("backup_portfolio", str(backup))
    text = gzip.decompress(backup.read_bytes()).decode()
    # Damage the second file's content (its digest no longer matches); the first one is written before it.
    start = text.index(f'name="{second.file.name}"')
    damaged = text[:start] + text[start:].replace("iVBOR", "iVBOS", 1)
    assert damaged != text
    backup.write_bytes(gzip.compress(damaged.encode()))

    # The storage now holds other bytes under the first file's name: a failed restore must put them back.
    storage = Document.file.field.storage
    storage.delete(first.file.name)
    storage.save(first.file.name, upload("report.pdf", b"%PDF-1.4 newer bytes"))
    storage.delete(second.file.name)
    rows = Document.objects.count()
    with pytest.raises(CommandError, match=rf"{re.escape(second.file.name)}.*SHA-256"):
        call_command("restore_portfolio", str(backup), "--no-input")

    assert Document.objects.count() == rows and Project.objects.count() == 21
    with storage.open(first.file.name, "rb") as stream:
        assert stream.read() == b"%PDF-1.4 newer bytes"
    assert not storage.exists(second.file.name)
