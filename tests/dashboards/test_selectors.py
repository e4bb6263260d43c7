"""Dashboard aggregates agree with the shared definitions in projects.models."""
import pytest

from benchmarks.synthetic import portfolio_generate
from dashboards.selectors import active_per_year
from projects.models import ActivityStatus, Project, running_in_year
from projects.selectors import project_list

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("params", [{}, {"region": "asia-pacific"}, {"donor": "SDC"}])
def test_active_per_year_counts_what_running_in_year_selects(annex, params):
    portfolio_generate(projects=150, seed=21)
    _filterset, projects = project_list(user=None, params=params)

    bars = active_per_year(projects)

    running = (
        Project.objects.filter(pk__in=projects.order_by().values("pk"))
        .with_dates()
        .exclude(status_override=ActivityStatus.CANCELLED)
    )
    expected = {str(year): running.filter(running_in_year(year)).count() for year in range(1990, 2040)}
    assert bars and {bar.key: bar.value for bar in bars} == {key: n for key, n in expected.items() if key in {b.key for b in bars}}
    assert sum(expected.values()) == sum(bar.value for bar in bars) > 0  # no year with projects left off
    assert [int(bar.key) for bar in bars] == list(range(int(bars[0].key), int(bars[-1].key) + 1))
