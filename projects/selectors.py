import datetime
from collections.abc import Collection, Mapping
from typing import Any

from django.db.models import Count, F, Max, Min, OuterRef, QuerySet, Subquery, Sum

from projects.filters import ProjectFilterSet
from projects.models import ActivityStatus, Funding, Project, effective_dates, running_in_year


def funding_totals(fundings: QuerySet[Funding]) -> list[dict]:
    """Sum amounts per currency in the database; different currencies are never added together."""
    return list(
        fundings.exclude(amount__isnull=True)
        .values("currency")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by("currency")
    )


def project_visible(*, user, today: datetime.date | None = None) -> QuerySet[Project]:
    """The projects `user` may see, annotated with effective dates and `status_code`.

    Staff (programme officers) see every project; everyone else (anonymous
    callers, donor users, integration tokens of non-staff users) sees published
    projects only.
    """
    projects = Project.objects.with_status(today)
    if user is not None and user.is_active and user.is_staff:
        return projects
    return projects.published()


def project_list(
    *,
    user,
    params: Mapping[str, Any] | None,
    known_params: Collection[str] | None = None,
    today: datetime.date | None = None,
) -> tuple[ProjectFilterSet, QuerySet[Project]]:
    """Filter the projects `user` may see by `params` (a QueryDict or a dict).

    Shared by the REST API and the dashboards so that a filter means the same
    everywhere. Returns `(filterset, queryset)`: render `filterset.form` for the
    filter controls and `filterset.errors` ({parameter: [messages]}) for bad
    input; when the filterset is invalid the queryset is empty. The queryset is
    ordered (stable: `id` breaks ties) and annotated with `effective_start`,
    `effective_end` and `status_code`; it has no select_related/prefetch, so
    callers add what they render.

    With `known_params` (e.g. the API's page, page_size and format) every other
    parameter that is not a filter is an error; without it unknown parameters
    are ignored.
    """
    filterset = ProjectFilterSet(
        data=params if params is not None else {},
        queryset=project_visible(user=user, today=today),
        known_params=known_params,
    )
    if not filterset.is_valid():
        return filterset, filterset.queryset.none()
    return filterset, filterset.qs


STATS_GROUPS = ("region", "donor", "country", "year", "status")
# A year breakdown never spans more than this many years (guards against typo dates such as 2105).
STATS_MAX_YEARS = 100


def _money(rows, key=None) -> dict:
    """{group key: [{"currency", "amount"}]} from rows of (key, currency, amount)."""
    result: dict = {}
    for row in rows:
        result.setdefault(row[key] if key else None, []).append(
            {"currency": row["currency"], "amount": f"{row['amount']:.2f}"}
        )
    return result


def project_stats(*, projects: QuerySet[Project], group_by: str, today: datetime.date | None = None) -> dict:
    """Count `projects` (and sum their funding per currency) in total and per group, in the database.

    `projects` is a filtered, visible queryset (from project_list()). A project
    counts once in the total and once in every group it belongs to: a
    multi-country project in each of its countries, a project in each year it
    runs, a co-funded project under each donor. Amounts in different currencies
    are never added together. Runs a fixed number of queries (4 or 5).
    """
    if group_by not in STATS_GROUPS:
        raise ValueError(f"group_by must be one of {', '.join(STATS_GROUPS)}")
    ids = projects.order_by().values("pk")
    base = Project.objects.filter(pk__in=ids)
    fundings = Funding.objects.filter(project__in=ids, amount__isnull=False).order_by()
    total = {
        "projects": base.count(),
        "funding": _money(fundings.values("currency").annotate(amount=Sum("amount")).order_by("currency")).get(None, []),
    }
    if group_by == "year":
        groups = _stats_by_year(base, fundings)
    else:
        groups = _stats_grouped(base, fundings, group_by, today)
    return {"group_by": group_by, "total": total, "groups": groups}


def _stats_grouped(base, fundings, group_by, today):
    if group_by == "region":
        counts = base.values(key=F("region__code"), label=F("region__name")).annotate(projects=Count("pk"))
        money = fundings.values("currency", key=F("project__region__code"))
    elif group_by == "donor":
        counts = Funding.objects.filter(project__in=base).values(key=F("donor__acronym"), label=F("donor__name")).annotate(
            projects=Count("project_id")
        )
        money = fundings.values("currency", key=F("donor__acronym"))
    elif group_by == "country":
        through = Project.countries.through
        counts = through.objects.filter(project__in=base).values(key=F("country__code"), label=F("country__name")).annotate(
            projects=Count("project_id")
        )
        money = fundings.filter(project__countries__isnull=False).values("currency", key=F("project__countries__code"))
    else:  # status
        counts = base.with_status(today).values(key=F("status_code")).annotate(projects=Count("pk"))
        status = Project.objects.with_status(today).filter(pk=OuterRef("project_id")).values("status_code")[:1]
        money = fundings.annotate(status=Subquery(status)).values("currency", key=F("status"))
    money = _money(money.annotate(amount=Sum("amount")).order_by("key", "currency"), key="key")
    groups = []
    for row in counts.order_by("key"):
        key, label = row["key"], row.get("label")
        if group_by == "status":
            label = ActivityStatus(key).label
        elif group_by == "region" and key is None:
            key, label = "global", "Global"
        groups.append({"key": str(key), "label": label, "projects": row["projects"], "funding": money.get(row["key"], [])})
    return groups


def _stats_by_year(base, fundings):
    dated = base.with_dates()
    bounds = dated.aggregate(first=Min("effective_start"), last=Max("effective_end"))
    if bounds["first"] is None:
        return []
    first = bounds["first"].year
    last = min(bounds["last"].year, first + STATS_MAX_YEARS - 1)
    years = range(first, last + 1)

    counts = dated.aggregate(**{f"y{year}": Count("pk", filter=running_in_year(year)) for year in years})
    money_rows = (
        fundings.annotate(**effective_dates("project__"))
        .values("currency")
        .annotate(**{f"y{year}": Sum("amount", filter=running_in_year(year)) for year in years})
        .order_by("currency")
    )
    money: dict = {}
    for row in money_rows:
        for year in years:
            if row[f"y{year}"] is not None:
                money.setdefault(year, []).append({"currency": row["currency"], "amount": f"{row[f'y{year}']:.2f}"})
    return [
        {"key": str(year), "label": str(year), "projects": counts[f"y{year}"], "funding": money.get(year, [])}
        for year in years
        if counts[f"y{year}"]
    ]
