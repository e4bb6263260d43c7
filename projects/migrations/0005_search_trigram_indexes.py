"""Trigram indexes for the text search (PostgreSQL only; nothing on other databases).

`?search=` is `icontains`, which Django writes on PostgreSQL as
`UPPER(col::text) LIKE UPPER('%word%')`; a pg_trgm GIN index on the same
expression lets the planner answer it from the index instead of scanning every
project and objective.
"""
from django.db import migrations

# (index name, table, column)
TRIGRAM_INDEXES = [
    ("project_title_trgm_idx", "projects_project", "title"),
    ("project_short_name_trgm_idx", "projects_project", "short_name"),
    ("project_summary_trgm_idx", "projects_project", "summary"),
    ("objective_text_trgm_idx", "projects_objective", "text"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_list_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
