"""Backup and restore: a round trip through an emptied database gives back every field of every row.

Models are looked up by name over `apps.get_models()`, not imported, so the tests
do not depend on which app a model lives in.
"""
import datetime
import gzip

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from portfolio.backup import database_empty, portfolio_restore

pytestmark = pytest.mark.django_db

# Text an officer can type in the admin (browsers send line breaks as \r\n) or an
# import can bring: what XML parsers and Django's XML deserializer used to change.
TRICKY = "\tLeading tab,\r\nWindows line breaks\r\n\r\nand ünïcode — 東京 & <markup> \u00a0trailing spaces   "
TRICKY_CR = "\rleading carriage return\rold Mac line\n\n  indented\ttab  \r\n"
# Legal in PostgreSQL and SQLite text, not representable in XML 1.0 even as character references.
CONTROL = "vertical\x0btab, form\x0cfeed, escape\x1b[0m, bell\x07, \ufffe and \uffff"
MICROSECONDS = datetime.datetime(2024, 2, 29, 23, 59, 58, 123457, tzinfo=datetime.UTC)


def model_named(name):
    """The one installed model class called `name`, whichever app it is in."""
    matches = [model for model in apps.get_models() if model.__name__ == name]
    assert len(matches) == 1, (name, matches)
    return matches[0]


def backed_up_models():
    """Every model with rows of its own: auto-created many-to-many tables and history included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.managed
    ]


def database_dump() -> dict[str, list[dict]]:
    """Every field of every row of every model's table, by model, in primary-key order."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in backed_up_models()
    }


def assert_same_rows(before, after):
    """Same models, same rows, same value in every field; the differences listed by table, row and field."""
    assert after.keys() == before.keys()
    differences = []
    for label in before:
        if len(after[label]) != len(before[label]):
            differences.append((label, "rows", len(before[label]), len(after[label])))
            continue
        pk = apps.get_model(label)._meta.pk.attname
        for old, new in zip(before[label], after[label], strict=True):
            differences += [
                (label, f"pk={old[pk]!r}", field, old[field], new.get(field))
                for field in old
                if new.get(field) != old[field]
            ]
    shown = [d for n, d in enumerate(differences) if [e[0] for e in differences[:n]].count(d[0]) < 3]
    assert not differences, "\n".join(map(repr, shown))  # the first three of each table


def test_every_table_belongs_to_a_model():
    """The dump covers the database: no table is left out of the backup or of the comparison."""
    tables = set(connection.introspection.table_names()) - {"django_migrations"}
    assert tables <= {model._meta.db_table for model in backed_up_models()}


@pytest.fixture
def lived_in_portfolio(annex, officer_client, officer, donor_user_sdc):
    """Annex, users, an admin edit, tricky text in rows and their history, a deleted project."""
    Project, Objective, Deadline = model_named("Project"), model_named("Objective"), model_named("Deadline")
    project = Project.objects.get(slug="capsa")
    from tests.admin_forms import admin_change_data

    url = reverse(f"admin:{Project._meta.app_label}_project_change", args=[project.pk])
    data = admin_change_data(officer_client.get(url))
    data["summary"] = "Edited in the admin\r\nwith a second line — ünïcode & <markup>."
    assert officer_client.post(url, data).status_code == 302

    # Saved through the ORM, which keeps what the admin's forms would strip; each save adds a history row.
    project.refresh_from_db()
    project.summary = TRICKY
    project.save()
    objective = Objective.objects.filter(project=project).first() or Objective.objects.create(project=project, text="x")
    objective.text = TRICKY_CR
    objective.save()
    deadline = Deadline.objects.create(project=project, title=TRICKY[:190], due_on=datetime.date(2030, 5, 1), owner=officer)
    deadline.title = TRICKY_CR
    deadline.save()
    # Microsecond timestamps in rows and in history rows.
    Project.objects.filter(pk=project.pk).update(created_at=MICROSECONDS, updated_at=MICROSECONDS)
    Deadline.objects.filter(pk=deadline.pk).update(created_at=MICROSECONDS)
    for model in (Project, Objective, Deadline):
        model.history.model.objects.filter(history_id=model.history.model.objects.latest("history_id").pk).update(
            history_date=MICROSECONDS
        )

    deleted = Project.objects.get(slug="migsec")
    delete_url = reverse(f"admin:{Project._meta.app_label}_project_delete", args=[deleted.pk])
    assert officer_client.post(delete_url, {"post": "yes"}).status_code == 302
    return {"project": project, "objective": objective, "deadline": deadline}


def test_backup_flush_restore_gives_back_every_field_of_every_row(lived_in_portfolio, tmp_path, capsys):
    Project, Deadline = model_named("Project"), model_named("Deadline")
    before = database_dump()
    assert len(before[Project._meta.label]) == 20
    for label in ("admin.LogEntry", "sessions.Session", Project.history.model._meta.label, Deadline.history.model._meta.label):
        assert before[label], label
    assert any(before[model._meta.label] for model in backed_up_models() if model._meta.auto_created)
    # The tricky strings really are in the rows and in their history rows.
    summaries = {row["summary"] for row in before[Project.history.model._meta.label]}
    assert TRICKY in summaries and TRICKY in {row["summary"] for row in before[Project._meta.label]}
    assert TRICKY_CR in {row["title"] for row in before[Deadline.history.model._meta.label]}
    assert MICROSECONDS in {row["created_at"] for row in before[Project._meta.label]}

    backup = tmp_path / "portfolio.xml.gz"
    call_command("backup_portfolio", str(backup))
    assert "rows and 0 stored files written" in capsys.readouterr().out

    database_empty()  # the database is lost
    assert Project.objects.count() == 0

    call_command("restore_portfolio", str(backup), "--no-input")
    assert "rows and 0 stored files restored" in capsys.readouterr().out
    assert_same_rows(before, database_dump())
    lived_in_portfolio["deadline"].refresh_from_db()
    assert lived_in_portfolio["deadline"].title == TRICKY_CR
    # Written as character references: an XML parser turns a literal \r\n into \n.
    written = gzip.decompress(backup.read_bytes())
    assert b"\r" not in written and b"&#13;" in written


def test_control_characters_round_trip(annex, tmp_path):
    """Characters XML 1.0 cannot carry at all are written escaped, not dropped or refused."""
    Project, Objective = model_named("Project"), model_named("Objective")
    project = Project.objects.get(slug="capsa")
    project.summary = CONTROL
    project.save()
    Objective.objects.filter(project=project).update(text="\x0c" + CONTROL + "\x0b")
    before = database_dump()

    backup = tmp_path / "portfolio.xml"
    call_command("backup_portfolio", str(backup))
    database_empty()
    portfolio_restore(path=backup)
    assert_same_rows(before, database_dump())
    project.refresh_from_db()
    assert project.summary == CONTROL


def test_nul_round_trips_where_the_database_stores_it(annex, tmp_path):
    """SQLite stores NUL in text and gets it back; PostgreSQL cannot store it (see the next test)."""
    from django.db import DataError

    Project = model_named("Project")
    if connection.vendor == "postgresql":
        with pytest.raises((ValueError, DataError)):  # psycopg refuses it: nothing to back up
            Project.objects.filter(slug="capsa").update(summary="a\x00b\x00")
        return
    Project.objects.filter(slug="capsa").update(summary="a\x00b\x00")
    backup = tmp_path / "portfolio.xml"
    call_command("backup_portfolio", str(backup))
    database_empty()
    portfolio_restore(path=backup)
    assert Project.objects.get(slug="capsa").summary == "a\x00b\x00"


@pytest.mark.postgresql_only
def test_nul_refused_on_postgresql_naming_table_row_and_field(annex, tmp_path):
    """A backup taken on SQLite with a NUL in a text field cannot load into PostgreSQL: say where it is."""
    Project = model_named("Project")
    project = Project.objects.get(slug="capsa")
    backup = tmp_path / "portfolio.xml"
    call_command("backup_portfolio", str(backup))
    text = backup.read_text(encoding="utf-8")
    start = text.index(f'<object model="{Project._meta.label_lower}" pk="{project.pk}">')
    field = text.index('<field name="summary" type="TextField">', start)
    end = text.index("</field>", field)
    text = text[:field] + '<field encoding="json" name="summary" type="TextField">"a\\u0000b"' + text[end:]
    backup.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=rf"{Project._meta.db_table}.*pk={project.pk}.*summary.*NUL"):
        call_command("restore_portfolio", str(backup), "--no-input")
    assert Project.objects.get(pk=project.pk).summary == project.summary  # nothing changed


def test_plain_django_fixture_still_restores(annex, officer, tmp_path):
    """A backup written before the escaping (plain dumpdata XML) still loads."""
    Project = model_named("Project")
    before = database_dump()
    backup = tmp_path / "old.xml"
    call_command("dumpdata", all=True, format="xml", output=str(backup), verbosity=0)
    database_empty()
    portfolio_restore(path=backup)
    after = database_dump()
    assert after[Project._meta.label] == before[Project._meta.label]
    for model in backed_up_models():  # link tables: the same pairs (their ids were not in such a file)
        if model._meta.auto_created:
            pairs = [{k: v for k, v in row.items() if k != "id"} for row in before[model._meta.label]]
            assert sorted(map(repr, pairs)) == sorted(
                repr({k: v for k, v in row.items() if k != "id"}) for row in after[model._meta.label]
            ), model._meta.label


def test_failed_backup_leaves_the_previous_file(annex, tmp_path, monkeypatch):
    from portfolio import backup as backup_module

    backup = tmp_path / "portfolio.xml.gz"
    backup.write_bytes(b"the previous backup")

    def fail(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(backup_module.Serializer, "end_serialization", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        call_command("backup_portfolio", str(backup))
    assert backup.read_bytes() == b"the previous backup"
    assert [path.name for path in tmp_path.iterdir()] == ["portfolio.xml.gz"]  # no partial file left


def test_restored_database_keeps_working(lived_in_portfolio, tmp_path, officer_client):
    Project, Deadline = model_named("Project"), model_named("Deadline")
    backup = tmp_path / "portfolio.xml"
    call_command("backup_portfolio", str(backup))
    call_command("restore_portfolio", str(backup), "--no-input")
    # New rows get fresh ids (sequences follow the restored rows) and history goes on.
    project = Project.objects.get(slug="capsa")
    new = Deadline.objects.create(project=project, title="After restore", due_on=datetime.date(2031, 1, 1))
    assert new.pk > Deadline.objects.exclude(pk=new.pk).order_by("-pk").first().pk
    # So do many-to-many links: their table's ids were restored too.
    Country = Project._meta.get_field("countries").related_model
    project.countries.add(Country.objects.exclude(pk__in=project.countries.values("pk")).first())
    url = reverse(f"admin:{Project._meta.app_label}_project_history", args=[project.pk])
    assert officer_client.get(url).status_code == 200


def test_failed_restore_changes_nothing(annex, tmp_path):
    Project = model_named("Project")
    broken = tmp_path / "broken.xml"
    broken.write_text('<?xml version="1.0"?><django-objects version="1.0"><object model="projects.nosuchmodel" pk="1"></object></django-objects>')
    with pytest.raises(CommandError, match="nosuchmodel"):
        call_command("restore_portfolio", str(broken), "--no-input")
    assert Project.objects.count() == 21


def test_restore_refuses_a_missing_file_or_a_wrong_name(tmp_path):
    with pytest.raises(CommandError, match="no such backup"):
        call_command("restore_portfolio", str(tmp_path / "missing.xml"), "--no-input")
    with pytest.raises(CommandError, match="ends with"):
        call_command("backup_portfolio", str(tmp_path / "backup.sql"))


def test_restore_reads_xml_with_a_hardened_parser(tmp_path, annex):
    Project = model_named("Project")
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<django-objects version="1.0"><object model="regions.region" pk="99"><field name="name" type="CharField">&b;</field></object></django-objects>'
    )
    with pytest.raises(CommandError, match="(?i)DTD|entit"):
        call_command("restore_portfolio", str(bomb), "--no-input")
    assert Project.objects.count() == 21
