"""The permission to import transactions from a CSV file, and the "Finance" group that holds it.

Finance staff are put in this group by an administrator (README, "Money"). The permission
is created here rather than left to post_migrate so that the group can hold it at once;
post_migrate then finds it and keeps it. Programme officers do not get it
(projects.services.officers_group_ensure leaves it out).
"""
from django.db import migrations

FINANCE_GROUP = "Finance"
# What finance staff need besides the import: to see projects, and to read and add transactions.
GROUP_PERMISSIONS = [
    ("finance", "transaction", "import_transactions", "Can import transactions from a CSV file"),
    ("finance", "transaction", "view_transaction", "Can view transaction"),
    ("finance", "transaction", "add_transaction", "Can add transaction"),
    ("finance", "budget", "view_budget", "Can view budget"),
    ("projects", "project", "view_project", "Can view project"),
]


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=FINANCE_GROUP)
    for app_label, model, codename, name in GROUP_PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("finance", "0001_initial"),
        ("projects", "0011_funding_currency_upper_case"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='transaction',
            options={'ordering': ['project', 'date', 'id'], 'permissions': [('import_transactions', 'Can import transactions from a CSV file')], 'verbose_name': 'transaction', 'verbose_name_plural': 'transactions'},
        ),
        migrations.RunPython(create_group, migrations.RunPython.noop),
    ]
