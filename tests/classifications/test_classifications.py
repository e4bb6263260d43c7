"""A project's sectors and policy markers: the service the importer uses, the model's checks, the data migration."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from classifications.models import ProjectPolicyMarker, ProjectSector
from classifications.services import project_classifications_set
from projects.models import Project


def sectors_of(project):
    return [(s.vocabulary, s.code, s.percentage) for s in project.sectors.order_by("vocabulary", "code")]


@pytest.fixture
def project(db):
    return Project.objects.create(title="P", short_name="P", slug="p", planned_start="2024-01-01", planned_end="2025-12-31")


def test_the_service_sets_sectors_of_every_vocabulary_and_markers(project):
    changed = project_classifications_set(
        project,
        sectors=[("1", "15190", 60), ("1", "16020", "40.0"), ("2", "151", None), ("7", "8", None), ("8", "8.8", 100),
                 ("99", "LM-GOV", None)],
        policy_markers=[("1", "1", 2), ("1", "12", "0")],
    )
    assert changed
    assert sectors_of(project) == [
        ("1", "15190", Decimal("60.00")), ("1", "16020", Decimal("40.00")), ("2", "151", Decimal("100.00")),
        ("7", "8", Decimal("100.00")), ("8", "8.8", Decimal("100.00")), ("99", "LM-GOV", Decimal("100.00")),
    ]
    assert {(m.code, m.significance) for m in project.policy_markers.all()} == {("1", 2), ("12", 0)}


def test_the_same_lists_again_change_nothing_and_record_no_history(project):
    sectors, markers = [("1", "15190", 100)], [("1", "1", 1)]
    project_classifications_set(project, sectors=sectors, policy_markers=markers)
    history = ProjectSector.history.count() + ProjectPolicyMarker.history.count()
    ids = list(project.sectors.values_list("pk", flat=True))
    assert project_classifications_set(project, sectors=sectors, policy_markers=markers) is False
    assert ProjectSector.history.count() + ProjectPolicyMarker.history.count() == history
    assert list(project.sectors.values_list("pk", flat=True)) == ids


def test_new_lists_replace_the_old_ones_and_none_leaves_a_list_alone(project):
    project_classifications_set(project, sectors=[("1", "15190", 100)], policy_markers=[("1", "1", 1)])
    assert project_classifications_set(project, sectors=[("1", "15190", 50), ("1", "15150", 50)])
    assert sectors_of(project) == [("1", "15150", Decimal("50.00")), ("1", "15190", Decimal("50.00"))]
    assert project.policy_markers.count() == 1  # not given: kept
    assert project_classifications_set(project, policy_markers=[])
    assert project.policy_markers.count() == 0 and project.sectors.count() == 2


@pytest.mark.parametrize("sectors, markers, message", [
    ([("1", "99999", 100)], None, "'99999' is not a code of the IATI Sector codelist"),
    ([("1", "151", 100)], None, "'151' is not a code of the IATI Sector codelist"),
    ([("2", "15190", 100)], None, "'15190' is not a code of the IATI SectorCategory codelist"),
    ([("7", "18", 100)], None, "'18' is not a code of the IATI UNSDG-Goals codelist"),
    ([("8", "8.z", 100)], None, "'8.z' is not a code of the IATI UNSDG-Targets codelist"),
    ([("5", "0101", 100)], None, "vocabulary '5' is not one of"),
    ([("1", "15190", 60), ("1", "16020", 30)], None, "add up to 90%, not 100%"),
    ([("1", "15190", 60), ("1", "16020", None)], None, "the percentage None is not a number"),
    ([("1", "15190", 120)], None, "not between 0 and 100"),
    ([("1", "15190", 50), ("1", "15190", 50)], None, "given twice"),
    (None, [("1", "13", 1)], "'13' is not a code of the IATI PolicyMarker codelist"),
    (None, [("1", "1", 5)], "significance 5 is not a code of the IATI PolicySignificance codelist"),
    (None, [("99", "1", 1)], "vocabulary '99' is not supported"),
])
def test_an_unknown_code_or_a_bad_share_is_reported_and_nothing_is_written(project, sectors, markers, message):
    project_classifications_set(project, sectors=[("1", "15190", 100)], policy_markers=[("1", "1", 1)])
    with pytest.raises(ValidationError) as raised:
        project_classifications_set(project, sectors=sectors, policy_markers=markers)
    assert message in str(raised.value)
    assert sectors_of(project) == [("1", "15190", Decimal("100.00"))]
    assert [(m.code, m.significance) for m in project.policy_markers.all()] == [("1", 1)]


def test_every_problem_is_named_at_once(project):
    with pytest.raises(ValidationError) as raised:
        project_classifications_set(project, sectors=[("1", "00000", 50), ("1", "x", 50)],
                                    policy_markers=[("1", "0", 1)])
    assert len(raised.value.message_dict["sectors"]) == 2 and len(raised.value.message_dict["policy_markers"]) == 1


def test_the_models_check_codes_in_clean(project):
    with pytest.raises(ValidationError, match="not a code of the IATI Sector codelist"):
        ProjectSector(project=project, vocabulary="1", code="12345", percentage=100).full_clean()
    with pytest.raises(ValidationError, match="not a code of the IATI PolicyMarker codelist"):
        ProjectPolicyMarker(project=project, code="42", significance=1).full_clean()
    ProjectSector(project=project, vocabulary="99", code="OWN-1", percentage=100).full_clean()
    sector = ProjectSector(project=project, vocabulary="1", code=" 15190 ", percentage=100)
    sector.full_clean()
    assert sector.code == "15190" and str(sector).startswith("15190 Facilitation of orderly")


def test_the_database_refuses_a_share_out_of_range_and_a_second_row_of_a_code(project):
    from django.db import IntegrityError, transaction

    with transaction.atomic(), pytest.raises(IntegrityError):
        ProjectSector.objects.create(project=project, code="15190", percentage=101)
    ProjectSector.objects.create(project=project, code="15190", percentage=100)
    with transaction.atomic(), pytest.raises(IntegrityError):
        ProjectSector.objects.create(project=project, code="15190", percentage=10)
    with transaction.atomic(), pytest.raises(IntegrityError):
        ProjectPolicyMarker.objects.create(project=project, code="1", significance=7)


def test_a_deleted_project_comes_back_with_its_sectors_and_markers(project):
    from projects.history import project_delete, project_restore

    project_classifications_set(project, sectors=[("1", "15190", 100)], policy_markers=[("1", "1", 2)])
    pk = project.pk
    project_delete(project=project)
    assert not ProjectSector.objects.exists()
    restored = project_restore(project_id=pk)
    assert sectors_of(restored) == [("1", "15190", Decimal("100.00"))]
    assert [(m.code, m.significance) for m in restored.policy_markers.all()] == [("1", 2)]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_projects_15190_and_new_ones_nothing():
    executor = MigrationExecutor(connection)
    executor.migrate([("classifications", "0001_project_sectors_policy_markers")])
    apps = executor.loader.project_state([("classifications", "0001_project_sectors_policy_markers")]).apps
    Project_ = apps.get_model("projects", "Project")
    old = Project_.objects.create(title="Old", short_name="Old", slug="old", planned_start="2010-01-01",
                                  planned_end="2012-12-31")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert [(s.vocabulary, s.code, s.percentage) for s in ProjectSector.objects.filter(project_id=old.pk)] == [
        ("1", "15190", Decimal("100.00"))]
    new = Project.objects.create(title="New", short_name="New", slug="new", planned_start="2024-01-01",
                                 planned_end="2025-12-31")
    assert not new.sectors.exists()
