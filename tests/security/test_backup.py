"""Backup and restore: a round trip through an emptied database loses no row."""
import datetime

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from portfolio.backup import database_empty
from projects.models import Deadline, Project

pytestmark = pytest.mark.django_db


def _many_to_many_tables() -> dict[str, list[str]]:
    """Auto-created many-to-many tables and their columns other than the surrogate id.

    A fixture carries a many-to-many link as a pair, not as a row, so the row's
    own id is renumbered on restore; the pairs must all come back.
    """
    return {
        model._meta.db_table: [field.column for field in model._meta.local_fields if not field.primary_key]
        for model in apps.get_models(include_auto_created=True)
        if model._meta.auto_created
    }


def database_rows() -> dict[str, list[tuple]]:
    """Every row of every table, by table, in a stable order (raw SQL)."""
    tables = sorted(set(connection.introspection.table_names()) - {"django_migrations"})
    links = _many_to_many_tables()
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        for table in tables:
            columns = ", ".join(quote(column) for column in links[table]) if table in links else "*"
            cursor.execute(f"SELECT {columns} FROM {quote(table)}")
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


@pytest.fixture
def lived_in_portfolio(annex, officer_client, donor_user_sdc):
    """Annex, users, an admin edit, a deadline with its history, a deleted project."""
    project = Project.objects.get(slug="capsa")
    from tests.admin_forms import admin_change_data

    url = reverse("admin:projects_project_change", args=[project.pk])
    data = admin_change_data(officer_client.get(url))
    data["summary"] = "Edited before the backup — with ünïcode & <markup>."
    assert officer_client.post(url, data).status_code == 302
    Deadline.objects.create(project=project, title="Donor visit", due_on=datetime.date(2030, 5, 1))
    deleted = Project.objects.get(slug="migsec")
    delete_url = reverse("admin:projects_project_delete", args=[deleted.pk])
    assert officer_client.post(delete_url, {"post": "yes"}).status_code == 302


def test_backup_flush_restore_gives_back_every_row(lived_in_portfolio, tmp_path, capsys):
    before = database_rows()
    assert len(before["projects_project"]) == 20
    assert before["projects_historicalproject"] and before["django_admin_log"] and before["django_session"]

    backup = tmp_path / "portfolio.xml.gz"
    call_command("backup_portfolio", str(backup))
    assert "rows written" in capsys.readouterr().out

    database_empty()  # the database is lost
    assert Project.objects.count() == 0

    call_command("restore_portfolio", str(backup), "--no-input")
    assert "rows restored" in capsys.readouterr().out
    after = database_rows()
    assert after.keys() == before.keys()
    for table in before:
        assert len(after[table]) == len(before[table]), table
        assert after[table] == before[table], table


def test_restored_database_keeps_working(lived_in_portfolio, tmp_path, officer_client):
    backup = tmp_path / "portfolio.xml"
    call_command("backup_portfolio", str(backup))
    call_command("restore_portfolio", str(backup), "--no-input")
    # New rows get fresh ids (sequences follow the restored rows) and history goes on.
    project = Project.objects.get(slug="capsa")
    new = Deadline.objects.create(project=project, title="After restore", due_on=datetime.date(2031, 1, 1))
    assert new.pk > Deadline.objects.exclude(pk=new.pk).order_by("-pk").first().pk
    assert officer_client.get(reverse("admin:projects_project_history", args=[project.pk])).status_code == 200


def test_failed_restore_changes_nothing(annex, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text('<?xml version="1.0"?><django-objects version="1.0"><object model="projects.nosuchmodel" pk="1"></object></django-objects>')
    with pytest.raises(Exception):
        call_command("restore_portfolio", str(broken), "--no-input")
    assert Project.objects.count() == 21


def test_restore_refuses_a_missing_file_or_a_wrong_name(tmp_path):
    with pytest.raises(CommandError, match="no such backup"):
        call_command("restore_portfolio", str(tmp_path / "missing.xml"), "--no-input")
    with pytest.raises(CommandError, match="ends with"):
        call_command("backup_portfolio", str(tmp_path / "backup.sql"))


def test_restore_reads_xml_with_a_hardened_parser(tmp_path, annex):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<django-objects version="1.0"><object model="regions.region" pk="99"><field name="name" type="CharField">&b;</field></object></django-objects>'
    )
    with pytest.raises(Exception, match="(?i)DTD|entit"):
        call_command("restore_portfolio", str(bomb), "--no-input")
    assert Project.objects.count() == 21
