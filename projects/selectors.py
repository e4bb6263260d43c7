import datetime
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import orjson
from django.db import connection
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum, TextField
from django.db.models.expressions import RawSQL

from donors.models import Donor, Partner, donor_id_of
from projects.filters import ProjectFilterSet
from projects.models import ActivityStatus, Funding, Project, ProjectPartner, effective_dates, running_in_year
from regions.models import Corridor


def funding_totals(fundings: QuerySet[Funding]) -> list[dict]:
    """Sum amounts per currency in the database; different currencies are never added together."""
    return list(
        fundings.exclude(amount__isnull=True)
        .values("currency")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by("currency")
    )


def sees_all_projects(user) -> bool:
    """Staff (programme officers) see every project; everyone else published ones only."""
    return user is not None and user.is_active and user.is_staff


def project_visible(*, user, today: datetime.date | None = None) -> QuerySet[Project]:
    """The projects `user` may see, annotated with effective dates and `status_code`.

    Staff (programme officers) see every project; everyone else (anonymous
    callers, donor users, integration tokens of non-staff users) sees published
    projects only.
    """
    projects = Project.objects.with_status(today)
    return projects if sees_all_projects(user) else projects.published()


# What the reference lists may name: staff every row; anyone else only what a published
# project references, so a donor, partner or corridor of a draft stays unknown.


def donors_visible(*, user) -> QuerySet[Donor]:
    """A donor user also knows its own donor."""
    donors = Donor.objects.all()
    if sees_all_projects(user):
        return donors
    known = Exists(Funding.objects.filter(donor=OuterRef("pk"), project__is_published=True))
    own = donor_id_of(user)
    return donors.filter(known | Q(pk=own) if own is not None else known)


def partners_visible(*, user) -> QuerySet[Partner]:
    partners = Partner.objects.all()
    if sees_all_projects(user):
        return partners
    return partners.filter(
        Exists(ProjectPartner.objects.filter(partner=OuterRef("pk"), project__is_published=True))
    )


def corridors_visible(*, user) -> QuerySet[Corridor]:
    corridors = Corridor.objects.all()
    if sees_all_projects(user):
        return corridors
    links = Project.corridors.through.objects.filter(corridor=OuterRef("pk"), project__is_published=True)
    return corridors.filter(Exists(links))


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


# The list query: a project's columns and its to-many lists in one row, read by name.
#
# The API's pages, the CSV and the IATI XML read a project's countries, donors, partners,
# corridors and objectives from JSON arrays that correlated subqueries aggregate in the
# project's own row: one query for a page or a whole export, no model instance per related
# row. Each list has a typed shape (a NamedTuple, or plain strings), built once when the
# JSON is parsed; the SQL select list is derived from the shape's fields, so reordering
# either cannot change what a field means to a distant reader.


class CountryItem(NamedTuple):
    code: str
    name: str


class DonorItem(NamedTuple):
    """A donor as it funds the project (one Funding row)."""

    acronym: str
    name: str
    iati_ref: str
    kind: str
    id: int
    amount: str | None  # the exact decimal as text (SQLite drops trailing zeros); None when not known
    currency: str


class PartnerItem(NamedTuple):
    """A partner in its role on the project (one ProjectPartner row)."""

    acronym: str
    name: str
    iati_ref: str
    kind: str
    role: int  # OrganisationRole
    id: int


class CorridorItem(NamedTuple):
    origin_code: str
    destination_code: str
    origin_name: str
    destination_name: str

    @property
    def code(self) -> str:
        return f"{self.origin_code}-{self.destination_code}"


@dataclass(frozen=True)
class RelatedList:
    """How one to-many list is aggregated: the SQL of each field of `item`, its rows, their order.

    `columns` maps each field of the `item` NamedTuple to its SQL expression; `item=str`
    takes one column and gives a plain list of strings. `source` is
    `FROM`-clause SQL with `{project}` for the outer project's id.
    """

    item: type
    columns: dict[str, str]
    source: str
    order: tuple[str, ...]

    def __post_init__(self):
        matches = len(self.columns) == 1 if self.item is str else set(self.columns) == set(self.item._fields)
        if not matches:
            raise TypeError(f"columns {sorted(self.columns)} do not match the fields of {self.item.__name__}")

    @property
    def values(self) -> list[str]:
        """The SQL expressions, in the order of the item's fields."""
        return list(self.columns.values()) if self.item is str else [self.columns[f] for f in self.item._fields]

    def parse(self, text: str | None) -> list:
        if not text:
            return []
        rows = orjson.loads(text)
        if self.item is str:
            return rows
        make = self.item._make
        return [make(row) for row in rows]


# In the order the API has always given them: Country and Corridor Meta ordering, fundings by
# donor acronym, ProjectPartner Meta ordering, objectives by their order.
RELATED_LISTS: dict[str, RelatedList] = {
    "countries": RelatedList(
        CountryItem,
        {"code": "c.code", "name": "c.name"},
        "projects_project_countries pc JOIN regions_country c ON c.id = pc.country_id WHERE pc.project_id = {project}",
        ("c.name",),
    ),
    "donors": RelatedList(
        DonorItem,
        {"acronym": "d.acronym", "name": "d.name", "iati_ref": "d.iati_ref", "kind": "d.kind", "id": "d.id",
         "amount": "CAST(f.amount AS TEXT)", "currency": "f.currency"},
        "projects_funding f JOIN donors_donor d ON d.id = f.donor_id WHERE f.project_id = {project}",
        ("d.acronym",),
    ),
    "partners": RelatedList(
        PartnerItem,
        {"acronym": "pa.acronym", "name": "pa.name", "iati_ref": "pa.iati_ref", "kind": "pa.kind", "role": "pp.role",
         "id": "pa.id"},
        "projects_projectpartner pp JOIN donors_partner pa ON pa.id = pp.partner_id WHERE pp.project_id = {project}",
        ("pp.role", "pa.name"),
    ),
    "corridors": RelatedList(
        CorridorItem,
        {"origin_code": "o.code", "destination_code": "de.code", "origin_name": "o.name", "destination_name": "de.name"},
        "projects_project_corridors pco JOIN regions_corridor co ON co.id = pco.corridor_id"
        " JOIN regions_country o ON o.id = co.origin_id JOIN regions_country de ON de.id = co.destination_id"
        " WHERE pco.project_id = {project}",
        ("o.name", "de.name"),
    ),
    "objectives": RelatedList(
        str, {"text": "ob.text"}, "projects_objective ob WHERE ob.project_id = {project}", ('ob."order"',)
    ),
}


def json_list_sql(related: RelatedList, vendor: str) -> str:
    """A correlated subquery giving the related rows as JSON text: an array of arrays (of strings for `str`)."""
    source = related.source.format(project='"projects_project"."id"')
    order = ", ".join(related.order)
    if vendor == "postgresql":
        value = related.values[0] if related.item is str else f"json_build_array({', '.join(related.values)})"
        return f"COALESCE((SELECT json_agg({value} ORDER BY {order}) FROM {source})::text, '[]')"
    # SQLite (and others): aggregate over an ordered subquery (no ORDER BY inside aggregates before SQLite 3.44).
    names = [f"v{i}" for i in range(len(related.values))]
    selected = ", ".join(f"{value} AS {name}" for value, name in zip(related.values, names, strict=True))
    value = names[0] if related.item is str else f"json_array({', '.join(names)})"
    return f"(SELECT json_group_array({value}) FROM (SELECT {selected} FROM {source} ORDER BY {order}))"


def with_lists(projects: QuerySet[Project], extra: Mapping[str, RelatedList] | None = None) -> QuerySet[Project]:
    """`projects` annotated with their to-many lists as JSON text (`countries_json`, `donors_json`, ...).

    Read them with project_lists(); `extra` lists of other apps (finance's money) are
    annotated the same way. Costs no extra query: each list is a correlated subquery in
    the select list, run for the rows fetched only.
    """
    vendor = connection.vendor
    return projects.annotate(**{
        f"{name}_json": RawSQL(json_list_sql(related, vendor), (), output_field=TextField())
        for name, related in {**RELATED_LISTS, **(extra or {})}.items()
    })


@dataclass(slots=True)
class ProjectLists:
    """A project's to-many lists, typed, in the API's order."""

    countries: list[CountryItem]
    donors: list[DonorItem]
    partners: list[PartnerItem]
    corridors: list[CorridorItem]
    objectives: list[str]


def project_lists(project: Project) -> ProjectLists:
    """The lists of a project from with_lists(), parsed into their shapes."""
    return ProjectLists(**{
        name: related.parse(getattr(project, f"{name}_json")) for name, related in RELATED_LISTS.items()
    })


@dataclass(slots=True)
class ProjectRow(ProjectLists):
    """A project as the exports read it: its columns and its to-many lists, by name."""

    id: int
    slug: str
    title: str
    short_name: str
    summary: str
    scope: str
    status_code: int
    updated_at: datetime.datetime
    planned_start: datetime.date
    planned_end: datetime.date
    actual_start: datetime.date | None
    actual_end: datetime.date | None
    region_code: str | None
    region_name: str | None
    region_iati_code: str | None
    iati_identifier: str = ""
    extra: dict[str, list] = field(default_factory=dict)  # the `extra` lists of project_rows(), by name

    @property
    def status(self) -> ActivityStatus:
        return ActivityStatus(self.status_code)


# What project_rows() selects for each field of ProjectRow.
ROW_SELECT = {
    "id": "id", "slug": "slug", "title": "title", "short_name": "short_name", "summary": "summary", "scope": "scope",
    "status_code": "status_code", "updated_at": "updated_at", "planned_start": "planned_start",
    "planned_end": "planned_end", "actual_start": "actual_start", "actual_end": "actual_end",
    "region_code": "region__code", "region_name": "region__name", "region_iati_code": "region__iati_code",
    "iati_identifier": "iati_identifier",
    **{name: f"{name}_json" for name in RELATED_LISTS},
}
CHUNK_SIZE = 2000


def project_rows(projects: QuerySet[Project], *, chunk_size: int = CHUNK_SIZE,
                 extra: Mapping[str, RelatedList] | None = None) -> Iterator[ProjectRow]:
    """Every project of `projects` (from project_list()/project_visible(): with `status_code`), in its order.

    One query whatever the number of projects, streamed through a server-side cursor on
    PostgreSQL: flat memory, no model instances. `extra` lists land in `ProjectRow.extra`.
    """
    extra = extra or {}
    selected = [*ROW_SELECT.values(), *(f"{name}_json" for name in extra)]
    rows = with_lists(projects, extra).values_list(*selected).iterator(chunk_size=chunk_size)
    for row in rows:
        values = dict(zip(ROW_SELECT, row[:len(ROW_SELECT)], strict=True))
        for name, related in RELATED_LISTS.items():
            values[name] = related.parse(values[name])
        texts = row[len(ROW_SELECT):]
        lists = {name: related.parse(text) for (name, related), text in zip(extra.items(), texts, strict=True)}
        yield ProjectRow(**values, extra=lists)
