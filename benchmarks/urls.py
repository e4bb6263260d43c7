"""/__benchmark__/: raw-SQL baselines and process figures; included only when PORTFOLIO_BENCHMARK=1."""
from django.urls import path

from benchmarks import baseline

urlpatterns = [
    path("projects/", baseline.project_list, name="benchmark-projects"),
    path("projects.csv", baseline.project_csv, name="benchmark-projects-csv"),
    path("stats/", baseline.stats, name="benchmark-stats"),
    path("dashboard/", baseline.dashboard, name="benchmark-dashboard"),
    path("admin/", baseline.admin_changelist, name="benchmark-admin"),
    path("last/", baseline.last_request, name="benchmark-last"),
    path("memory/", baseline.memory, name="benchmark-memory"),
]
