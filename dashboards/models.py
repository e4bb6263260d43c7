"""Per-project facts the dashboards and stats/ aggregate, kept fresh by database triggers.

A write to a project, its budgets or its transactions, by any path (admin, API, services,
imports, COPY, raw SQL), marks the project in DirtyProject from a trigger (migration 0002);
dashboards.facts refreshes the marked projects before it reads, so a committed write is in
the next request's figures. Facts are a cache: they hold no foreign-key constraint, and
`manage.py dashboards_facts_rebuild` rebuilds them from scratch.

Money is in the PORTFOLIO_CURRENCY setting, converted with the rate table of `FactsState.rates`,
unrounded (finance.rates.converted_sum): a figure sums the projects' facts and rounds once,
as finance.selectors does over their rows. "staff" rows count every amount; the others the
non-internal amounts of published projects (finance.selectors.budgets_visible()...).
"""
from django.db import models

AMOUNT = {"max_digits": 40, "decimal_places": 16, "default": 0}


class FactsState(models.Model):
    """The one row saying what the money facts were converted with (a change rebuilds them all), and
    their version: a new one each time any fact changes, so figures cached under it are never stale."""

    currency = models.CharField(max_length=3)
    rates = models.CharField(max_length=64)
    version = models.CharField(max_length=32)
    rebuilt_at = models.DateTimeField()


class DirtyProject(models.Model):
    """A project whose facts a write made stale (the triggers insert it; a refresh deletes it)."""

    project_id = models.BigIntegerField(primary_key=True)


class ProjectFact(models.Model):
    """What the counts read of a project: published, region, effective dates and status override."""

    project = models.OneToOneField(
        "projects.Project", models.DO_NOTHING, primary_key=True, db_constraint=False, related_name="fact"
    )
    is_published = models.BooleanField()
    region = models.ForeignKey("regions.Region", models.DO_NOTHING, null=True, db_constraint=False, related_name="+")
    effective_start = models.DateField()
    effective_end = models.DateField()
    status_override = models.PositiveSmallIntegerField(null=True)

    class Meta:
        indexes = [
            # The timeline's first bars, in its order.
            models.Index(fields=["effective_start", "effective_end", "project"], name="dashboards_fact_timeline"),
        ]


class FourTotals(models.Model):
    """Budget, committed, disbursed and spent (finance.selectors.ProjectMoney), each an unrounded
    converted sum with its counted and left-out rows and its rates' first and last day."""

    budget = models.DecimalField(**AMOUNT)
    budget_counted = models.PositiveIntegerField(default=0)
    budget_left_out = models.PositiveIntegerField(default=0)
    budget_from = models.DateField(null=True)
    budget_to = models.DateField(null=True)
    committed = models.DecimalField(**AMOUNT)
    committed_counted = models.PositiveIntegerField(default=0)
    committed_left_out = models.PositiveIntegerField(default=0)
    committed_from = models.DateField(null=True)
    committed_to = models.DateField(null=True)
    disbursed = models.DecimalField(**AMOUNT)
    disbursed_counted = models.PositiveIntegerField(default=0)
    disbursed_left_out = models.PositiveIntegerField(default=0)
    disbursed_from = models.DateField(null=True)
    disbursed_to = models.DateField(null=True)
    spent = models.DecimalField(**AMOUNT)
    spent_counted = models.PositiveIntegerField(default=0)
    spent_left_out = models.PositiveIntegerField(default=0)
    spent_from = models.DateField(null=True)
    spent_to = models.DateField(null=True)

    class Meta:
        abstract = True


class MoneyFact(FourTotals):
    """A project's money as staff (every row) or as everyone else sees it; absent when it has none."""

    project = models.ForeignKey("projects.Project", models.DO_NOTHING, db_constraint=False, related_name="+")
    staff = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "staff"], name="dashboards_moneyfact_once")]


class YearFact(FourTotals):
    """A project's money in one calendar year: budgets by the year their period starts, transactions
    by the year of their date (finance.selectors.money_by_year)."""

    project = models.ForeignKey("projects.Project", models.DO_NOTHING, db_constraint=False, related_name="+")
    staff = models.BooleanField()
    year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "staff", "year"], name="dashboards_yearfact_once")]


class DonorFact(models.Model):
    """What one donor committed and paid into a project (finance.selectors.donor_contributions)."""

    project = models.ForeignKey("projects.Project", models.DO_NOTHING, db_constraint=False, related_name="+")
    staff = models.BooleanField()
    donor = models.ForeignKey("donors.Donor", models.DO_NOTHING, db_constraint=False, related_name="+")
    committed = models.DecimalField(**AMOUNT)
    committed_counted = models.PositiveIntegerField(default=0)
    committed_left_out = models.PositiveIntegerField(default=0)
    committed_from = models.DateField(null=True)
    committed_to = models.DateField(null=True)
    received = models.DecimalField(**AMOUNT)
    received_counted = models.PositiveIntegerField(default=0)
    received_left_out = models.PositiveIntegerField(default=0)
    received_from = models.DateField(null=True)
    received_to = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "staff", "donor"], name="dashboards_donorfact_once"),
        ]
