"""generate_portfolio's money: budgets and transactions of the shapes real projects have."""
from collections import Counter, defaultdict

import pytest
from django.db.models import Count, F
from django.utils import timezone

from benchmarks.synthetic import portfolio_generate, synthetic_projects
from finance.currencies import currency_codes
from finance.models import (
    Budget,
    BudgetType,
    Transaction,
    TransactionType,
    one_year_later,
)
from finance.selectors import money_of
from projects.models import Project

pytestmark = pytest.mark.django_db

N = 150


def money_signature(seed):
    """Every budget and transaction of a seed's projects, by project slug, without primary keys."""
    budgets = Budget.objects.filter(project__in=synthetic_projects(seed)).values_list(
        "project__slug", "budget_type", "status", "period_start", "period_end", "value", "currency", "value_date",
        "is_internal",
    )
    transactions = Transaction.objects.filter(project__in=synthetic_projects(seed)).values_list(
        "project__slug", "transaction_type", "date", "value", "currency", "value_date", "provider_donor__acronym",
        "receiver_partner__name", "is_internal",
    )
    return sorted(budgets), sorted(transactions, key=str)


def test_every_project_has_yearly_budgets_within_its_dates(annex):
    result = portfolio_generate(projects=N, seed=8)
    projects = synthetic_projects(8)
    budgets = Budget.objects.filter(project__in=projects)

    assert result.budgets == budgets.count() > N
    assert not projects.annotate(n=Count("budgets")).filter(n=0).exists()
    for budget in budgets.select_related("project"):
        project = budget.project
        assert budget.period_start <= budget.period_end < one_year_later(budget.period_start)  # IATI: at most a year
        assert (project.actual_start or project.planned_start) <= budget.period_start
        assert budget.period_end <= (project.actual_end or project.planned_end)
        budget.full_clean()  # the model's own rules, currency included
    kinds = Counter(budgets.values_list("budget_type", flat=True))
    assert kinds[BudgetType.ORIGINAL] > kinds[BudgetType.REVISED] > 0  # some periods revised
    # A revision is of an existing original period.
    revised = budgets.filter(budget_type=BudgetType.REVISED)
    assert not revised.exclude(
        project__budgets__budget_type=BudgetType.ORIGINAL, project__budgets__period_start=F("period_start"),
        project__budgets__period_end=F("period_end"),
    ).exists()


def test_transactions_have_every_kind_in_a_plausible_order(annex):
    result = portfolio_generate(projects=N, seed=8)
    projects = synthetic_projects(8)
    transactions = Transaction.objects.filter(project__in=projects)
    today = timezone.localdate()

    assert result.transactions == transactions.count() > 10 * N
    kinds = Counter(transactions.values_list("transaction_type", flat=True))
    assert set(kinds) == {
        TransactionType.INCOMING_COMMITMENT, TransactionType.INCOMING_FUNDS, TransactionType.OUTGOING_COMMITMENT,
        TransactionType.DISBURSEMENT, TransactionType.EXPENDITURE,
    }
    assert kinds[TransactionType.DISBURSEMENT] > 3 * kinds[TransactionType.OUTGOING_COMMITMENT]  # quarterly
    assert not transactions.filter(date__gt=today).exists()  # what happened, not what is planned
    assert not transactions.exclude(value_date=F("date")).exists()
    assert all(day.weekday() < 5 for day in transactions.values_list("value_date", flat=True))  # working days

    # Incoming money comes from the project's own funders; outgoing money names no donor.
    incoming = transactions.filter(transaction_type__in=[TransactionType.INCOMING_COMMITMENT, TransactionType.INCOMING_FUNDS])
    assert not incoming.filter(provider_donor__isnull=True).exists()
    assert not incoming.exclude(project__fundings__donor=F("provider_donor")).exists()
    assert not transactions.exclude(pk__in=incoming).filter(provider_donor__isnull=False).exists()

    # One outgoing commitment at the start of each project begun; expenditure lags the disbursements.
    flows = defaultdict(lambda: defaultdict(list))
    for project_id, kind, day, value, currency in transactions.values_list(
        "project", "transaction_type", "date", "value", "currency"
    ):
        flows[project_id][kind].append((day, value, currency))
    started = [p for p in projects if (p.actual_start or p.planned_start) <= today]
    assert started and all(len(flows[p.pk][TransactionType.OUTGOING_COMMITMENT]) == 1 for p in started)
    for project_id, kinds in flows.items():
        disbursed, spent = kinds[TransactionType.DISBURSEMENT], kinds[TransactionType.EXPENDITURE]
        assert disbursed
        assert {c for _d, _v, c in spent} <= {c for _d, _v, c in disbursed}
        assert sum(v for _d, v, _c in spent) <= sum(v for _d, v, _c in disbursed)
        if spent:
            assert min(d for d, _v, _c in spent) > min(d for d, _v, _c in disbursed)
        assert min(d for d, _v, _c in disbursed) >= kinds[TransactionType.OUTGOING_COMMITMENT][0][0]


def test_money_is_in_several_upper_case_currencies_that_all_convert(annex, officer):
    portfolio_generate(projects=N, seed=8)
    projects = synthetic_projects(8)
    budgets, transactions = Budget.objects.filter(project__in=projects), Transaction.objects.filter(project__in=projects)

    currencies = set(budgets.values_list("currency", flat=True)) | set(transactions.values_list("currency", flat=True))
    assert len(currencies) >= 5
    assert {"USD", "EUR"} <= currencies
    assert all(code == code.upper() and code in currency_codes() for code in currencies)
    money = money_of(projects, user=officer, currency="EUR")
    assert money.left_out == 0  # every amount has an ECB rate at its value date
    assert money.budget.total > money.disbursed.total > money.spent.total > 0
    # A small share is internal: staff see more than the public.
    internal = budgets.filter(is_internal=True).count() + transactions.filter(is_internal=True).count()
    assert 0 < internal < 0.05 * (budgets.count() + transactions.count())


def test_the_annex_gets_no_money(annex):
    portfolio_generate(projects=40, seed=8)

    real = Project.objects.exclude(pk__in=synthetic_projects())
    assert real.count() == 21
    assert not Budget.objects.filter(project__in=real).exists()
    assert not Transaction.objects.filter(project__in=real).exists()


def test_the_same_seed_gives_the_same_money(annex):
    portfolio_generate(projects=60, seed=9)
    first = money_signature(9)
    projects_before = list(synthetic_projects(9).order_by("slug").values_list("slug", "title", "planned_start"))
    synthetic_projects(9).delete()
    portfolio_generate(projects=60, seed=9)

    assert first[0] and first[1]
    assert money_signature(9) == first
    assert list(synthetic_projects(9).order_by("slug").values_list("slug", "title", "planned_start")) == projects_before
    portfolio_generate(projects=60, seed=10)
    assert [row[1:] for row in money_signature(10)[1]] != [row[1:] for row in first[1]]

