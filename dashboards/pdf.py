"""PDF reports: a portfolio report (filtered dashboard or one donor's projects) and a project sheet.

WeasyPrint renders dedicated print templates (templates/dashboards/pdf/) with the same selectors
as the HTML pages, so a report shows the viewer exactly the figures, money and results the page
shows them, in their language. The rendering itself is in `dashboards.pdf_render`, imported
by the first PDF request only.
"""
import datetime
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.translation import gettext as _

from dashboards import selectors
from dashboards.facts import facts_version
from results.selectors import track_summary

# Rows of the projects table at most (WeasyPrint lays out about 30 a second); beyond it the report says how
# many are not shown, and the CSV and XLSX exports hold them all.
PDF_PROJECTS_LIMIT = 200


def pdf_response(request, template: str, context: dict, *, filename: str) -> HttpResponse:
    # Imported here: WeasyPrint takes about a second and 45 MB to import, which no other request should pay.
    from dashboards.pdf_render import render_pdf

    response = HttpResponse(render_pdf(request, template, context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_filename(*parts: str, today: datetime.date) -> str:
    """`portfolio-SDC-2026-11-28.pdf`: the parts (ASCII letters, digits, - and _ kept) and the day."""
    cleaned = ["".join(ch for ch in part if ch.isascii() and (ch.isalnum() or ch in "-_")) for part in parts]
    return "-".join([*(part for part in cleaned if part), today.isoformat()]) + ".pdf"


@dataclass(frozen=True)
class ProjectRows:
    """The projects table of a report: the first `PDF_PROJECTS_LIMIT` rows and how many are left out."""

    rows: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def portfolio_report(*, user, params, currency: str, today: datetime.date, fixed_donor: str = "") -> dict:
    """What a portfolio report shows: the dashboard's figures, money, charts, table and results.

    The same selectors as the dashboard and the donor page, on the same filtered
    projects; the table holds every matching project up to PDF_PROJECTS_LIMIT.
    A fixed number of queries however many projects match.
    """
    projects, errors = selectors.filtered_projects(user=user, params=params, today=today)
    figures = selectors.portfolio_figures(projects, today=today)
    panel = selectors.filter_panel(user=user, params=params, fixed_donor=fixed_donor)
    track = track_summary(projects, today=today)
    bars = {
        "by_region": selectors.projects_by_region(projects),
        "by_donor": selectors.projects_by_donor(projects),
        "per_year": selectors.active_per_year(projects),
    }
    return {
        **bars,
        "tops": {name: max((bar.value for bar in found), default=0) for name, found in bars.items()},
        "today": today,
        "errors": selectors.filter_error_labels(errors),
        "active_filters": panel["active"],
        "figures": figures,
        "money": selectors.portfolio_money(projects, user=user, currency=currency,
                                           from_facts=facts_version(currency) is not None),
        "currency": currency,
        "projects": ProjectRows(list(selectors.project_page(projects)[:PDF_PROJECTS_LIMIT]), figures["projects"]),
        "limit": PDF_PROJECTS_LIMIT,
        "track": track if track["total"].total else None,
        "deadlines": None,  # a donor's report adds them for its readers
    }


def filters_text(active_filters) -> str:
    """The filters applied, for the report's header: "Region: Africa · From year: 2012", or "none"."""
    if not active_filters:
        return _("No filter: all the projects you may see.")
    return " · ".join(f"{item.label}: {item.text}" for item in active_filters)
