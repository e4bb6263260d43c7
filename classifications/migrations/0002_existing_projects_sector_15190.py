"""Every project that exists now gets the sector the IATI export always wrote for it: DAC 15190 at 100%.

New projects get no sector by default: an officer chooses. Runs forward only.
"""
from django.db import migrations

MIGRATION_SECTOR = "15190"  # facilitation of orderly, safe, regular and responsible migration and mobility


def forward(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    ProjectSector = apps.get_model("classifications", "ProjectSector")
    have = set(ProjectSector.objects.values_list("project_id", flat=True))
    ProjectSector.objects.bulk_create(
        [ProjectSector(project_id=pk, vocabulary="1", code=MIGRATION_SECTOR, percentage=100)
         for pk in Project.objects.values_list("pk", flat=True).iterator() if pk not in have],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("classifications", "0001_project_sectors_policy_markers")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
