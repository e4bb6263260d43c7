"""projects 0011: funding currencies entered in lower case before the rule are upper-cased."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("projects", "0010_project_history_one_entry_per_save")]


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    loader = MigrationExecutor(connection).loader
    return loader.project_state(list(loader.applied_migrations)).apps


def test_lowercase_funding_currencies_are_upper_cased():
    apps = migrate(BEFORE)
    Donor = apps.get_model("donors", "Donor")
    Project = apps.get_model("projects", "Project")
    Funding = apps.get_model("projects", "Funding")
    project = Project.objects.create(title="P", short_name="P", slug="p", planned_start="2024-01-01", planned_end="2024-12-31")
    donor = Donor.objects.create(name="Swiss Agency", acronym="SDC")
    funding = Funding.objects.create(project=project, donor=donor, amount=1_500_000, currency="chf")
    apps = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert apps.get_model("projects", "Funding").objects.get(pk=funding.pk).currency == "CHF"
