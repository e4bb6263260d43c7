"""An upgrade that adds models gives programme officers their permissions without anyone running seed_demo."""
import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from projects.services import OFFICERS_GROUP, officers_group_ensure

pytestmark = pytest.mark.django_db


def test_migrate_gives_the_officers_group_the_permissions_of_new_models():
    group = officers_group_ensure()
    new_models = Permission.objects.filter(content_type__app_label__in=["documents", "classifications"])
    group.permissions.remove(*new_models)  # as in a deployment made before those apps existed
    assert not group.permissions.filter(content_type__app_label="documents").exists()
    call_command("migrate", verbosity=0)
    assert set(new_models) <= set(Group.objects.get(name=OFFICERS_GROUP).permissions.all())
    assert not group.permissions.filter(codename="import_transactions").exists()  # the Finance group's stays theirs


def test_migrate_makes_no_officers_group_where_there_is_none():
    Group.objects.filter(name=OFFICERS_GROUP).delete()
    call_command("migrate", verbosity=0)
    assert not Group.objects.filter(name=OFFICERS_GROUP).exists()
