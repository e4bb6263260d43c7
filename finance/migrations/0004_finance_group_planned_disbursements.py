"""Finance staff read and add planned disbursements too, as they do budgets and transactions."""
from django.db import migrations

PERMISSIONS = [
    ("planneddisbursement", "view_planneddisbursement", "Can view planned disbursement"),
    ("planneddisbursement", "add_planneddisbursement", "Can add planned disbursement"),
    ("budget", "add_budget", "Can add budget"),
]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name="Finance")
    for model, codename, name in PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label="finance", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("finance", "0003_planned_disbursement")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
