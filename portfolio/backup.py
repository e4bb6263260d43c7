"""Back up the whole database to a fixture file and restore it, for operators.

The backup is `dumpdata` of every model with primary keys kept (content types
and permissions included), so a restore gives back every row as it was, history
records of deleted projects included (their foreign keys point at rows that no
longer exist, which rules out natural keys). It is XML, not JSON, because
Django's JSON encoder cuts timestamps to milliseconds; Django reads it back with
a hardened (defused) parser. A `.xml.gz` name compresses it.

Restore into a database migrated to the same code version as the backup
(`manage.py migrate` first). It empties the database and loads the backup in one
transaction: if anything fails, the database is left as it was.

For large PostgreSQL databases `pg_dump --format=custom` and `pg_restore --clean`
do the same faster; see README.md.
"""
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import override_settings

SUFFIXES = (".xml", ".xml.gz", ".xml.bz2", ".xml.xz")


def _check_name(path: Path) -> None:
    if not path.name.endswith(SUFFIXES):
        raise ValueError(f"{path.name}: a backup file name ends with one of {', '.join(SUFFIXES)}.")


def row_count(using: str = DEFAULT_DB_ALIAS) -> int:
    """Rows in every model's table, many-to-many tables included (one COUNT per table)."""
    return sum(model._base_manager.using(using).count() for model in apps.get_models(include_auto_created=True))


def portfolio_backup(*, path: Path, using: str = DEFAULT_DB_ALIAS) -> int:
    """Write every row of the database to `path`; return the number of rows."""
    _check_name(path)
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table, whatever commits meanwhile.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        call_command("dumpdata", database=using, all=True, format="xml", output=str(path), verbosity=0)
        return row_count(using)


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


def portfolio_restore(*, path: Path, using: str = DEFAULT_DB_ALIAS) -> int:
    """Replace every row of the database with the backup at `path`; return the number of rows."""
    _check_name(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such backup file.")
    with transaction.atomic(using=using):
        database_empty(using=using)
        # Loading sets many-to-many fields, which simple-history would record as new edits.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", str(path.resolve()), database=using, verbosity=0)
        return row_count(using)
