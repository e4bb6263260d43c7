"""The money scenarios: the raw-SQL baselines answer exactly what the product's selectors answer, and the
product's query count does not grow with the portfolio."""
import orjson
import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from benchmarks import money
from benchmarks.synthetic import portfolio_generate, synthetic_projects
from finance.models import Budget, BudgetType, Transaction

pytestmark = pytest.mark.django_db

SCENARIOS = [
    (money.dashboard_money, money.dashboard_money_sql, {}),
    (money.dashboard_money, money.dashboard_money_sql, {"currency": "CHF"}),
    (money.stats_money, money.stats_money_sql, {"currency": "EUR"}),
]


def answer(view, query, user=None):
    request = RequestFactory().get("/", query)
    request.user = user or AnonymousUser()
    response = view(request)
    assert response.status_code == 200
    return orjson.loads(response.content)


@pytest.mark.parametrize(("product", "baseline", "query"), SCENARIOS)
def test_the_baseline_answers_what_the_product_answers(annex, product, baseline, query):
    portfolio_generate(projects=80, seed=11)
    projects = synthetic_projects(11)
    # Draft projects and internal rows must be left out on both sides; a revised budget replaces its original.
    assert projects.filter(is_published=False).exists()
    assert Transaction.objects.filter(is_internal=True).exists() and Budget.objects.filter(is_internal=True).exists()
    assert Budget.objects.filter(budget_type=BudgetType.REVISED).exists()

    expected = answer(product, query)
    assert answer(baseline, query) == expected
    assert expected  # not two empty answers
    figures = expected["money"] if "money" in expected else expected["SDC"]
    assert float(figures["budget"]["total"]) > 0


def test_the_baselines_are_for_the_anonymous_viewer_only(annex, officer):
    """Staff figures include internal money, which the baseline SQL leaves out: it refuses staff."""
    for view in (money.dashboard_money_sql, money.stats_money_sql):
        request = RequestFactory().get("/")
        request.user = officer
        assert view(request).status_code == 400


@pytest.mark.parametrize(("view", "queries"), [(money.dashboard_money, 4), (money.stats_money, 2),
                                                (money.dashboard_money_sql, 2), (money.stats_money_sql, 2)])
def test_query_counts_do_not_grow_with_the_portfolio(annex, django_assert_num_queries, view, queries):
    query = {"currency": "EUR"}
    portfolio_generate(projects=10, seed=12)
    answer(view, query)  # the rate table is read once per process
    with django_assert_num_queries(queries):
        answer(view, query)
    portfolio_generate(projects=60, seed=12)
    with django_assert_num_queries(queries):
        answer(view, query)
