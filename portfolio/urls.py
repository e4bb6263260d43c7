from django.conf import settings
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portfolio.health import healthz

admin.site.site_header = "Portfolio administration"
admin.site.site_title = "Portfolio"
admin.site.index_title = "Technical-cooperation portfolio"


def favicon(request):
    """Browsers ask for /favicon.ico on every page, the admin's included."""
    return HttpResponseRedirect(static("favicon.ico"))


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls", namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script from /api/docs/?script=: no inline script for the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("calendar/", include("deadlines.urls")),
    path("reporting/", include("deadlines.reporting_urls")),
    path("documents/", include("documents.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("dashboards.urls")),
]

if settings.BENCHMARK:  # benchmarks/run.py only: raw-SQL baselines next to the product
    urlpatterns.insert(0, path("__benchmark__/", include("benchmarks.urls")))
