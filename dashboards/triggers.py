"""Triggers that mark a project dirty (dashboards.models.DirtyProject) on every write to the tables its facts read.

They see every path (the ORM, COPY, raw SQL). PostgreSQL: one statement-level trigger per
table and event, reading the statement's transition tables, so a COPY of millions of rows
marks each project once; the mark is an upsert that takes the mark's row lock, so a refresh
holding it (dashboards.facts) waits for the writer's commit. SQLite: row-level triggers.

Created by migration 0002 and again after every `migrate` (apps.py): SQLite drops a table's
triggers when a later migration rebuilds the table.
"""
# Table -> the column naming the project: the facts' own inputs, and what the cached figures read
# (dashboards.facts.facts_cached). A table without a project marks 0: no project to refresh, but the
# facts' version moves on, so every cached figure is read again (a region renamed, a result approved).
WATCHED = {
    "projects_project": "id", "finance_budget": "project_id", "finance_transaction": "project_id",
    "projects_funding": "project_id", "projects_project_countries": "project_id", "projects_projectpartner": "project_id",
    "projects_project_corridors": "project_id", "classifications_projectsector": "project_id",
    "results_result": "project_id",
    **dict.fromkeys((
        "regions_region", "regions_country", "regions_corridor", "donors_donor", "donors_partner",
        "results_indicator", "results_period", "results_update",
    ), "0"),
}
EVENTS = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
}


def trigger_names() -> list[str]:
    return [f"dashboards_mark_{table}_{event}" for table in WATCHED for event in EVENTS]


def _postgresql(table: str, column: str, event: str) -> list[str]:
    name = f"dashboards_mark_{table}_{event}"
    rows = {"insert": ["new_rows"], "delete": ["old_rows"], "update": ["old_rows", "new_rows"]}[event]
    selected = " UNION ".join(f"SELECT DISTINCT {column} FROM {relation}" for relation in rows)
    return [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO dashboards_dirtyproject (project_id) {selected}
    ON CONFLICT (project_id) DO UPDATE SET project_id = EXCLUDED.project_id;
    RETURN NULL;
END $$""",
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} {EVENTS[event]} FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


def _sqlite(table: str, column: str, event: str) -> list[str]:
    rows = {"insert": ["NEW"], "delete": ["OLD"], "update": ["OLD", "NEW"]}[event]
    value = (lambda row: "0") if column == "0" else (lambda row: f"{row}.{column}")
    inserts = " ".join(f"INSERT OR IGNORE INTO dashboards_dirtyproject (project_id) VALUES ({value(row)});" for row in rows)
    return [f"CREATE TRIGGER IF NOT EXISTS dashboards_mark_{table}_{event} AFTER {event.upper()} ON {table} BEGIN {inserts} END"]


def triggers_ensure(connection) -> None:
    """Create (or replace) the triggers on `connection`'s database."""
    make = {"postgresql": _postgresql, "sqlite": _sqlite}[connection.vendor]
    with connection.cursor() as cursor:
        for table, column in WATCHED.items():
            for event in EVENTS:
                for statement in make(table, column, event):
                    cursor.execute(statement)


def triggers_drop(connection) -> None:
    with connection.cursor() as cursor:
        for table in WATCHED:
            for event in EVENTS:
                name = f"dashboards_mark_{table}_{event}"
                if connection.vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                    cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
                else:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def triggers_present(connection) -> set[str]:
    """The names of this module's triggers that exist in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'dashboards_mark_%%'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'dashboards_mark_%'")
        return {row[0] for row in cursor.fetchall()}
