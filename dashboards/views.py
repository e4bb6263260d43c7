"""Dashboard pages: thin views over the shared project selector and the dashboard aggregates.

Every page works as plain links and GET forms; when htmx asks (HX-Request),
the dashboard answers with the results fragment only.
"""
import csv
from dataclasses import replace

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from api.exports import csv_cell
from dashboards import pdf, selectors
from dashboards.facts import facts_cached, facts_version
from dashboards.geo import Choropleth, choropleth
from deadlines.filters import ReportingFilterSet
from deadlines.selectors import (
    deadline_steps,
    deadlines_readable_by,
    report_file_url,
    report_visible_to,
    with_reports,
)
from documents.selectors import project_documents
from iati.selectors import project_texts
from projects.filters import ProjectFilterSet
from projects.selectors import sees_all_projects
from results.selectors import for_page as results_for_page
from results.selectors import track_summary

PAGE_SIZE = 20


def filter_params(query: QueryDict) -> QueryDict:
    """The FilterSet parameters of a dashboard query, without empty values.

    Parameters that are neither filters nor the page are dropped, so the CSV link
    carries exactly the filters shown.
    """
    params = QueryDict(mutable=True)
    for name in ProjectFilterSet.base_filters:
        values = [v for v in query.getlist(name) if v.strip()]
        if values:
            params.setlist(name, values)
    return params


def _is_fragment_request(request) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def _panel(request, params, *, fixed_donor="", version: str | None = None):
    choices = None
    if version is not None:  # the options change only with what the facts' version covers
        key = (sees_all_projects(request.user), get_language())
        choices = facts_cached("filter-choices", version=version, key=key,
                               compute=lambda: selectors.filter_choices(user=request.user))
    return selectors.filter_panel(user=request.user, params=params, fixed_donor=fixed_donor, choices=choices)


class CountedPaginator(Paginator):
    """A Paginator told its count (the figures already counted the projects): no COUNT query."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.known_count = count

    @property
    def count(self) -> int:
        return self.known_count


def _currency(request) -> dict:
    """The currency of a page's totals (`?currency=`), its error, and the query that keeps it in links."""
    currency, error = selectors.currency_pick(request.GET.get("currency"))
    kept = QueryDict(mutable=True)
    if currency != settings.PORTFOLIO_CURRENCY:
        kept["currency"] = currency
    return {
        "currency": currency,
        "default_currency": settings.PORTFOLIO_CURRENCY,
        "currency_error": error,
        "currencies": selectors.currency_choices(),
        # Appended to links to other pages: "?currency=EUR" / "&currency=EUR", empty for the default
        # (whose option in the pickers is empty too, so a shared address stays short).
        "currency_suffix": f"?{kept.urlencode()}" if kept else "",
        "currency_param": f"&{kept.urlencode()}" if kept else "",
    }


def _filter_href(query: QueryDict, base: str = "", **values: str) -> str:
    """The address of the page with `values` as its filters (replacing those it had) and the others kept."""
    params = query.copy()
    params.pop("page", None)
    for name, value in values.items():
        params.setlist(name, [value])
    return f"{base}?{params.urlencode()}"


def _linked_bars(request, query: QueryDict, context: dict, *, fixed_donor: str) -> None:
    """Give each chart bar the address that applies its filter: clicked in the chart or followed in its table."""
    context["by_region"] = [replace(b, href=_filter_href(query, region=b.key or "global")) for b in context["by_region"]]
    donor_bars = []
    for bar in context["by_donor"]:
        if fixed_donor:  # a donor page: another donor's bar goes to that donor's page, with the same filters
            href = _filter_href(query, reverse("dashboards:donor", args=[bar.key]))
        else:
            href = _filter_href(query, donor=bar.key)
        donor_bars.append(replace(bar, href=href))
    context["by_donor"] = donor_bars
    context["per_year"] = [replace(b, href=_filter_href(query, year_from=b.key, year_to=b.key)) for b in context["per_year"]]


def _country_map(query: QueryDict, figures: "selectors.DashboardFigures") -> Choropleth:
    """Projects (and, when the page shows money, budget and disbursed) per country, as a map and its table."""
    return choropleth(
        figures.by_country, href=lambda code: _filter_href(query, country=code), money=figures.money_by_country
    )


def _dashboard_context(request, *, fixed_donor=""):
    today = timezone.localdate()
    params = filter_params(request.GET)
    if fixed_donor:
        params["donor"] = fixed_donor
    projects, filter_errors = selectors.filtered_projects(user=request.user, params=params, today=today)
    money = _currency(request)
    if money["currency_error"]:
        filter_errors = {**filter_errors, "currency": [money["currency_error"]]}

    # In the default currency the money comes from the facts and, as long as nothing they cover changes,
    # the whole figures from the cache: every committed write moves their version on first. None: the
    # facts are too far behind to catch up in a request (dashboards.facts.facts_fresh), every row is read.
    version = facts_version(money["currency"])

    def compute():
        return selectors.dashboard_figures(projects, user=request.user, today=today, currency=money["currency"],
                                           from_facts=version is not None)

    if version is not None:
        key = (sees_all_projects(request.user), get_language(), today.isoformat(), sorted(params.lists()),
               bool(filter_errors))
        figures = facts_cached("dashboard", version=version, key=key, compute=compute)
    else:
        figures = compute()
    page = CountedPaginator(selectors.project_page(projects), PAGE_SIZE, count=figures.figures["projects"]).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    csv_query = params.copy()
    csv_query["format"] = "csv"
    if money["currency"] != settings.PORTFOLIO_CURRENCY:  # the CSV's money columns in the page's currency
        csv_query["currency"] = money["currency"]
    xlsx_query = csv_query.copy()
    xlsx_query["format"] = "xlsx"
    context = {
        "today": today,
        "errors": selectors.filter_error_labels(filter_errors),
        "error_fields": set(filter_errors),
        "panel": _panel(request, params, fixed_donor=fixed_donor, version=version),
        "figures": figures.figures,
        "by_region": figures.by_region,
        "by_donor": figures.by_donor,
        "per_year": figures.per_year,
        "money": figures.money,
        **money,
        "timeline": figures.timeline,
        "page": page,
        "ordering": params.get("ordering", ""),
        "query": query.urlencode(),
        "csv_query": csv_query.urlencode(),
        "xlsx_query": xlsx_query.urlencode(),
    }
    # The PDF report of the same filters and currency (dashboards.pdf).
    pdf_query = csv_query.copy()
    pdf_query.pop("format")
    if fixed_donor:
        pdf_query.pop("donor", None)
    context["pdf_href"] = (
        reverse("dashboards:donor-report", args=[fixed_donor]) if fixed_donor else reverse("dashboards:report")
    ) + (f"?{pdf_query.urlencode()}" if pdf_query else "")
    _linked_bars(request, query, context, fixed_donor=fixed_donor)
    context["country_map"] = _country_map(query, figures)
    return context


@require_GET
def dashboard(request):
    context = _dashboard_context(request)
    if _is_fragment_request(request):
        return render(request, "dashboards/_results.html", context)
    return render(request, "dashboards/dashboard.html", context)


def _project_context(request, project) -> dict:
    """What a project's page and its PDF sheet show `request.user`."""
    today = timezone.localdate()
    money = _currency(request)
    return {
        "project": project,
        **project_texts(project, request.LANGUAGE_CODE),
        "status": project.status_on(today),
        "today": today,
        "deadlines": deadlines_readable_by(user=request.user, project=project),
        "finance": selectors.project_finance(project=project, user=request.user, currency=money["currency"]),
        **money,
        "results": results_for_page(project, staff=sees_all_projects(request.user), today=today),
        "documents": project_documents(project=project, user=request.user),
        **_api_links(project),
    }


def _project_or_404(request, key):
    project = selectors.project_for_user(user=request.user, key=key)
    if project is None:
        raise Http404(_("No such project."))
    return project


@require_GET
def project_detail(request, key):
    project = _project_or_404(request, key)
    return render(request, "dashboards/project_detail.html", _project_context(request, project))


@require_GET
def project_sheet_pdf(request, key):
    """The project page as a PDF sheet (dashboards.pdf): the same facts, money and results."""
    project = _project_or_404(request, key)
    context = _project_context(request, project)
    filename = pdf.pdf_filename("project", project.slug, today=context["today"])
    return pdf.pdf_response(request, "dashboards/pdf/sheet.html", context, filename=filename)


def _api_links(project) -> dict[str, str]:
    """Where the API serves this project as JSON and as an IATI activity."""
    return {
        "api_url": reverse("api:project-detail", args=[project.pk]),
        "iati_url": reverse("api:project-iati", args=[project.pk]),
    }


@require_GET
def corridors(request):
    params = filter_params(request.GET)
    projects, errors = selectors.filtered_projects(user=request.user, params=params)
    table = selectors.corridor_table(projects)
    return render(
        request,
        "dashboards/corridors.html",
        {
            "errors": selectors.filter_error_labels(errors),
            "error_fields": set(errors),
            "panel": _panel(request, params),
            "corridors": table,
            "matrix": selectors.corridor_matrix(table),
            "flows": selectors.corridor_flows(table),
            "query": request.GET.urlencode(),
        },
    )


@require_GET
def results_summary(request):
    """Indicators on and off track across the filtered portfolio, by region and by donor (approved figures)."""
    projects, errors = selectors.filtered_projects(user=request.user, params=filter_params(request.GET))
    return render(request, "dashboards/results_summary.html", {"errors": errors, **track_summary(projects)})


@require_GET
def donor_detail(request, acronym):
    donor = selectors.donor_get(acronym=acronym, user=request.user)
    if donor is None:
        raise Http404(_("No such donor."))
    context = _dashboard_context(request, fixed_donor=donor.acronym)
    # What this donor committed and paid into the projects shown (its incoming transactions).
    context.update(donor=donor, contributions=context["money"].contributions.get(donor.pk))
    if _is_fragment_request(request):
        return render(request, "dashboards/_results.html", context)
    deadlines = deadlines_readable_by(user=request.user, donor=donor)
    today = timezone.localdate()
    if deadlines is not None:
        context.update(
            next_deadlines=selectors.deadlines_next(deadlines, today=today),
            overdue_deadlines=selectors.deadlines_late(deadlines, today=today),
        )
    context.update(deadlines=deadlines, today=today)
    return render(request, "dashboards/donor_detail.html", context)


@require_GET
def portfolio_report_pdf(request):
    """The filtered dashboard as a PDF report (dashboards.pdf), with the filters of the page's address."""
    return _report_pdf(request)


@require_GET
def donor_report_pdf(request, acronym):
    """A donor's portfolio report as PDF: its page's figures, filters and, for its readers, deadlines."""
    donor = selectors.donor_get(acronym=acronym, user=request.user)
    if donor is None:
        raise Http404(_("No such donor."))
    return _report_pdf(request, donor=donor)


def _report_pdf(request, *, donor=None) -> HttpResponse:
    today = timezone.localdate()
    params = filter_params(request.GET)
    if donor is not None:
        params["donor"] = donor.acronym
    money = _currency(request)
    context = pdf.portfolio_report(
        user=request.user, params=params, currency=money["currency"], today=today,
        fixed_donor=donor.acronym if donor else "",
    )
    if money["currency_error"]:
        context["errors"] = {**context["errors"], **selectors.filter_error_labels({"currency": [money["currency_error"]]})}
    context["filters_text"] = pdf.filters_text(context["active_filters"])
    if donor is None:
        return pdf.pdf_response(request, "dashboards/pdf/report.html", context,
                                filename=pdf.pdf_filename("portfolio", today=today))
    context.update(donor=donor, contributions=context["money"].contributions.get(donor.pk))
    deadlines = deadlines_readable_by(user=request.user, donor=donor)
    if deadlines is not None:  # the donor page's rule: its own users and officers
        context.update(
            deadlines=deadlines,
            next_deadlines=selectors.deadlines_next(deadlines, today=today),
            overdue_deadlines=selectors.deadlines_late(deadlines, today=today),
        )
    return pdf.pdf_response(request, "dashboards/pdf/report.html", context,
                            filename=pdf.pdf_filename("portfolio", donor.acronym, today=today))


@require_GET
def donor_reporting(request, acronym):
    """A donor's reporting deadlines, filtered (project, state, year), as a page or CSV (`?format=csv`).

    A 404 to everyone but its own users and officers. The approved report of a deadline
    owed to this donor is downloadable; each deadline shows its state history.
    """
    donor = selectors.donor_get(acronym=acronym, user=request.user)
    deadlines = deadlines_readable_by(user=request.user, donor=donor) if donor else None
    if deadlines is None:
        raise Http404(_("No such page."))
    today = timezone.localdate()
    filterset = ReportingFilterSet(request.GET, queryset=with_reports(deadlines.select_related("donor")), today=today)
    rows = list(filterset.qs) if filterset.is_valid() else []
    if request.GET.get("format") == "csv":
        return reporting_csv(request, rows, today=today, filename=f"{donor.acronym}-reporting.csv")
    steps = deadline_steps(deadline.pk for deadline in rows)
    for deadline in rows:
        deadline.report_readable = report_visible_to(user=request.user, deadline=deadline)
        deadline.steps = steps.get(deadline.pk, [])
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "dashboards/donor_reporting.html",
        {
            "donor": donor, "deadlines": rows, "today": today, "filter": filterset, "csv_query": query.urlencode(),
            "staff": request.user.is_staff,
        },
    )


def reporting_csv(request, rows, *, today, filename: str) -> HttpResponse:
    """The reporting page's rows as CSV: what is due, its state, and the approved report's address."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(["due_on", "project", "deadline", "kind", "donor", "state", "approved_version", "approved_file"])
    for deadline in rows:
        readable = report_visible_to(user=request.user, deadline=deadline)
        url = report_file_url(deadline.approved_report_id) if readable else None
        writer.writerow([csv_cell(value) for value in (
            deadline.due_on.isoformat(), deadline.project.title, deadline.label, deadline.kind,
            deadline.donor.acronym if deadline.donor else "", deadline.status(today),
            (deadline.approved_report_version or "") if readable else "",
            request.build_absolute_uri(url) if url else "",
        )])
    return response


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    next_page = "dashboards:home"


class LogoutView(auth_views.LogoutView):
    next_page = "dashboards:home"
