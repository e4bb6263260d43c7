from django.db import migrations


def create(apps, schema_editor):
    from dashboards.triggers import triggers_ensure

    triggers_ensure(schema_editor.connection)


def drop(apps, schema_editor):
    from dashboards.triggers import triggers_drop

    triggers_drop(schema_editor.connection)


class Migration(migrations.Migration):
    """The triggers of dashboards.triggers: every write to a project, its budgets or transactions marks it dirty."""

    dependencies = [
        ("dashboards", "0001_facts"),
        ("finance", "0004_finance_group_planned_disbursements"),
        ("projects", "0012_project_iati_identifier"),
        ("classifications", "0003_sector_vocabulary_98"),
        ("donors", "0004_list_indexes"),
        ("regions", "0002_load_regions_and_countries"),
        ("results", "0001_results_framework"),
    ]

    operations = [migrations.RunPython(create, drop)]
