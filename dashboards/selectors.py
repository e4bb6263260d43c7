"""Reads for the dashboards: aggregates over a filtered set of projects.

Every function takes the queryset that the shared selector
(`projects.selectors.project_list`) returns, so a filter means the same here
as in the API. Aggregates run in the database, and each function runs a fixed
number of queries however many projects match.
"""
import datetime
import functools
import gettext as gettext_module
from dataclasses import dataclass, field
from decimal import Decimal

import pycountry
from django.conf import settings
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import dateformat, formats
from django.utils.translation import get_language, gettext, gettext_lazy

from classifications.selectors import sector_choices
from dashboards import facts
from dashboards.names import corridor_name, country_name
from deadlines.models import Deadline
from deadlines.selectors import deadlines_overdue, deadlines_upcoming
from donors.models import Donor, Partner
from finance.currencies import currency_codes, normalise_currency
from finance.models import Budget, BudgetType, Transaction
from finance.rates import SOURCE, ConvertedTotal, RatesUnavailable, rate_table
from finance.selectors import (
    ProjectMoney,
    budgets_visible,
    donor_contributions,
    money_by,
    money_of,
    project_money,
    spending_per_year,
    transactions_visible,
)
from projects.filters import GLOBAL
from projects.models import ActivityStatus, Funding, Project, ProjectPartner
from projects.selectors import donors_visible, project_list, project_visible, sees_all_projects
from regions.models import Corridor, Country, Region

# Bars drawn on the timeline at most; beyond that the page says how many are left out.
TIMELINE_LIMIT = 200
# Project links listed per corridor on the corridor page; a link to the filtered list gives the rest.
CORRIDOR_PROJECTS_SHOWN = 12
# Years shown on the "active per year" chart at most (one conditional COUNT each).
YEARS_LIMIT = 60


def _ids(projects: QuerySet[Project]) -> QuerySet:
    """The filtered projects as a subquery of primary keys.

    Aggregating over `pk__in=<subquery>` rather than over the filtered queryset
    keeps the joins its filters added (donors, countries, ...) from multiplying
    rows in GROUP BY.
    """
    return projects.order_by().values("pk")


def portfolio_figures(projects: QuerySet[Project], *, today: datetime.date) -> dict[str, int]:
    """Headline counts of the filtered projects (four queries)."""
    ids = _ids(projects)
    figures = (
        Project.objects.filter(pk__in=ids)
        .with_dates()
        .aggregate(
            projects=Count("pk"),
            active=Count(
                "pk",
                filter=Q(status_override__isnull=True, effective_start__lte=today, effective_end__gte=today),
            ),
        )
    )
    figures["countries"] = Country.objects.filter(projects__in=ids).distinct().count()
    figures["donors"] = Funding.objects.filter(project__in=ids).values("donor").distinct().count()
    figures["partners"] = ProjectPartner.objects.filter(project__in=ids).values("partner").distinct().count()
    return figures


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: `label` is drawn on the axis, `title` is the full name."""

    key: str
    label: str
    title: str
    value: int
    href: str = ""  # where clicking the bar goes: the page with this bar's filter applied


def projects_by_region(projects: QuerySet[Project]) -> list[Bar]:
    """Projects per region; global projects (no region) come last (one query)."""
    rows = (
        Project.objects.filter(pk__in=_ids(projects))
        .values("region__code", "region__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "region__name")
    )
    # Names in the viewer's language; the template labels the global bar (no region).
    names = {r["region__code"]: gettext(r["region__name"]) if r["region__name"] else "" for r in rows}
    bars = [Bar(r["region__code"] or "", names[r["region__code"]], names[r["region__code"]], r["n"]) for r in rows]
    return sorted(bars, key=lambda bar: bar.key == "")


def projects_by_donor(projects: QuerySet[Project]) -> list[Bar]:
    """Projects per funding donor, most first (one query)."""
    rows = (
        Funding.objects.filter(project__in=_ids(projects))
        .values("donor__acronym", "donor__name")
        .annotate(n=Count("project", distinct=True))
        .order_by("-n", "donor__acronym")
    )
    return [Bar(r["donor__acronym"], r["donor__acronym"], r["donor__name"], r["n"]) for r in rows]


@dataclass(frozen=True)
class CountryCount:
    """Projects in one country (`code` None: the projects that name no country)."""

    code: str | None
    name: str
    n: int


def projects_by_country(projects: QuerySet[Project]) -> list[CountryCount]:
    """Projects per country, most first, and (code None) how many name no country (one query).

    The LEFT JOIN to the countries gives a project without any its own group, so the
    global and regional projects are counted in the same GROUP BY.
    """
    rows = (
        Project.objects.filter(pk__in=_ids(projects))
        .values("countries__code", "countries__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "countries__name")
    )
    return [CountryCount(r["countries__code"], r["countries__name"] or "", r["n"]) for r in rows]


def money_by_country(projects: QuerySet[Project], *, user, currency: str, from_facts: bool = False) -> dict[str, ProjectMoney]:
    """The money `user` may see of the projects, per country code (two queries).

    A project in several countries counts whole in each, as in the project counts.
    """
    if from_facts and currency == settings.PORTFOLIO_CURRENCY:
        found = facts.money_by(projects, user=user, by="country")
    else:
        found = money_by(projects, user=user, by="countries__code", currency=currency)
    return {code: money for code, money in found.items() if code is not None}


def active_per_year(projects: QuerySet[Project]) -> list[Bar]:
    """How many of the projects run at some point in each year (one query).

    A cancelled project counts in no year; the others count from their
    effective start to their effective end. The database counts projects per
    (start year, end year) pair, a few hundred groups at most, and each pair
    adds to the years it covers: the overlap running_in_year() tests, without a
    filtered COUNT per year (tests/dashboards/test_selectors.py holds the two equal).
    """
    pairs = list(
        Project.objects.filter(pk__in=_ids(projects))
        .with_dates()
        .exclude(status_override=ActivityStatus.CANCELLED)
        .values(first=ExtractYear("effective_start"), last=ExtractYear("effective_end"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    if not pairs:
        return []
    first = min(pair["first"] for pair in pairs)
    last = min(max(pair["last"] for pair in pairs), first + YEARS_LIMIT - 1)
    counts = dict.fromkeys(range(first, last + 1), 0)
    for pair in pairs:
        for year in range(pair["first"], min(pair["last"], last) + 1):
            counts[year] += pair["n"]
    return [Bar(str(year), str(year), str(year), n) for year, n in counts.items()]


@dataclass(frozen=True)
class Timeline:
    start: datetime.date
    end: datetime.date
    today: datetime.date
    rows: list[dict]
    total: int
    years: list[dict]

    @property
    def truncated(self) -> int:
        return self.total - len(self.rows)

    @property
    def shows_today(self) -> bool:
        """Today is marked only when it falls inside the span of the projects shown."""
        return self.start <= self.today <= self.end

    @property
    def today_offset(self) -> float | None:
        return self._offset(self.today) if self.shows_today else None

    def _offset(self, day: datetime.date) -> float:
        return round(100 * (day - self.start).days / max((self.end - self.start).days, 1), 3)


def project_timeline(projects: QuerySet[Project], *, today: datetime.date, limit: int = TIMELINE_LIMIT) -> Timeline | None:
    """Bars for a Gantt chart of the projects, positioned in percent of the span.

    The span runs from 1 January of the first start to 31 December of the
    last end: the projects shown fill the axis (the annex ends in 2018, and an
    axis running on to today would be half empty); today is marked only when it
    falls inside. Two queries: the span and count, then the first `limit` bars.
    """
    dated = Project.objects.filter(pk__in=_ids(projects)).with_status(today)
    span = dated.aggregate(first=Min("effective_start"), last=Max("effective_end"), total=Count("pk"))
    if not span["total"]:
        return None
    start = datetime.date(span["first"].year, 1, 1)
    end = datetime.date(span["last"].year, 12, 31)
    timeline = Timeline(start=start, end=end, today=today, rows=[], total=span["total"], years=[])
    # Up to 200 rows: their link and dates are made here once, cheaper than {% url %} and |date per row.
    href = reverse("dashboards:project", args=["-slug-"])
    date_format = formats.get_format("DATE_FORMAT")
    for row in dated.order_by("effective_start", "effective_end", "pk").values(
        "pk", "slug", "short_name", "title", "effective_start", "effective_end", "status_code"
    )[:limit]:
        left = timeline._offset(row["effective_start"])
        right = timeline._offset(row["effective_end"] + datetime.timedelta(days=1))
        row["left"] = left
        row["width"] = max(round(right - left, 3), 0.3)
        row["href"] = href.replace("-slug-", row["slug"])
        row["status_label"] = ActivityStatus(row["status_code"]).label
        row["dates"] = (
            f"{dateformat.format(row['effective_start'], date_format)} – "
            f"{dateformat.format(row['effective_end'], date_format)}"
        )
        timeline.rows.append(row)
    for year in range(start.year, end.year + 1):
        timeline.years.append({"year": year, "left": timeline._offset(datetime.date(year, 1, 1))})
    return timeline


def corridor_table(projects: QuerySet[Project], *, shown: int = CORRIDOR_PROJECTS_SHOWN) -> list[Corridor]:
    """Corridors served by the projects (two queries).

    Each has `n` (how many of the projects serve it), `visible_projects` (the
    first `shown` of them, by start) and `more` (how many are not listed).
    """
    ids = _ids(projects)
    corridors = list(
        Corridor.objects.filter(projects__in=ids)
        .annotate(n=Count("projects", filter=Q(projects__in=ids), distinct=True))
        .prefetch_related(
            Prefetch(
                "projects",
                queryset=Project.objects.filter(pk__in=ids)
                .order_by("planned_start", "pk")
                .only("pk", "slug", "short_name", "title")[:shown],
                to_attr="visible_projects",
            )
        )
        .order_by("origin__name", "destination__name")
        .distinct()
    )
    for corridor in corridors:
        corridor.more = corridor.n - len(corridor.visible_projects)
    return corridors


def corridor_matrix(corridors: list[Corridor]) -> dict:
    """Origins as rows and destinations as columns, cells holding a corridor or None."""
    origins = sorted({c.origin for c in corridors}, key=lambda country: country_name(country).casefold())
    destinations = sorted({c.destination for c in corridors}, key=lambda country: country_name(country).casefold())
    cells = {(c.origin_id, c.destination_id): c for c in corridors}
    return {
        "destinations": destinations,
        "rows": [
            {"origin": origin, "cells": [cells.get((origin.pk, d.pk)) for d in destinations]} for origin in origins
        ],
        "max": max((c.n for c in corridors), default=0),
    }


def corridor_flows(corridors: list[Corridor], *, row_height: int = 34, width: int = 640) -> dict:
    """Geometry of an origin → destination flow diagram (SVG coordinates), from corridor_table() rows."""
    matrix = corridor_matrix(corridors)
    origins = [row["origin"] for row in matrix["rows"]]
    destinations = matrix["destinations"]
    height = max(len(origins), len(destinations), 1) * row_height + 20

    def ys(countries):
        gap = (height - 20) / max(len(countries), 1)
        return {country.pk: round(10 + gap * (i + 0.5), 1) for i, country in enumerate(countries)}

    origin_y, destination_y = ys(origins), ys(destinations)
    left, right = 200, width - 200
    middle = (left + right) / 2
    flows = []
    for corridor in corridors:
        y1, y2 = origin_y[corridor.origin_id], destination_y[corridor.destination_id]
        flows.append({
            "corridor": corridor,
            "path": f"M{left},{y1} C{middle},{y1} {middle},{y2} {right},{y2}",
            "width": 2 + 6 * corridor.n / max(matrix["max"], 1),
        })
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": right,
        "origins": [{"country": c, "y": origin_y[c.pk]} for c in origins],
        "destinations": [{"country": c, "y": destination_y[c.pk]} for c in destinations],
        "flows": flows,
    }


def donor_get(*, acronym: str, user) -> Donor | None:
    """The donor of a donor page, if `user` may know of it (a donor of drafts only is staff's)."""
    return donors_visible(user=user).filter(acronym__iexact=acronym).first()


def filtered_projects(*, user, params, today: datetime.date | None = None) -> tuple[QuerySet[Project], dict]:
    """The projects `user` may see that match `params`, and the filter errors.

    A thin wrapper over the shared `projects.selectors.project_list`, so the
    dashboard and the API agree on every filter and on visibility.
    """
    filterset, projects = project_list(user=user, params=params, today=today)
    return projects, filterset.errors


def project_page(projects: QuerySet[Project]):
    """The rows the results table renders, with what it shows prefetched (constant queries per page)."""
    return projects.select_related("region").prefetch_related(
        Prefetch("fundings", queryset=Funding.objects.select_related("donor").order_by("donor__acronym")),
        Prefetch("countries", queryset=Country.objects.order_by("name")),
    )


def project_for_user(*, user, key: str) -> Project | None:
    """One visible project by slug or numeric id, with everything its page shows."""
    lookup = Q(slug=key) | Q(pk=int(key)) if key.isascii() and key.isdigit() and len(key) <= 18 else Q(slug=key)
    return (
        project_visible(user=user)
        .filter(lookup)
        .select_related("region", "responsible_officer", "iati_activity")
        .prefetch_related(
            Prefetch("countries", queryset=Country.objects.select_related("region").order_by("name")),
            Prefetch("fundings", queryset=Funding.objects.select_related("donor").order_by("donor__acronym")),
            Prefetch(
                "project_partners",
                queryset=ProjectPartner.objects.select_related("partner").order_by("role", "partner__name"),
            ),
            Prefetch("corridors", queryset=Corridor.objects.order_by("origin__name", "destination__name")),
            "objectives",
            "sectors",
            "policy_markers",
        )
        .first()
    )


def deadlines_next(deadlines: QuerySet[Deadline], *, today, limit: int = 5) -> list[Deadline]:
    """The next still-owed deadlines of deadlines_readable_by(), soonest first; overdue ones are apart."""
    return list(deadlines_upcoming(deadlines, today=today)[:limit])


def deadlines_late(deadlines: QuerySet[Deadline], *, today) -> list[Deadline]:
    """Deadlines really overdue (still open or returned, past their date); closed and history ones never are."""
    return list(deadlines_overdue(deadlines, today=today))


def filter_choices(*, user) -> dict[str, list[tuple[str, str]]]:
    """Options of the filter panel: only values that occur among the projects `user` may see.

    Values are the ones the shared FilterSet accepts (region code, country
    alpha-2, donor acronym, partner id, corridor code, sector code, status code); labels are in
    the viewer's language, and places are sorted by their translated name. Six queries, each
    asking every option whether some visible project uses it (EXISTS), so their cost follows
    the options, not the number of projects.
    """
    ids = project_visible(user=user).order_by().values("pk")
    published = {} if sees_all_projects(user) else {"project__is_published": True}
    used = Exists(Project.objects.filter(region=OuterRef("pk"), **({"is_published": True} if published else {})))
    any_global = Exists(project_visible(user=user).filter(region__isnull=True))
    # One query: every region with whether it is used, and whether any project is global (shown last).
    rows = list(Region.objects.annotate(used=used, any_global=any_global).values_list("code", "name", "used", "any_global"))
    regions = sorted(
        ((code, gettext(name)) for code, name, is_used, _global in rows if is_used), key=lambda choice: choice[1].casefold()
    )
    if any(any_global for *_rest, any_global in rows):
        regions.append((GLOBAL, gettext("Global")))
    countries = Country.objects.filter(Exists(Project.countries.through.objects.filter(country=OuterRef("pk"), **published)))
    corridors = Corridor.objects.filter(Exists(Project.corridors.through.objects.filter(corridor=OuterRef("pk"), **published)))
    donors = Donor.objects.filter(Exists(Funding.objects.filter(donor=OuterRef("pk"), **published)))
    partners = Partner.objects.filter(Exists(ProjectPartner.objects.filter(partner=OuterRef("pk"), **published)))
    return {
        "regions": regions,
        "countries": sorted(((c.code, country_name(c)) for c in countries), key=lambda choice: choice[1].casefold()),
        "donors": [(d.acronym, f"{d.acronym} — {d.name}") for d in donors.order_by("acronym")],
        "partners": [(str(p.pk), str(p)) for p in partners.order_by("name")],
        "corridors": sorted(
            ((c.code, f"{c.code} · {corridor_name(c)}") for c in corridors), key=lambda choice: choice[1].casefold()
        ),
        "sectors": sector_choices(Project.objects.filter(pk__in=ids)),
        "statuses": [(str(s.value), s.label) for s in ActivityStatus],
    }


# The panel's select filters: parameter, key of filter_choices(), label.
PANEL_SELECTS = (
    ("region", "regions", gettext_lazy("Region")),
    ("country", "countries", gettext_lazy("Country")),
    ("donor", "donors", gettext_lazy("Donor")),
    ("partner", "partners", gettext_lazy("Partner")),
    ("corridor", "corridors", gettext_lazy("Corridor")),
    ("status", "statuses", gettext_lazy("Status")),
)
FILTER_LABELS = {
    **{name: label for name, _key, label in PANEL_SELECTS},
    "search": gettext_lazy("Text"),
    "year_from": gettext_lazy("From year"),
    "year_to": gettext_lazy("To year"),
    "currency": gettext_lazy("Currency of the totals"),
}


@dataclass(frozen=True)
class ActiveFilter:
    """A filter in the address, as the page names it: `matched` is False for a value no visible project has."""

    name: str
    label: str
    text: str
    matched: bool
    remove_query: str


def _match_choice(name: str, token: str, choices: dict[str, str]) -> str | None:
    """The panel's value for one token of a parameter (case as the FilterSet ignores it), or None."""
    folded = {key.casefold(): key for key in choices}
    if token.casefold() in folded:
        return folded[token.casefold()]
    if name in ("donor", "partner"):  # also taken by id, and a partner by acronym or name
        model, fields = (Donor, ("acronym",)) if name == "donor" else (Partner, ("acronym", "name"))
        condition = Q(pk=int(token)) if token.isascii() and token.isdigit() and len(token) <= 18 else Q()
        for field_name in fields:
            condition |= Q(**{f"{field_name}__iexact": token})
        found = model.objects.filter(condition).values_list("acronym" if name == "donor" else "pk", flat=True).first()
        if found is not None and str(found) in choices:
            return str(found)
    return None


def filter_panel(*, user, params, fixed_donor: str = "", choices: dict | None = None) -> dict:
    """The filter panel showing exactly the state in `params` (the address), and the active filters.

    A value that matches none of the options (`?donor=XYZ`) is kept as a chosen
    option labelled as matching nothing, and listed among the active filters
    with `matched` False, so the page never reads "All donors" over an empty
    result. Six queries, and one per donor or partner given by id or name.
    """
    choices = {key: list(options) for key, options in (choices or filter_choices(user=user)).items()}
    unknown_label = gettext("%(value)s (matches nothing)")
    values = {name: ",".join(params.getlist(name)) for name in params}
    active = []
    for name, key, label in PANEL_SELECTS:
        raw = values.get(name, "")
        if not raw or (name == "donor" and fixed_donor):
            continue
        options = dict(choices[key])
        tokens = [token.strip() for token in raw.split(",") if token.strip()]
        keys = [_match_choice(name, token, options) for token in tokens]
        texts = [str(options[k]) if k else token for k, token in zip(keys, tokens)]
        matched = any(keys)
        canonical = ",".join(k or token for k, token in zip(keys, tokens))
        if canonical not in options:  # an unknown value, or several: shown as chosen all the same
            text = " + ".join(texts)
            option = text if matched else unknown_label % {"value": text}
            choices[key] = [*choices[key], (canonical, option)]
        values[name] = canonical
        remove = params.copy()
        remove.pop(name)
        active.append(ActiveFilter(name, str(label), " + ".join(texts), matched, remove.urlencode()))
    for name in ("search", "year_from", "year_to"):
        if values.get(name):
            remove = params.copy()
            remove.pop(name)
            active.append(ActiveFilter(name, str(FILTER_LABELS[name]), values[name], True, remove.urlencode()))
    # unknown_label: the browser's label for such a value met again on Back or Forward.
    return {**choices, "values": values, "fixed_donor": fixed_donor, "active": active, "unknown_label": unknown_label}


def filter_error_labels(errors: dict) -> dict[str, list[str]]:
    """Filter errors keyed by the field's label in the viewer's language, as the panel names it."""
    return {str(FILTER_LABELS.get(name, name)): messages for name, messages in errors.items()}


# --- Money (finance.selectors does the reading, converting and hiding of internal rows) ---


@functools.cache
def _currency_names(language: str) -> gettext_module.NullTranslations:
    """pycountry's ISO 4217 names in `language` (English when it has none)."""
    return gettext_module.translation("iso4217", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def currency_choices() -> list[tuple[str, str]]:
    """The currencies totals can be shown in: those of the rate source that ISO 4217 lists.

    Labels are "EUR — Euro" with the name in the active language. No query.
    """
    try:
        codes = rate_table().currencies() & currency_codes()
    except RatesUnavailable:
        codes = {"EUR"}
    codes.add(settings.PORTFOLIO_CURRENCY)
    names = _currency_names((get_language() or "en").split("-")[0])
    choices = []
    for code in sorted(codes):
        currency = pycountry.currencies.get(alpha_3=code)
        choices.append((code, f"{code} — {names.gettext(currency.name)}" if currency else code))
    return choices


def currency_pick(value: str | None) -> tuple[str, str | None]:
    """The currency a page shows totals in, and the error for a code it cannot use.

    Empty means the PORTFOLIO_CURRENCY setting; a code is taken in any case
    (`eur` is EUR). An unknown code, or one the rate source lacks, falls back to
    the setting with an error in the viewer's language.
    """
    code = normalise_currency(value or "")
    if not code:
        return settings.PORTFOLIO_CURRENCY, None
    if code in {choice for choice, _label in currency_choices()}:
        return code, None
    return settings.PORTFOLIO_CURRENCY, gettext(
        "“%(value)s” is not a currency the totals can be shown in: pick one from the list (%(default)s is shown)."
    ) % {"value": value[:10], "default": settings.PORTFOLIO_CURRENCY}


def note_of(totals: list[ConvertedTotal], *, currency: str) -> ConvertedTotal:
    """One total standing for several (a chart's bars): their sums, rate dates and amounts left out."""
    used = [t for t in totals if t.rates_from is not None]
    return ConvertedTotal(
        total=sum((t.total for t in totals), Decimal(0)), currency=currency,
        counted=sum(t.counted for t in totals), left_out=sum(t.left_out for t in totals),
        rates_from=min((t.rates_from for t in used), default=None),
        rates_to=max((t.rates_to for t in used), default=None), source=SOURCE,
    )


@dataclass(frozen=True)
class MoneyBar:
    """One bar (or group of bars) of a money chart: a value per series, in one currency."""

    key: str
    label: str
    title: str
    values: tuple[Decimal, ...]

    @property
    def value(self) -> Decimal:
        return max(self.values)


@dataclass(frozen=True)
class PortfolioMoney:
    """The money of a set of projects in one currency, as one viewer may see it."""

    currency: str
    figures: ProjectMoney
    by_donor: list[MoneyBar]
    by_donor_note: ConvertedTotal
    per_year: list[MoneyBar]
    per_year_note: ConvertedTotal
    contributions: dict[int, dict[str, ConvertedTotal]] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        """Whether any amount is recorded (counted or left out): else the page says there is none."""
        totals = [getattr(self.figures, name) for name in ProjectMoney.FIELDS]
        return bool(self.contributions or self.per_year or any(t.counted or t.left_out for t in totals))

    @property
    def bar_max(self) -> Decimal:
        return max((bar.value for bar in self.by_donor), default=Decimal(0))

    @property
    def year_max(self) -> Decimal:
        return max((bar.value for bar in self.per_year), default=Decimal(0))


def portfolio_money(projects: QuerySet[Project], *, user, currency: str, from_facts: bool = False) -> PortfolioMoney:
    """Budget, committed, disbursed and spent of the projects, what each donor put in, and spending
    per year (four queries, and one more for the donors' names when any donor contributed).

    With `from_facts` (pass it only after dashboards.facts.facts_fresh() gave a version in this
    request: the facts are fresh only then), in the default currency from the facts (three queries);
    otherwise from every row (finance.selectors).
    """
    if from_facts and currency == settings.PORTFOLIO_CURRENCY:
        figures = facts.money_of(projects, user=user)
        contributions = facts.donor_contributions(projects, user=user)
        spending = facts.spending_per_year(projects, user=user)
    else:
        figures = money_of(projects, user=user, currency=currency)
        contributions = donor_contributions(projects, user=user, currency=currency)
        spending = spending_per_year(projects, user=user, currency=currency)
    donors = {d.pk: d for d in Donor.objects.filter(pk__in=list(contributions)).only("pk", "acronym", "name")}
    by_donor = sorted(
        (
            MoneyBar(donors[pk].acronym, donors[pk].acronym, donors[pk].name,
                     (found["committed"].total, found["received"].total))
            for pk, found in contributions.items() if pk in donors
        ),
        key=lambda bar: (-bar.values[0], -bar.values[1], bar.key),
    )
    per_year = [MoneyBar(str(year), str(year), str(year), (total.total,)) for year, total in spending.items()]
    return PortfolioMoney(
        currency=currency, figures=figures, by_donor=by_donor,
        by_donor_note=note_of([t for found in contributions.values() for t in found.values()], currency=currency),
        per_year=per_year, per_year_note=note_of(list(spending.values()), currency=currency),
        contributions=contributions,
    )


@dataclass(frozen=True)
class ProjectFinance:
    """A project's money on its page: the four totals and the rows the viewer may see."""

    money: ProjectMoney
    budgets: list[Budget]
    transactions: list[Transaction]

    @property
    def any(self) -> bool:
        return bool(self.budgets or self.transactions)

    @property
    def percent_spent(self) -> int | None:
        share = self.money.share_spent
        return None if share is None else round(share * 100)


def project_finance(*, project: Project, user, currency: str) -> ProjectFinance:
    """What `user` may see of `project`'s money (four queries): internal rows only for staff.

    An original budget that a revised one of the same period replaces is marked
    `replaced` (it is listed, not counted); a transaction carries the names of its
    `provider` and `receiver` (empty when none is given).
    """
    budgets = list(budgets_visible(user).filter(project=project).order_by("period_start", "budget_type", "pk"))
    revised = {(b.period_start, b.period_end) for b in budgets if b.budget_type == BudgetType.REVISED}
    for budget in budgets:
        budget.replaced = budget.budget_type == BudgetType.ORIGINAL and (budget.period_start, budget.period_end) in revised
    transactions = list(
        transactions_visible(user).filter(project=project)
        .select_related("provider_donor", "provider_partner", "receiver_donor", "receiver_partner")
        .order_by("date", "pk")
    )
    for transaction in transactions:
        transaction.provider, transaction.receiver = (transaction.organisation(side)[0] for side in ("provider", "receiver"))
    return ProjectFinance(
        money=project_money(project=project, user=user, currency=currency), budgets=budgets, transactions=transactions
    )


@dataclass(frozen=True)
class DashboardFigures:
    """Every aggregate a dashboard page shows of a filtered set of projects (what the facts' cache keeps)."""

    figures: dict[str, int]
    by_region: list[Bar]
    by_donor: list[Bar]
    per_year: list[Bar]
    money: PortfolioMoney
    timeline: Timeline | None
    by_country: list[CountryCount]
    money_by_country: dict[str, ProjectMoney] | None


def dashboard_figures(projects: QuerySet[Project], *, user, today: datetime.date, currency: str,
                      from_facts: bool = False) -> DashboardFigures:
    """The dashboard's aggregates of `projects` (16 queries, 17 with a contributing donor, 18 with money);
    the money from the facts in the default currency with `from_facts` (after facts_fresh())."""
    money = portfolio_money(projects, user=user, currency=currency, from_facts=from_facts)
    return DashboardFigures(
        figures=portfolio_figures(projects, today=today),
        by_region=projects_by_region(projects),
        by_donor=projects_by_donor(projects),
        per_year=active_per_year(projects),
        money=money,
        timeline=project_timeline(projects, today=today),
        by_country=projects_by_country(projects),
        money_by_country=(
            money_by_country(projects, user=user, currency=currency, from_facts=from_facts) if money.any else None
        ),
    )
