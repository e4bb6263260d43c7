"""The results scenarios: the raw-SQL baselines answer exactly what the product's selectors answer, and the
product's query count does not grow with the portfolio."""
import orjson
import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from benchmarks import results
from benchmarks.synthetic import portfolio_generate
from results.models import Measure, Update, UpdateState

pytestmark = pytest.mark.django_db


def answer(view, query=None, user=None):
    request = RequestFactory().get("/", query or {})
    request.user = user or AnonymousUser()
    response = view(request)
    assert response.status_code == 200, response.content
    return orjson.loads(response.content)


def largest():
    return answer(results.largest)["project"]


def test_the_results_page_baseline_answers_what_the_product_answers(annex):
    portfolio_generate(projects=80, seed=31)
    project = largest()
    expected = answer(results.results_page, {"project": project})
    assert answer(results.results_page_sql, {"project": project}) == expected
    periods = expected["periods"]
    assert len(periods) >= 8
    assert any(p["actual"] for p in periods) and any(p["track"] for p in periods)


def test_every_generated_page_matches(annex):
    """Every published project with results: qualitative texts, disaggregations and levels included."""
    portfolio_generate(projects=60, seed=32)
    projects = set(Update.objects.filter(period__indicator__result__project__is_published=True).values_list(
        "period__indicator__result__project_id", flat=True))
    assert len(projects) > 5
    seen = {"dimensions": False, "texts": False}
    for project in sorted(projects):
        expected = answer(results.results_page, {"project": project})
        assert answer(results.results_page_sql, {"project": project}) == expected, project
        seen["dimensions"] |= any(p["dimensions"] for p in expected["periods"])
        seen["texts"] |= any(p["texts"] for p in expected["periods"])
    assert all(seen.values())


def test_the_results_summary_baseline_answers_what_the_product_answers(annex):
    portfolio_generate(projects=120, seed=33)
    # Submitted figures count nowhere: both sides must leave them out.
    assert Update.objects.filter(state=UpdateState.SUBMITTED).exists()
    assert Update.objects.filter(period__indicator__measure=Measure.PERCENTAGE).exists()
    expected = answer(results.results_summary)
    assert answer(results.results_summary_sql) == expected
    total = expected["total"]
    assert total["on"] > 0 and total["off"] > 0 and total["no_data"] > 0
    assert expected["by_region"] and expected["by_donor"]


def test_the_baselines_are_for_the_anonymous_viewer_only(annex, officer):
    for view in (results.results_page_sql, results.results_summary_sql):
        request = RequestFactory().get("/", {"project": 1})
        request.user = officer
        assert view(request).status_code == 400


@pytest.mark.parametrize(("view", "queries"), [
    (results.results_page, 7), (results.results_page_sql, 4),
    (results.results_summary, 5), (results.results_summary_sql, 3),
])
def test_query_counts_do_not_grow_with_the_portfolio(annex, django_assert_num_queries, view, queries):
    for size, seed in ((15, 34), (60, 35)):
        portfolio_generate(projects=size, seed=seed)
        query = {"project": largest()}
        with django_assert_num_queries(queries):
            answer(view, query)
