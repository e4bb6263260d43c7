"""Back up the whole database to an XML fixture file and restore it, for operators.

The backup holds every row of every model's table with primary keys kept
(content types, permissions, history and many-to-many link tables included), so
a restore gives back every field of every row as it was, history records of
deleted projects included (their foreign keys point at rows that no longer
exist, which rules out natural keys). It is XML, not JSON, because Django's
JSON encoder cuts timestamps to milliseconds. A `.xml.gz` name compresses it.

The file is Django's XML fixture format with three changes, so that text comes
back byte for byte:

* Django's XML deserializer strips leading and trailing whitespace off every
  value, and every XML parser turns `\\r\\n` and a lone `\\r` into `\\n`. So
  the backup writes `\\r`, tabs and leading and trailing whitespace as character
  references (`&#13;`, `&#9;`, `&#32;`), which parsers keep, and the restore
  reads values without stripping them.
* XML 1.0 cannot carry the other control characters (`\\x0b`, `\\x0c`, NUL...)
  nor U+FFFE and U+FFFF, not even as character references. A value holding one
  is written as an ASCII JSON string in an element marked `encoding="json"`.
  (NUL comes back on SQLite; PostgreSQL cannot store it, and a restore into
  PostgreSQL stops with an error naming the table, row and field.)
* Many-to-many link tables are written as rows of their own, ids included,
  rather than as lists inside the rows they link.

Stored files come with the rows that name them: after the rows, the backup holds
one `<file>` element per file a row's FileField names (documents, report versions),
its bytes in base64 with their SHA-256, read from that field's storage (the
filesystem or an S3 bucket). A file the storage has lost is reported and left out;
the row still comes back as it was. The restore checks each file's digest and writes
it under the same name; files it did not write stay as they are.

The restore still reads plain `dumpdata --format xml` files. It reads XML with
Django's hardened parser (no DTDs, no entities).

Restore into a database migrated to the same code version as the backup
(`manage.py migrate` first). It empties the database and loads the backup in one
transaction: if anything fails, the database is left as it was, and so are the
stored files (those it wrote are removed, those it replaced are put back).

For large PostgreSQL databases `pg_dump --format=custom` and `pg_restore --clean`
do the same faster; see README.md.
"""
import base64
import bz2
import dataclasses
import gzip
import hashlib
import json
import lzma
import os
import re
import tempfile
from pathlib import Path
from xml.dom import pulldom
from xml.sax import SAXException
from xml.sax.saxutils import escape

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers import base, xml_serializer
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, router, transaction
from django.test.utils import override_settings

SUFFIXES = (".xml", ".xml.gz", ".xml.bz2", ".xml.xz")
_OPEN = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}

# What XML 1.0 can carry at all (the Char production); anything else is written as JSON.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# XML whitespace: parsers and Django's deserializer change it at the edges of a value.
_XML_SPACE = " \t\n\r"


class BackupError(ValueError):
    """A row the backup cannot write or the restore cannot load; names the table, row and field."""


def _check_name(path: Path) -> None:
    if not path.name.endswith(SUFFIXES):
        raise ValueError(f"{path.name}: a backup file name ends with one of {', '.join(SUFFIXES)}.")


def _open(path: Path, mode: str):
    return _OPEN.get(path.suffix, open)(path, mode)


def _references(text: str) -> str:
    return "".join(f"&#{ord(char)};" for char in text)


def xml_text(value: str) -> str:
    """`value` as XML element content that a parser gives back unchanged.

    `\\r` and tabs anywhere, and whitespace at either end, become character
    references: a parser turns a literal `\\r\\n` into `\\n`, and whitespace at
    the edges is what pretty-printers and Django's deserializer strip.
    """
    body = value.strip(_XML_SPACE)
    start = len(value) - len(value.lstrip(_XML_SPACE))
    head, tail = value[:start], value[start + len(body):]
    body = escape(body).replace("\r", "&#13;").replace("\t", "&#9;")
    return _references(head) + body + _references(tail)


def _row(obj, field=None) -> str:
    where = f"table {obj._meta.db_table}, row pk={obj.pk!r}"
    return f"{where}, field {field.name}" if field is not None else where


# Bytes of a stored file read and encoded at a time (a multiple of 3: base64 without padding inside).
_FILE_CHUNK = 3 * 256 * 1024


class Serializer(xml_serializer.Serializer):
    """Django's XML serializer, writing every value so that it reads back unchanged.

    It also notes the stored files that rows' FileFields name and writes them, in
    `<file>` elements, after the last row (`missing` lists those the storage lacks).
    """

    def start_serialization(self):
        self.files: list[tuple[models.FileField, str]] = []
        self.missing: list[str] = []
        super().start_serialization()

    def end_serialization(self):
        for field, name in self.files:
            self._write_file(field, name)
        super().end_serialization()

    def _write_file(self, field, name: str) -> None:
        """One stored file, whole (documents are capped by DOCUMENT_MAX_SIZE), with its SHA-256."""
        label = f"{field.model._meta.label}.{field.name}"
        try:
            with field.storage.open(name, "rb") as stream:
                content = stream.read()
        except (FileNotFoundError, OSError) as exc:
            if field.storage.exists(name):
                raise BackupError(f"{label}: cannot read the stored file {name} ({exc}).") from exc
            self.missing.append(f"{label}: {name}")
            return
        self.indent(1)
        self.xml.startElement("file", {"field": label, "name": name, "sha256": hashlib.sha256(content).hexdigest()})
        for start in range(0, len(content), _FILE_CHUNK):
            self.xml.ignorableWhitespace(base64.b64encode(content[start:start + _FILE_CHUNK]).decode("ascii"))
        self.xml.endElement("file")

    def _write_value(self, value: str, attrs: dict) -> None:
        if _NOT_XML.search(value):
            # Not representable in XML 1.0: an ASCII JSON string literal ("\u000b") instead.
            attrs["encoding"] = "json"
            value = json.dumps(value, ensure_ascii=True)
        self.xml.startElement("field", attrs)
        # xml_text() escapes; ignorableWhitespace() writes as it is (characters() would escape `&` again).
        self.xml.ignorableWhitespace(xml_text(value))
        self.xml.endElement("field")

    def start_object(self, obj):
        try:
            super().start_object(obj)
        except ValueError as exc:
            raise BackupError(f"{_row(obj)}: the primary key cannot be written to XML ({exc}).") from None

    def handle_field(self, obj, field):
        self.indent(2)  # a field of an object (Django 6.1 counts levels; 5.2 and 6.0 write 2)
        attrs = {"name": field.name, "type": field.get_internal_type()}
        if getattr(obj, field.name) is None:
            self.xml.startElement("field", attrs)
            self.xml.addQuickElement("None")
            self.xml.endElement("field")
        else:
            value = field.value_to_string(obj)
            if isinstance(field, models.FileField) and value:
                self.files.append((field, value))
            if field.get_internal_type() == "JSONField":
                value = json.dumps(value, cls=field.encoder)
            self._write_value(value, attrs)

    def handle_fk_field(self, obj, field):
        value = getattr(obj, field.attname)
        if value is None:
            return super().handle_fk_field(obj, field)
        self.indent(2)  # a field of an object (Django 6.1 counts levels; 5.2 and 6.0 write 2)
        attrs = {"name": field.name, "rel": field.remote_field.__class__.__name__, "to": str(field.remote_field.model._meta)}
        self._write_value(str(value), attrs)

    def handle_m2m_field(self, obj, field):
        """Nothing: link tables are backed up as rows of their own, ids included."""


def _children(node, tag: str) -> list:
    """The child elements of `node` named `tag` (not deeper ones, as getElementsByTagName gives)."""
    return [child for child in node.childNodes if child.nodeType == child.ELEMENT_NODE and child.nodeName == tag]


class Deserializer(xml_serializer.Deserializer):
    """Django's XML deserializer (same hardened parser) that keeps values as they are in the file."""

    def _handle_object(self, node):
        deserialized = super()._handle_object(node)
        obj = deserialized.object
        # Django strips every value; set the values again from the exact text.
        for field_node in _children(node, "field"):
            if _children(field_node, "None"):
                continue
            field = obj._meta.get_field(field_node.getAttribute("name"))
            if field.many_to_many or _children(field_node, "natural"):
                continue
            text = xml_serializer.getInnerText(field_node)
            if field_node.getAttribute("encoding") == "json":
                text = json.loads(text)
                if not isinstance(text, str):
                    raise base.DeserializationError(f"{_row(obj, field)}: encoding='json' holds no string.")
            if field.remote_field is not None:
                target = field.remote_field.model._meta.get_field(field.remote_field.field_name)
                setattr(obj, field.attname, target.to_python(text))
            else:
                value = field.to_python(text)
                if field.get_internal_type() == "JSONField":
                    value = json.loads(value, cls=field.decoder)
                setattr(obj, field.attname, value)
        return deserialized


def backed_up_models(using: str = DEFAULT_DB_ALIAS) -> list:
    """Every model with a table of its own in the database, link tables and history included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and router.allow_migrate_model(using, model)
    ]


def row_count(using: str = DEFAULT_DB_ALIAS) -> int:
    """Rows in every model's table, many-to-many tables included (one COUNT per table)."""
    return sum(model._base_manager.using(using).count() for model in backed_up_models(using))


@dataclasses.dataclass
class BackupResult:
    rows: int
    files: int
    missing: list[str]  # "<model>.<field>: <name>" of each file a row names that the storage lacks


def portfolio_backup(*, path: Path, using: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Write every row of the database and every stored file its rows name to `path`.

    The file appears only when complete: it is written under a temporary name
    next to `path`, then renamed (an older backup of the same name stays until then).
    """
    _check_name(path)
    connection = connections[using]
    outermost = not connection.in_atomic_block
    rows = 0

    def objects():
        nonlocal rows
        for model in backed_up_models(using):
            for obj in model._base_manager.using(using).order_by(model._meta.pk.name).iterator():
                rows += 1
                yield obj

    serializer = Serializer()
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table, whatever commits meanwhile.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            # Readable by its owner only: it holds password hashes and sessions.
            descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
        except OSError as exc:
            raise BackupError(f"{path}: cannot write there ({exc.strerror}).") from exc
        os.close(descriptor)
        partial = Path(partial)
        try:
            with _open(partial, "wb") as stream:
                serializer.serialize(objects(), stream=stream, encoding="utf-8")
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
    return BackupResult(rows=rows, files=len(serializer.files) - len(serializer.missing), missing=serializer.missing)


def database_empty(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Delete every row of every table, content types and permissions included."""
    connection = connections[using]
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # TRUNCATE refuses tables with foreign-key checks still pending in this transaction: run them now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    # No post-migrate signal: a backup brings its own content types and permissions.
    call_command("flush", database=using, interactive=False, inhibit_post_migrate=True, verbosity=0)


def _refuse_nul(obj, using: str) -> None:
    """PostgreSQL cannot store NUL in text: name where it is rather than fail somewhere in psycopg."""
    if connections[using].vendor != "postgresql":
        return
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if isinstance(value, str) and "\x00" in value:
            raise BackupError(f"{_row(obj, field)}: holds a NUL character (\\x00), which PostgreSQL cannot store.")


def _load(path: Path, using: str) -> None:
    """What `loaddata` does, with the deserializer above: save raw, check foreign keys, reset sequences."""
    connection = connections[using]
    models, deferred = set(), []
    try:
        with _open(path, "rb") as stream, connection.constraint_checks_disabled():
            for deserialized in Deserializer(stream, using=using, handle_forward_references=True):
                obj = deserialized.object
                if not router.allow_migrate_model(using, type(obj)):
                    continue
                _refuse_nul(obj, using)
                models.add(type(obj))
                try:
                    deserialized.save(using=using)
                except (DatabaseError, ValueError) as exc:
                    raise BackupError(f"{_row(obj)}: cannot be loaded: {exc}") from exc
                if deserialized.deferred_fields:
                    deferred.append(deserialized)
            for deserialized in deferred:
                deserialized.save_deferred_fields(using=using)
        # Foreign keys were not checked row by row: check them all now.
        connection.check_constraints(table_names=[model._meta.db_table for model in models])
    except BackupError as exc:
        raise BackupError(f"{path.name}: {exc}") from exc
    except (base.DeserializationError, DatabaseError, FieldDoesNotExist, SAXException, ValidationError, ValueError) as exc:
        raise BackupError(f"{path.name}: {type(exc).__name__}: {exc}") from exc
    # New rows get ids after the restored ones.
    sequence_sql = connection.ops.sequence_reset_sql(no_style(), models)
    if sequence_sql:
        with connection.cursor() as cursor:
            for statement in sequence_sql:
                cursor.execute(statement)


class _StoredFiles:
    """The files a restore writes, undone if the restore fails: new ones removed, replaced ones put back."""

    def __init__(self):
        self.written: list[tuple] = []  # (storage, name, previous bytes or None)

    def put(self, storage, name: str, content: bytes) -> None:
        previous = None
        if storage.exists(name):
            with storage.open(name, "rb") as stream:
                previous = stream.read()
            if previous == content:
                return
            storage.delete(name)
        self.written.append((storage, name, previous))
        saved = storage.save(name, ContentFile(content))
        if saved != name:
            raise BackupError(f"the storage stored {name} as {saved}.")

    def undo(self) -> None:
        for storage, name, previous in reversed(self.written):
            storage.delete(name)
            if previous is not None:
                storage.save(name, ContentFile(previous))


def _restore_files(path: Path, using: str, stored: _StoredFiles) -> int:
    """Write each `<file>` of the backup to its field's storage under its name, after checking its digest."""
    count = 0
    with _open(path, "rb") as stream:
        events = pulldom.parse(stream, xml_serializer.DefusedExpatParser())
        for event, node in events:
            if event != pulldom.START_ELEMENT or node.nodeName != "file":
                continue
            events.expandNode(node)
            label, name = node.getAttribute("field"), node.getAttribute("name")
            try:
                model_label, field_name = label.rsplit(".", 1)
                field = apps.get_model(model_label)._meta.get_field(field_name)
            except (LookupError, ValueError, FieldDoesNotExist):
                raise BackupError(f"{path.name}: file {name}: {label!r} is not a file field of this version.") from None
            if not isinstance(field, models.FileField) or not router.allow_migrate_model(using, field.model):
                raise BackupError(f"{path.name}: file {name}: {label!r} is not a file field of this version.")
            try:
                content = base64.b64decode(xml_serializer.getInnerText(node), validate=True)
            except ValueError:
                raise BackupError(f"{path.name}: file {name}: its content is not base64.") from None
            if hashlib.sha256(content).hexdigest() != node.getAttribute("sha256"):
                raise BackupError(f"{path.name}: file {name}: its content does not match its SHA-256 (a damaged backup).")
            stored.put(field.storage, name, content)
            count += 1
    return count


def portfolio_restore(*, path: Path, using: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Replace every row of the database with the backup at `path`, and put back the files its rows name."""
    _check_name(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such backup file.")
    stored = _StoredFiles()
    try:
        with transaction.atomic(using=using):
            database_empty(using=using)
            # Loading a plain fixture sets many-to-many fields, which simple-history would record as new edits.
            with override_settings(SIMPLE_HISTORY_ENABLED=False):
                _load(path.resolve(), using)
            try:
                files = _restore_files(path.resolve(), using, stored)
            except (SAXException, OSError) as exc:
                raise BackupError(f"{path.name}: the stored files cannot be restored: {exc}") from exc
            return BackupResult(rows=row_count(using), files=files, missing=[])
    except BaseException:
        stored.undo()
        raise
