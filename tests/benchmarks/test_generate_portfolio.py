"""generate_portfolio: N projects with realistic shapes, the same for the same seed."""
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count

from benchmarks.synthetic import CHILD_TABLES, portfolio_generate, synthetic_projects
from deadlines.models import Deadline
from projects.models import Funding, Objective, Project, Scope

pytestmark = pytest.mark.django_db

N = 200


def signature(seed):
    """What a generated portfolio is made of, independent of primary keys."""
    projects = (
        synthetic_projects(seed)
        .order_by("slug")
        .prefetch_related("countries", "corridors", "objectives", "fundings__donor", "project_partners__partner", "deadlines")
    )
    return [
        (
            p.slug, p.title, p.scope, p.region_id, p.planned_start, p.planned_end, p.actual_start, p.actual_end,
            p.status_override, p.is_published,
            sorted(c.code for c in p.countries.all()),
            sorted(str(c) for c in p.corridors.all()),
            [o.text for o in p.objectives.all()],
            sorted((f.donor.acronym, f.amount, f.currency) for f in p.fundings.all()),
            sorted((pp.partner.name, pp.role) for pp in p.project_partners.all()),
            sorted((d.generation_key, d.due_on, d.state) for d in p.deadlines.all()),
        )
        for p in projects
    ]


def test_generates_the_requested_number_of_projects_with_realistic_shapes(annex):
    result = portfolio_generate(projects=N, seed=3)

    projects = synthetic_projects(3)
    assert result.projects == projects.count() == N
    countries = list(projects.annotate(n=Count("countries")).values_list("n", flat=True))
    assert min(countries) >= 1 and max(countries) <= 8
    assert len(set(countries)) >= 5  # national projects and multi-country ones
    objectives = list(projects.annotate(n=Count("objectives")).values_list("n", flat=True))
    assert min(objectives) >= 1 and max(objectives) <= 5
    assert projects.filter(corridors__isnull=False).distinct().count() >= N // 10
    assert not projects.filter(scope=Scope.GLOBAL, region__isnull=False).exists()
    assert Deadline.objects.filter(project__in=projects).count() >= 2 * N

    fundings = Funding.objects.filter(project__in=projects)
    assert not projects.annotate(n=Count("fundings")).filter(n=0).exists()
    per_donor = Counter(fundings.values_list("donor__acronym", flat=True))
    ranked = [n for _donor, n in per_donor.most_common()]
    assert ranked[0] >= 0.2 * N  # the biggest donor funds a large share
    assert ranked[0] >= 4 * ranked[len(ranked) // 2]  # far more than a typical donor
    currencies = set(fundings.exclude(currency="").values_list("currency", flat=True))
    assert len(currencies) >= 4
    assert fundings.filter(amount__isnull=True, currency="").exists()  # some without amounts
    assert set(Objective.objects.filter(project__in=projects).values_list("order", flat=True)) <= {1, 2, 3, 4, 5}


def test_generated_deadlines_are_what_the_product_would_generate(annex):
    """Report deadlines name the donor they are owed to, so the donor-privacy rule applies to them."""
    from deadlines.services import deadlines_generate_for_project

    portfolio_generate(projects=60, seed=6)
    projects = synthetic_projects(6)
    reports = Deadline.objects.filter(project__in=projects).exclude(kind__in=["project-start", "project-end", "mid-term-evaluation"])
    assert reports.exists()
    assert not reports.filter(donor__isnull=True).exists()
    assert not reports.exclude(project__fundings__donor=models.F("donor")).exists()  # owed to a funder
    for project in projects:  # regenerating changes nothing: the generator used the product's rule
        result = deadlines_generate_for_project(project=project)
        assert (result.created, result.moved, result.removed) == (0, 0, 0), project.slug


def test_the_same_seed_gives_the_same_portfolio(annex):
    portfolio_generate(projects=N, seed=5)
    first = signature(5)
    synthetic_projects(5).delete()
    portfolio_generate(projects=N, seed=5)

    assert signature(5) == first
    portfolio_generate(projects=N, seed=6)
    assert [row[1:] for row in signature(6)] != [row[1:] for row in first]


def test_a_second_run_adds_projects_after_the_first(annex):
    portfolio_generate(projects=30, seed=1)
    portfolio_generate(projects=20, seed=1)

    assert synthetic_projects(1).count() == 50
    assert Project.objects.count() == 21 + 50


def test_command_prints_a_one_line_summary(annex):
    out = io.StringIO()
    call_command("generate_portfolio", projects=12, seed=2, no_progress=True, stdout=out)

    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("generate_portfolio: 12 projects with ")
    assert synthetic_projects(2).count() == 12


SCHEMA_SQL = """
SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
 WHERE conrelid::regclass::text LIKE 'projects\\_%%'
UNION ALL
SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'projects\\_%%'
ORDER BY 1, 2, 3
"""


def project_schema():
    with connection.cursor() as cursor:
        cursor.execute(SCHEMA_SQL)
        return cursor.fetchall()


@pytest.mark.postgresql_only
def test_a_large_load_restores_every_index_and_foreign_key(annex, monkeypatch):
    """Big PostgreSQL loads drop foreign keys and secondary indexes for the COPY; all must come back."""
    monkeypatch.setattr("benchmarks.synthetic.REBUILD_FROM", 1)
    before = project_schema()
    assert any("gin_trgm_ops" in row[2] for row in before)
    assert any("FOREIGN KEY" in row[2] for row in before)

    portfolio_generate(projects=40, seed=4)

    assert project_schema() == before
    assert synthetic_projects(4).count() == 40
    # The restored keys hold: an orphan funding row is refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        Funding.objects.create(project_id=10**9, donor_id=Funding.objects.first().donor_id)
        connection.check_constraints()


@pytest.mark.postgresql_only
def test_a_failed_large_load_leaves_the_schema_and_data_as_they_were(annex, monkeypatch):
    monkeypatch.setattr("benchmarks.synthetic.REBUILD_FROM", 1)
    before, projects_before = project_schema(), Project.objects.count()

    def broken(self, model, fields, rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr("benchmarks.synthetic._CopyWriter.insert", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        portfolio_generate(projects=40, seed=4)

    assert project_schema() == before
    assert Project.objects.count() == projects_before


def test_command_shows_progress_and_the_indexing_after_the_last_batch(annex):
    err = io.StringIO()
    call_command("generate_portfolio", projects=12, seed=2, stdout=io.StringIO(), stderr=err)

    assert "12/12" in err.getvalue()
    assert "indexing" in err.getvalue()


def secondary_indexes() -> dict[str, int]:
    """The plain indexes of the tables a load writes, by name, with their OIDs (new when rebuilt)."""
    tables = [Project._meta.db_table, *(model._meta.db_table for model, _fields in CHILD_TABLES.values())]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, indexrelid::int FROM pg_index"
            " WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary AND NOT indisunique",
            [tables],
        )
        return dict(cursor.fetchall())


@pytest.mark.postgresql_only
def test_a_load_smaller_than_the_table_keeps_the_indexes(annex, monkeypatch):
    """Rebuilding every index of a big table for a small addition would cost more than it saves."""
    monkeypatch.setattr("benchmarks.synthetic.REBUILD_FROM", 1)
    before = secondary_indexes()
    assert before

    portfolio_generate(projects=10, seed=4)  # 10 added to the annex's 21: the same indexes, updated in place
    assert secondary_indexes() == before
    portfolio_generate(projects=40, seed=5)  # 40 added to 31: dropped for the load and built again
    after = secondary_indexes()
    assert after.keys() == before.keys()
    assert all(after[name] != oid for name, oid in before.items())
