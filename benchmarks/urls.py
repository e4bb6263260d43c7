"""/__benchmark__/: raw-SQL baselines and process figures; included only when PORTFOLIO_BENCHMARK=1."""
from django.urls import path

from benchmarks import baseline, money, results, writes

urlpatterns = [
    path("projects/", baseline.project_list, name="benchmark-projects"),
    path("projects.csv", baseline.project_csv, name="benchmark-projects-csv"),
    path("stats/", baseline.stats, name="benchmark-stats"),
    path("dashboard/", baseline.dashboard, name="benchmark-dashboard"),
    path("admin/", baseline.admin_changelist, name="benchmark-admin"),
    path("money/dashboard/", money.dashboard_money, name="benchmark-money-dashboard"),
    path("money/dashboard/sql/", money.dashboard_money_sql, name="benchmark-money-dashboard-sql"),
    path("money/stats/", money.stats_money, name="benchmark-money-stats"),
    path("money/stats/sql/", money.stats_money_sql, name="benchmark-money-stats-sql"),
    path("results/largest/", results.largest, name="benchmark-results-largest"),
    path("results/page/", results.results_page, name="benchmark-results-page"),
    path("results/page/sql/", results.results_page_sql, name="benchmark-results-page-sql"),
    path("results/summary/", results.results_summary, name="benchmark-results-summary"),
    path("results/summary/sql/", results.results_summary_sql, name="benchmark-results-summary-sql"),
    path("write/", writes.write, name="benchmark-write"),
    path("last/", baseline.last_request, name="benchmark-last"),
    path("memory/", baseline.memory, name="benchmark-memory"),
]
