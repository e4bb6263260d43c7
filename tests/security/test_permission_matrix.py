"""The permission matrix: role × route × object, generated from the URL configuration and the OpenAPI schema.

Every route of `get_resolver()` (the admin's included) and every path of the served
`/api/schema/` must be covered by a rule below or listed in OUT_OF_SCOPE with a reason:
`test_every_route_is_covered_by_the_matrix` fails for a new route that is neither, so a
route cannot escape. `test_matrix` then runs each rule once per role and object, so the
report reads as a matrix, e.g. `test_matrix[donor_ec-donors/<str:acronym>/reporting/-sdc-funded]`.

Roles (DESIGN.md, "Who may see and do what"):
    anonymous, donor_sdc and donor_ec (donor users, session), officer (staff, officers'
    group), finance (staff, "Finance" group: may import transactions from a CSV file, which
    officers may not), superuser (administrator), token_sdc and token_officer (integration
    tokens acting as the SDC donor user and as the officer), token_revoked.
    Tokens are read by the API only: on the dashboards, calendar and admin a Bearer
    header is ignored and the caller is anonymous, which the matrix asserts too.
Objects:
    sdc-funded   a published project funded by SDC only, with an SDC reporting deadline
                 (own for donor_sdc, foreign for donor_ec);
    ec-funded    a published project funded by EC only, with an EC deadline
                 (own for donor_ec, foreign for donor_sdc);
    unpublished  a draft funded by SDC and by a donor, partner, country and corridor that
                 no published project has (so filter dropdowns, stats groups and the
                 corridor page would show it if it leaked), with a deadline;
    all          a collection route checked against all three at once.
Report files (reporting/reports/<id>/file/): the approved report owed to SDC on sdc-funded (and the
    version of it that was returned), the approved one owed to EC on ec-funded, and the approved one
    owed to SDC on the unpublished draft.

The world is built once per module inside an outer transaction (like
TestCase.setUpTestData) and rolled back at the end; each test runs in a savepoint.
"""
from __future__ import annotations

import csv as csv_module
import dataclasses
import datetime
import io
import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# ---------------------------------------------------------------------------
# Routes: the URL configuration and the OpenAPI schema
# ---------------------------------------------------------------------------


def url_routes(patterns=None, prefix: str = "") -> list[tuple[str, str | None]]:
    """(route, name) of every URL pattern, recursing into includes (the admin's too)."""
    routes = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            routes += url_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            routes.append((prefix + str(pattern.pattern), pattern.name))
    return routes


def _shape(route: str) -> str:
    """A route or OpenAPI path with its parameters blanked: `api/v1/projects/{}/`."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", route.lstrip("/"))


# Routes no rule covers, each with the reason.
OUT_OF_SCOPE = {
    "i18n/setlang/": "POST-only language switch (Django's set_language): sets a cookie, reads no data",
    "__benchmark__/": "mounted only when settings.BENCHMARK (benchmarks/run.py); never in a deployment",
    # Static files are served by WhiteNoise middleware, outside the URL configuration: no route to cover.
}


def _admin_models() -> dict[str, type]:
    """`admin/<app>/<model>/` → model, for every model registered in the admin."""
    return {f"admin/{m._meta.app_label}/{m._meta.model_name}/": m for m in admin.site._registry}


def route_key(route: str) -> str:
    """The matrix row a route belongs to: itself, or its admin group."""
    if route.startswith("__benchmark__/"):
        return "__benchmark__/"
    if route.startswith("admin/"):
        for prefix in _admin_models():
            if route.startswith(prefix):
                return prefix + "*"
        return "admin/ (site views)"
    return route


# ---------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Role:
    name: str
    user: str | None = None  # logged in with a session as this world user
    token: str | None = None  # sends `Authorization: Bearer` with this world token


ROLES = [
    Role("anonymous"),
    Role("donor_sdc", user="sdc"),
    Role("donor_ec", user="ec"),
    Role("officer", user="officer"),
    Role("finance", user="finance"),
    Role("superuser", user="admin"),
    Role("token_sdc", token="sdc"),
    Role("token_officer", token="officer"),
    Role("token_revoked", token="revoked"),
]
TOKEN_USERS = {"sdc": "sdc", "officer": "officer", "revoked": "sdc"}
USER_DONOR = {"sdc": "SDC", "ec": "EC"}
STAFF_USERS = {"officer", "finance", "admin"}

# ---------------------------------------------------------------------------
# The world
# ---------------------------------------------------------------------------

DRAFT_SLUG = "zz-draft-pilot"
DRAFT_TITLE = "ZZDRAFT Greenland recruitment pilot"
HIDDEN_DONOR = "ZZHID"
HIDDEN_PARTNER = "ZZ Hidden Partner Org"
HIDDEN_CORRIDOR = "GL-IS"
HIDDEN_COUNTRY = "GL"
SECRET = {"sdc-funded": "ZZSECRET-SDC-report", "ec-funded": "ZZSECRET-EC-report", "unpublished": "ZZSECRET-DRAFT-report"}
CONTACT = "zz-private-contact@example.org"
# An approved and a submitted actual on the SDC project and the draft: the submitted one is staff-only.
RESULT_APPROVED, RESULT_PENDING = "4242.5", "9191.5"
# Documents: a public file and a restricted file of the SDC project, a public link of the draft.
DOCUMENTS = {"public": "ZZDOC-PUBLIC brief", "restricted": "ZZDOC-RESTRICTED note", "draft": "ZZDOC-DRAFT page"}
DOCUMENT_BYTES = b"%PDF-1.4\n% ZZDOC matrix\n%%EOF\n"
DRAFT_DOCUMENT_URL = "https://example.org/zz-draft-document"
N_PUBLISHED = 21  # the annex


@dataclasses.dataclass
class World:
    users: dict
    tokens: dict  # name → secret
    projects: dict  # object name → Project
    feeds: dict  # user name → feed token (the part of the URL before .ics)
    old_feed: str  # the SDC user's feed token before it was rotated
    documents: dict  # DOCUMENTS key → Document
    reports: dict  # object name → ReportSubmission


def _feed_token(url: str) -> str:
    return url.rsplit("/", 1)[1].removesuffix(".ics")


def _world_build() -> World:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile

    from deadlines.models import Deadline
    from deadlines.services import calendar_feed_rotate
    from documents.services import add_document
    from donors.models import Donor, DonorUser, Partner
    from finance.models import Budget, PlannedDisbursement, Transaction, TransactionType
    from integrations.services import token_create, token_revoke
    from projects.models import Funding, Project, ProjectPartner
    from projects.services import annex_seed, officers_group_ensure
    from regions.models import Corridor, Country
    from results.models import (
        Dimension,
        DimensionTarget,
        Indicator,
        Period,
        Result,
        Update,
    )

    annex_seed()
    User = get_user_model()
    users = {}
    for name, acronym in USER_DONOR.items():
        users[name] = User.objects.create_user(f"{name}-user", f"{name}-user@example.org", f"pw-{name}")
        DonorUser.objects.create(user=users[name], donor=Donor.objects.get(acronym=acronym))
    users["officer"] = User.objects.create_user("officer1", "officer1@example.org", "pw-officer-1", is_staff=True)
    users["officer"].groups.add(officers_group_ensure())
    users["finance"] = User.objects.create_user("finance1", "finance1@example.org", "pw-finance-1", is_staff=True)
    users["finance"].groups.add(Group.objects.get(name="Finance"))  # made by finance.0002
    users["admin"] = User.objects.create_superuser("admin1", "admin1@example.org", "pw-admin-1")
    Donor.objects.filter(acronym="SDC").update(contact_emails=CONTACT)

    sdc = Project.objects.get(slug="bangladesh-migration-policy")
    ec = Project.objects.get(slug="decent-work-across-borders")
    assert {f.donor.acronym for f in sdc.fundings.all()} == {"SDC"}
    assert {f.donor.acronym for f in ec.fundings.all()} == {"EC"}
    hidden_donor = Donor.objects.create(name="ZZ Hidden Donor Agency", acronym=HIDDEN_DONOR)
    partner = Partner.objects.create(name=HIDDEN_PARTNER, acronym="ZZHP")
    greenland, iceland = Country.objects.get(code=HIDDEN_COUNTRY), Country.objects.get(code="IS")
    corridor = Corridor.objects.create(origin=greenland, destination=iceland)
    draft = Project.objects.create(
        title=DRAFT_TITLE, short_name="ZZDRAFT", slug=DRAFT_SLUG, summary="Not yet approved.", scope="national",
        planned_start=datetime.date(2014, 1, 1), planned_end=datetime.date(2016, 12, 31), is_published=False,
        responsible_officer=users["officer"],
    )
    draft.countries.add(greenland)
    draft.corridors.add(corridor)
    Funding.objects.create(project=draft, donor=Donor.objects.get(acronym="SDC"), amount=1000, currency="CHF")
    Funding.objects.create(project=draft, donor=hidden_donor, amount=2000, currency="EUR")
    ProjectPartner.objects.create(project=draft, partner=partner)
    # Internal money of the published SDC project: the admin routes of finance have objects to open.
    Budget.objects.create(project=sdc, period_start=datetime.date(2014, 1, 1), period_end=datetime.date(2014, 12, 31),
                          value=3000, currency="CHF", value_date=datetime.date(2014, 1, 1), is_internal=True)
    Transaction.objects.create(project=sdc, transaction_type=TransactionType.DISBURSEMENT, date=datetime.date(2014, 2, 3),
                               value=4000, currency="CHF", value_date=datetime.date(2014, 2, 3), is_internal=True)
    PlannedDisbursement.objects.create(project=sdc, period_start=datetime.date(2014, 4, 1),
                                       period_end=datetime.date(2014, 6, 30), value=5000, currency="CHF",
                                       value_date=datetime.date(2014, 4, 1), is_internal=True)
    Project.objects.filter(pk=sdc.pk).update(responsible_officer=users["officer"])
    for project in (sdc, draft):  # test data only: the annex carries no results
        result = Result.objects.create(project=project, title=f"ZZRESULT {project.slug}")
        indicator = Indicator.objects.create(result=result, title="ZZ indicator")
        period = Period.objects.create(indicator=indicator, start=datetime.date(2014, 1, 1),
                                       end=datetime.date(2014, 12, 31), target_value=10000)
        Update.objects.create(period=period, value=RESULT_APPROVED, state="approved")
        Update.objects.create(period=period, value=RESULT_PENDING, state="submitted")
        DimensionTarget.objects.create(
            period=period, dimension=Dimension.objects.create(indicator=indicator, name="sex", value="female"), value=5)
    projects = {"sdc-funded": sdc, "ec-funded": ec, "unpublished": draft}
    for i, (name, project) in enumerate(projects.items()):
        # Early due dates: first in every "next deadlines" list.
        Deadline.objects.create(project=project, kind="progress-report", title=SECRET[name],
                                due_on=datetime.date(2000, 1, 1 + i))

    documents = {
        "public": add_document(sdc, title=DOCUMENTS["public"], is_public=True, user=users["officer"],
                               upload=SimpleUploadedFile("brief.pdf", DOCUMENT_BYTES)),
        "restricted": add_document(sdc, title=DOCUMENTS["restricted"], user=users["officer"],
                                   upload=SimpleUploadedFile("note.pdf", DOCUMENT_BYTES)),
        "draft": add_document(draft, title=DOCUMENTS["draft"], is_public=True, url=DRAFT_DOCUMENT_URL),
    }
    reports = _reports_build(users, projects)

    tokens = {name: token_create(user=users[user], name=f"matrix {name}")[1] for name, user in TOKEN_USERS.items()}
    revoked = users["sdc"].integration_tokens.get(name="matrix revoked")
    token_revoke(token=revoked)

    old_feed = _feed_token(calendar_feed_rotate(user=users["sdc"]))
    feeds = {name: _feed_token(calendar_feed_rotate(user=user)) for name, user in users.items()}
    return World(users=users, tokens=tokens, projects=projects, feeds=feeds, old_feed=old_feed,
                 documents=documents, reports=reports)


def _reports_build(users, projects) -> dict:
    """A report owed to each project's donor, submitted by the officer and approved by the administrator;
    on sdc-funded, a first version that was returned."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from deadlines.models import Deadline
    from deadlines.services import report_approve, report_return, report_submit
    from donors.models import Donor

    def upload():
        return SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")

    owed = {"sdc-funded": "SDC", "ec-funded": "EC", "unpublished": "SDC"}
    reports = {}
    for name, acronym in owed.items():
        deadline = Deadline.objects.create(
            project=projects[name], donor=Donor.objects.get(acronym=acronym), kind="final-report",
            title=f"ZZREPORT {name}", due_on=datetime.date(2016, 12, 31),
        )
        if name == "sdc-funded":
            returned = report_submit(deadline=deadline, user=users["officer"], upload=upload())
            reports["returned"] = report_return(submission=returned, user=users["admin"], comment="Redo.")
        submission = report_submit(deadline=deadline, user=users["officer"], upload=upload())
        reports[name] = report_approve(submission=submission, user=users["admin"])
    return reports


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once per module in an outer transaction, rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _world_build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _fresh_throttle_buckets():
    cache.clear()
    yield
    cache.clear()


# ---------------------------------------------------------------------------
# A caller: who a role is on a kind of route, and what it may see
# ---------------------------------------------------------------------------


@dataclasses.dataclass
class Caller:
    role: Role
    world: World
    client: Client
    user: str | None  # the world user the request acts as, None for anonymous
    revoked: bool = False

    @property
    def staff(self) -> bool:
        return self.user in STAFF_USERS

    @property
    def donor(self) -> str | None:
        return USER_DONOR.get(self.user)

    def may_read_deadlines_of(self, obj: str) -> bool:
        """DESIGN.md: officers everything; a donor user its donor's published projects; others nothing."""
        if self.staff:
            return True
        return obj != "unpublished" and {"sdc-funded": "SDC", "ec-funded": "EC"}[obj] == self.donor

    def get(self, url: str, **kwargs):
        response = self.client.get(url, **kwargs)
        response.body_text = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
        if response.status_code >= 500:
            pytest.fail(f"{url}: {response.status_code}")
        return response

    def assert_no_private_data(self, response, *, allowed=()):
        """Deadlines the caller may not read, and donors' contact e-mails, are never in a body."""
        for obj, secret in SECRET.items():
            if obj not in allowed:
                assert secret not in response.body_text, f"{response.request['PATH_INFO']} shows the {obj} deadline"
        if not self.staff:
            assert CONTACT not in response.body_text
            for name in ("restricted", "draft"):  # documents only staff may read are never named to others
                assert DOCUMENTS[name] not in response.body_text, f"{response.request['PATH_INFO']} names {name}"

    def assert_draft(self, response, *, visible: bool | None = None):
        visible = self.staff if visible is None else visible
        shown = DRAFT_SLUG in response.body_text or DRAFT_TITLE in response.body_text
        assert shown == visible, f"{response.request['PATH_INFO']}: unpublished project shown={shown}"


def caller_for(role: Role, world: World, *, api: bool) -> Caller:
    client = Client()
    user, revoked = role.user, False
    if role.user:
        client.force_login(world.users[role.user])
    if role.token:
        client = Client(headers={"Authorization": f"Bearer {world.tokens[role.token]}"})
        if api:
            user, revoked = (None, True) if role.token == "revoked" else (TOKEN_USERS[role.token], False)
    return Caller(role=role, world=world, client=client, user=user, revoked=revoked)


# ---------------------------------------------------------------------------
# Rules: route → (objects, api?, check)
# ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Rule:
    objects: tuple[str, ...]
    api: bool  # served by DRF: tokens authenticate, a revoked token is a 401
    check: Callable


RULES: dict[str, Rule] = {}


def rule(*routes: str, objects=("all",), api=False):
    def register(check):
        for route in routes:
            RULES[route] = Rule(tuple(objects), api, check)
        return check

    return register


def _obj_url(caller: Caller, obj: str, template: str) -> str:
    project = caller.world.projects[obj]
    return template.format(pk=project.pk, slug=project.slug)


def _expect_project(caller: Caller, obj: str, response):
    if obj == "unpublished" and not caller.staff:
        assert response.status_code == 404, f"{response.request['PATH_INFO']}: {response.status_code}, not 404"
    else:
        assert response.status_code == 200


# --- API ---

# The internal budget and transaction of the SDC project (in _world_build): staff see them
# in every API body and sum; nobody else sees or counts them (DESIGN.md, issue 13).
INTERNAL_BUDGET_XML = '<value currency="CHF" value-date="2014-01-01">3000.00</value>'


def _shows_internal_money(project: dict) -> bool:
    return any(row["internal"] for row in project["budgets"] + project["transactions"])


@rule("api/v1/projects/", api=True)
def _api_project_list(c: Caller, obj):
    response = c.get("/api/v1/projects/", query_params={"page_size": 200})
    assert response.status_code == 200
    data = response.json()
    slugs = {p["slug"] for p in data["results"]}
    assert data["count"] == N_PUBLISHED + c.staff
    assert (DRAFT_SLUG in slugs) == c.staff
    assert {"bangladesh-migration-policy", "decent-work-across-borders"} <= slugs
    c.assert_no_private_data(response)
    for params in ({"donor": HIDDEN_DONOR}, {"corridor": HIDDEN_CORRIDOR}, {"country": HIDDEN_COUNTRY},
                   {"search": "ZZDRAFT"}):
        assert c.get("/api/v1/projects/", query_params=params).json()["count"] == c.staff, params
    csv = c.get("/api/v1/projects/", query_params={"format": "csv"})
    assert csv.status_code == 200
    c.assert_draft(csv)
    c.assert_no_private_data(csv)
    sdc = next(p for p in data["results"] if p["slug"] == "bangladesh-migration-policy")
    assert _shows_internal_money(sdc) == c.staff
    money = c.get("/api/v1/projects/", query_params={"format": "csv", "currency": "CHF"})
    row = next(r for r in csv_module.DictReader(io.StringIO(money.body_text)) if r["slug"] == sdc["slug"])
    assert (row["budget_chf"], row["disbursed_chf"]) == (("3000.00", "4000.00") if c.staff else ("", ""))
    # The XLSX holds the CSV's rows: the draft and the internal money for staff only.
    from tests.api.test_xlsx_export import xlsx_rows

    xlsx = c.client.get("/api/v1/projects/", query_params={"format": "xlsx", "currency": "CHF"})
    assert xlsx.status_code == 200
    header, *rows = xlsx_rows(b"".join(xlsx.streaming_content))
    by_slug = {row[header.index("slug")]: row + [None] * (len(header) - len(row)) for row in rows}
    assert len(by_slug) == N_PUBLISHED + c.staff and (DRAFT_SLUG in by_slug) == c.staff
    cells = by_slug[sdc["slug"]]
    assert (cells[header.index("budget_chf")], cells[header.index("disbursed_chf")]) == (
        (3000, 4000) if c.staff else (None, None))


@rule("api/v1/projects/<str:pk>/", objects=("sdc-funded", "ec-funded", "unpublished"), api=True)
def _api_project_detail(c: Caller, obj):
    response = c.get(_obj_url(c, obj, "/api/v1/projects/{pk}/"))
    _expect_project(c, obj, response)
    c.assert_no_private_data(response)  # the API serves no deadlines, even to their readers
    if obj == "sdc-funded":
        assert _shows_internal_money(response.json()) == c.staff


@rule("api/v1/projects/<str:pk>/results/", objects=("sdc-funded", "ec-funded", "unpublished"), api=True)
def _api_project_results(c: Caller, obj):
    """Approved actuals of a visible project; the submitted ones to officers only; a 404 like the project."""
    response = c.get(_obj_url(c, obj, "/api/v1/projects/{pk}/results/"))
    _expect_project(c, obj, response)
    c.assert_no_private_data(response)
    if response.status_code == 200:
        assert (RESULT_APPROVED in response.body_text) == (obj != "ec-funded")
        assert (RESULT_PENDING in response.body_text) == (c.staff and obj != "ec-funded")
    else:
        assert RESULT_APPROVED not in response.body_text


@rule("api/v1/projects/<str:pk>/documents/", objects=("sdc-funded", "ec-funded", "unpublished"), api=True)
def _api_project_documents(c: Caller, obj):
    """Public documents of a visible project; restricted ones to officers only; a 404 like the project."""
    response = c.get(_obj_url(c, obj, "/api/v1/projects/{pk}/documents/"))
    _expect_project(c, obj, response)
    c.assert_no_private_data(response)
    titles = [d["title"] for d in response.json()["documents"]] if response.status_code == 200 else []
    expected = {"sdc-funded": ["public"] + (["restricted"] if c.staff else []), "ec-funded": [],
                "unpublished": ["draft"] if c.staff else []}[obj]
    assert sorted(titles) == sorted(DOCUMENTS[name] for name in expected)


@rule("api/v1/results.csv", api=True)
def _api_results_csv(c: Caller, obj):
    """Every visible project's results: the draft's to officers only; submitted actuals to nobody."""
    response = c.get("/api/v1/results.csv")
    assert response.status_code == 200
    c.assert_draft(response)
    c.assert_no_private_data(response)
    assert RESULT_APPROVED in response.body_text and RESULT_PENDING not in response.body_text
    own = c.get(_obj_url(c, "sdc-funded", "/api/v1/projects/{pk}/results/"), query_params={"format": "csv"})
    assert RESULT_APPROVED in own.body_text and RESULT_PENDING not in own.body_text


@rule("api/v1/projects/<str:pk>/iati.xml", objects=("sdc-funded", "ec-funded", "unpublished"), api=True)
def _api_project_iati(c: Caller, obj):
    response = c.get(_obj_url(c, obj, "/api/v1/projects/{pk}/iati.xml"))
    _expect_project(c, obj, response)
    c.assert_no_private_data(response)
    if obj == "sdc-funded":
        assert (INTERNAL_BUDGET_XML in response.body_text) == c.staff


@rule("api/v1/iati/activities.xml", api=True)
def _api_iati_activities(c: Caller, obj):
    response = c.get("/api/v1/iati/activities.xml")
    assert response.status_code == 200
    c.assert_draft(response)
    assert response.body_text.count("<iati-activity ") == N_PUBLISHED + c.staff
    c.assert_no_private_data(response)
    assert (INTERNAL_BUDGET_XML in response.body_text) == c.staff
    hidden = c.get("/api/v1/iati/activities.xml", query_params={"donor": HIDDEN_DONOR})
    assert hidden.body_text.count("<iati-activity ") == c.staff


@rule("api/v1/stats/", api=True)
def _api_stats(c: Caller, obj):
    for group_by, hidden_key in (("donor", HIDDEN_DONOR), ("country", HIDDEN_COUNTRY), ("region", None)):
        response = c.get("/api/v1/stats/", query_params={"group_by": group_by})
        assert response.status_code == 200
        data = response.json()
        assert data["total"]["projects"] == N_PUBLISHED + c.staff
        if hidden_key:
            assert (hidden_key in {g["key"] for g in data["groups"]}) == c.staff, group_by
    sdc = c.get("/api/v1/stats/", query_params={"donor": "SDC"}).json()
    assert sdc["total"]["projects"] == 5 + c.staff
    assert ({"currency": "EUR", "amount": "2000.00"} in c.get(
        "/api/v1/stats/", query_params={"donor": HIDDEN_DONOR}).json()["total"]["funding"]) == c.staff
    money = c.get("/api/v1/stats/", query_params={"group_by": "donor", "currency": "CHF"}).json()
    for figures in (money["total"]["money"], next(g for g in money["groups"] if g["key"] == "SDC")["money"]):
        assert (figures["budget"]["amount"], figures["disbursed"]["amount"]) == (
            ("3000.00", "4000.00") if c.staff else ("0.00", "0.00")
        )


@rule("api/v1/donors/", "api/v1/partners/", "api/v1/regions/", "api/v1/countries/", "api/v1/corridors/", api=True)
def _api_reference_data(c: Caller, obj, route):
    """Reference data is public (DESIGN.md), but never a donor's contact e-mails or any deadline."""
    response = c.get("/" + route, query_params={"page_size": 200})
    assert response.status_code == 200
    c.assert_no_private_data(response)
    if route == "api/v1/donors/":
        assert CONTACT not in response.body_text
    # What only the draft references is known to staff alone.
    hidden = {"api/v1/donors/": HIDDEN_DONOR, "api/v1/partners/": HIDDEN_PARTNER, "api/v1/corridors/": HIDDEN_CORRIDOR}
    if route in hidden:
        assert (hidden[route] in response.body_text) == c.staff, route


@rule("api/v1/deadlines/", api=True)
def _api_deadlines(c: Caller, obj):
    """Officers read every deadline; a donor's user or token its donor's on published projects; others none."""
    response = c.get("/api/v1/deadlines/", query_params={"page_size": 200})
    assert response.status_code == 200
    readable = [o for o in SECRET if c.user is not None and c.may_read_deadlines_of(o)]
    for o in readable:
        assert SECRET[o] in response.body_text, o
    c.assert_no_private_data(response, allowed=readable)
    c.assert_draft(response)
    # Asking for another donor's or a draft project by id finds nothing.
    for o in SECRET:
        found = c.get("/api/v1/deadlines/", query_params={"project": c.world.projects[o].pk}).json()["count"]
        assert bool(found) == (o in readable), o


@rule("api/schema/", "api/docs/", api=True)
def _api_schema_and_docs(c: Caller, obj, route):
    response = c.get("/" + route)
    assert response.status_code == 200
    c.assert_no_private_data(response)
    assert DRAFT_TITLE not in response.body_text


# --- Operations ---


@rule("healthz")
def _healthz(c: Caller, obj):
    response = c.get("/healthz")
    assert response.status_code == 200
    c.assert_no_private_data(response)
    c.assert_draft(response, visible=False)


@rule("favicon.ico")
def _favicon(c: Caller, obj):
    response = c.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("favicon.ico")


# --- Dashboards ---


def _money_rows(money) -> int:
    """How many money rows a page's totals rest on (counted or left out): internal ones are staff's."""
    return sum(getattr(money, name).counted + getattr(money, name).left_out for name in money.FIELDS)


def _panel_values(response) -> dict[str, set[str]]:
    panel = response.context["panel"]
    return {name: {value for value, _label in panel[name]} for name in ("donors", "countries", "partners", "corridors")}


@rule("", "projects/")
def _dashboard(c: Caller, obj, route):
    response = c.get("/" + route)
    assert response.status_code == 200
    assert response.context["figures"]["projects"] == N_PUBLISHED + c.staff
    c.assert_draft(response)
    c.assert_no_private_data(response)  # the dashboard lists no deadlines
    panel = _panel_values(response)
    assert (HIDDEN_DONOR in panel["donors"]) == c.staff
    assert (HIDDEN_COUNTRY in panel["countries"]) == c.staff
    assert (HIDDEN_CORRIDOR in panel["corridors"]) == c.staff
    hidden_partner = str(c.world.projects["unpublished"].project_partners.get().partner_id)
    assert (hidden_partner in panel["partners"]) == c.staff
    assert (HIDDEN_DONOR in {bar.key for bar in response.context["by_donor"]}) == c.staff
    filtered = c.get("/" + route, query_params={"donor": HIDDEN_DONOR})
    assert filtered.context["figures"]["projects"] == c.staff
    # The SDC project's internal budget and disbursement count for staff only.
    assert _money_rows(response.context["money"].figures) == (2 if c.staff else 0)
    fragment = c.get("/" + route, headers={"HX-Request": "true"})
    c.assert_draft(fragment)
    # The map counts visible projects only: Greenland (the draft's country) is staff's.
    country_map = response.context["country_map"]
    assert (HIDDEN_COUNTRY in {country.code for country in country_map.countries}) == c.staff
    assert (f'data-country="{HIDDEN_COUNTRY}"' in response.body_text) == c.staff


@rule("projects/<str:key>/", objects=("sdc-funded", "ec-funded", "unpublished"))
def _project_page(c: Caller, obj):
    for url in (_obj_url(c, obj, "/projects/{slug}/"), _obj_url(c, obj, "/projects/{pk}/")):
        response = c.get(url)
        _expect_project(c, obj, response)
        if response.status_code == 200:
            assert (SECRET[obj] in response.body_text) == c.may_read_deadlines_of(obj), url
            finance = response.context["finance"]
            internal = c.staff and obj == "sdc-funded"
            assert (len(finance.budgets), len(finance.transactions)) == ((1, 1) if internal else (0, 0)), url
            shown = {d.title for d in response.context["documents"]}
            expected = {"sdc-funded": {"public", "restricted"} if c.staff else {"public"}, "ec-funded": set(),
                        "unpublished": {"draft"}}[obj]
            assert shown == {DOCUMENTS[name] for name in expected}, url
            assert _money_rows(finance.money) == (2 if internal else 0), url
        c.assert_no_private_data(response, allowed=[o for o in SECRET if c.may_read_deadlines_of(o)])


@rule("results/")
def _results_summary(c: Caller, obj):
    """Indicators of visible projects only: the draft's to officers alone."""
    response = c.get("/results/")
    assert response.status_code == 200
    assert response.context["total"].total == 1 + c.staff
    assert (HIDDEN_DONOR in {group.key for group in response.context["by_donor"]}) == c.staff
    c.assert_draft(response, visible=False)  # counts only: no project is named
    c.assert_no_private_data(response)


@rule("corridors/")
def _corridors(c: Caller, obj):
    response = c.get("/corridors/")
    assert response.status_code == 200
    assert (HIDDEN_CORRIDOR in {corridor.code for corridor in response.context["corridors"]}) == c.staff
    c.assert_draft(response)
    c.assert_no_private_data(response)


DONOR_OF = {"sdc-funded": "SDC", "ec-funded": "EC", "unpublished": HIDDEN_DONOR}


@rule("donors/<str:acronym>/", objects=("sdc-funded", "ec-funded", "unpublished"))
def _donor_page(c: Caller, obj):
    """The donor's dashboard: public figures; its deadlines to its own users and officers only."""
    acronym = DONOR_OF[obj]
    response = c.get(f"/donors/{acronym}/")
    if acronym == HIDDEN_DONOR and not c.staff:  # it funds only the draft: staff alone know of it
        assert response.status_code == 404
        c.assert_no_private_data(response)
        return
    assert response.status_code == 200
    readable = [o for o in SECRET if c.may_read_deadlines_of(o) and DONOR_OF[o] == acronym]
    c.assert_no_private_data(response, allowed=readable + (["unpublished"] if c.staff and acronym == "SDC" else []))
    for o in readable:
        assert SECRET[o] in response.body_text
    funds_draft = acronym in ("SDC", HIDDEN_DONOR)
    c.assert_draft(response, visible=c.staff and funds_draft)
    expected = {"SDC": 5, "EC": 9, HIDDEN_DONOR: 0}[acronym] + (c.staff and funds_draft)
    assert response.context["figures"]["projects"] == expected
    assert _money_rows(response.context["money"].figures) == (2 if c.staff and acronym == "SDC" else 0)
    assert c.get("/donors/ZZNOSUCH/").status_code == 404


@rule("donors/<str:acronym>/reporting/", objects=("sdc-funded", "ec-funded", "unpublished"))
def _donor_reporting(c: Caller, obj):
    """A donor's reporting deadlines: its own users and officers; a 404 (not 403) for anyone else."""
    acronym = DONOR_OF[obj]
    response = c.get(f"/donors/{acronym}/reporting/")
    allowed = c.staff or c.donor == acronym
    assert response.status_code == (200 if allowed else 404)
    if allowed:
        readable = [o for o in SECRET if c.may_read_deadlines_of(o) and (DONOR_OF[o] == acronym or (
            acronym == "SDC" and o == "unpublished"))]
        for o in readable:
            assert SECRET[o] in response.body_text
        c.assert_no_private_data(response, allowed=readable)
        c.assert_draft(response, visible=c.staff and acronym in ("SDC", HIDDEN_DONOR))
    else:
        c.assert_no_private_data(response)


# --- PDF reports (dashboards/pdf.py): exactly what the HTML page shows the same caller ---


def _get_pdf(c: Caller, url: str):
    """The response, with `body_text` the PDF's text (pypdf) when it is one: as read, whitespace made single
    spaces, then again without any whitespace, so a word a table cell broke at a hyphen is still found."""
    from pypdf import PdfReader

    response = c.client.get(url)
    if response.status_code >= 500:
        pytest.fail(f"{url}: {response.status_code}")
    if response.status_code != 200:
        response.body_text = response.content.decode()
        return response
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    response.body_text = " ".join(text.split()) + "\n" + "".join(text.split())
    return response


@rule("report.pdf")
def _dashboard_report(c: Caller, obj):
    response = _get_pdf(c, "/report.pdf")
    assert response.status_code == 200
    assert response.context["figures"]["projects"] == N_PUBLISHED + c.staff
    c.assert_draft(response)
    c.assert_no_private_data(response)  # no deadlines in the portfolio report
    assert (HIDDEN_DONOR in {bar.key for bar in response.context["by_donor"]}) == c.staff
    assert (HIDDEN_DONOR in response.body_text) == c.staff
    assert _money_rows(response.context["money"].figures) == (2 if c.staff else 0)


@rule("donors/<str:acronym>/report.pdf", objects=("sdc-funded", "ec-funded", "unpublished"))
def _donor_report(c: Caller, obj):
    """The donor page as PDF: its figures and money; its deadlines to its own users and officers only."""
    acronym = DONOR_OF[obj]
    response = _get_pdf(c, f"/donors/{acronym}/report.pdf")
    if acronym == HIDDEN_DONOR and not c.staff:
        assert response.status_code == 404
        c.assert_no_private_data(response)
        return
    assert response.status_code == 200
    readable = [o for o in SECRET if c.may_read_deadlines_of(o) and DONOR_OF[o] == acronym]
    c.assert_no_private_data(response, allowed=readable + (["unpublished"] if c.staff and acronym == "SDC" else []))
    for o in readable:
        assert SECRET[o] in response.body_text
    c.assert_draft(response, visible=c.staff and acronym in ("SDC", HIDDEN_DONOR))
    expected = {"SDC": 5, "EC": 9, HIDDEN_DONOR: 0}[acronym] + (c.staff and acronym in ("SDC", HIDDEN_DONOR))
    assert response.context["figures"]["projects"] == expected
    assert _money_rows(response.context["money"].figures) == (2 if c.staff and acronym == "SDC" else 0)


@rule("projects/<str:key>/sheet.pdf", objects=("sdc-funded", "ec-funded", "unpublished"))
def _project_sheet(c: Caller, obj):
    """The project page as PDF: a 404 where the page is one; internal money, submitted actuals and others'
    deadlines never in it."""
    response = _get_pdf(c, _obj_url(c, obj, "/projects/{slug}/sheet.pdf"))
    _expect_project(c, obj, response)
    c.assert_no_private_data(response, allowed=[o for o in SECRET if c.may_read_deadlines_of(o)])
    if response.status_code != 200:
        return
    assert (SECRET[obj] in response.body_text) == c.may_read_deadlines_of(obj)
    finance = response.context["finance"]
    internal = c.staff and obj == "sdc-funded"
    assert (len(finance.budgets), len(finance.transactions)) == ((1, 1) if internal else (0, 0))
    assert ("3,000.00 CHF" in response.body_text) == internal  # the internal budget's row
    assert _money_rows(finance.money) == (2 if internal else 0)
    assert ("ZZRESULT" in response.body_text) == (obj != "ec-funded")
    assert "9191" not in response.body_text and "9,191" not in response.body_text  # the submitted actual


# --- Documents ---


@rule("documents/<int:pk>/", objects=tuple(DOCUMENTS))
def _document_download(c: Caller, obj):
    """The bytes (or the link) for whoever may read the document; a 404, never a 403, for anyone else.

    Tokens are ignored here as on every page: a token caller is anonymous.
    """
    document = c.world.documents[obj]
    response = c.get(f"/documents/{document.pk}/")
    if obj != "public" and not c.staff:
        assert response.status_code == 404
        assert DRAFT_DOCUMENT_URL not in response.body_text and "Location" not in response
        c.assert_no_private_data(response)
        return
    if obj == "draft":
        assert response.status_code == 302 and response["Location"] == DRAFT_DOCUMENT_URL
        return
    assert response.status_code == 200
    assert response.body_text.encode() == DOCUMENT_BYTES
    assert response["Content-Disposition"].startswith("attachment;")
    assert c.get("/documents/999999999/").status_code == 404


@rule("api/v1/documents/<str:pk>/file/", objects=tuple(DOCUMENTS), api=True)
def _api_document_file(c: Caller, obj):
    """The download page's rule with API credentials: tokens are callers here, so an officer's token reads
    restricted documents; everyone else public ones only, a 404 (401 where the API asks for credentials)."""
    document = c.world.documents[obj]
    response = c.get(f"/api/v1/documents/{document.pk}/file/")
    if obj != "public" and not c.staff:
        assert response.status_code in (401, 404), f"{obj}: {response.status_code}"
        assert DRAFT_DOCUMENT_URL not in response.body_text and "Location" not in response
        c.assert_no_private_data(response)
    elif obj == "draft":
        assert response.status_code == 302 and response["Location"] == DRAFT_DOCUMENT_URL
    else:
        assert response.status_code == 200, f"{obj}: {response.status_code}"
        assert response.body_text.encode() == DOCUMENT_BYTES
        assert response["Content-Disposition"].startswith("attachment;")
    assert c.get("/api/v1/documents/999999999/file/").status_code in (401, 404)
    assert c.get("/api/v1/documents/null/file/")["Content-Type"] == "application/json"


# --- Calendar ---


@rule("calendar/")
def _calendar_link(c: Caller, obj):
    response = c.get("/calendar/")
    if c.user is None:
        assert response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))
        return
    assert response.status_code == 200
    for feed in c.world.feeds.values():
        assert feed not in response.body_text  # the URL is shown once, when made: never again, never another's


@rule("calendar/<str:token>.ics", objects=("own", "rotated", "unknown"))
def _calendar_feed(c: Caller, obj):
    """A feed lists its owner's deadlines only; a rotated or unknown token is a 404."""
    if obj == "own":
        response = c.get(f"/calendar/{c.world.feeds[c.user]}.ics")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        expected = {"sdc": ["sdc-funded"], "ec": ["ec-funded"], "officer": ["sdc-funded", "unpublished"],
                    "finance": [], "admin": []}[c.user]
        for o in expected:
            assert SECRET[o] in response.body_text
        c.assert_no_private_data(response, allowed=expected)
        c.assert_draft(response, visible="unpublished" in expected)
    else:
        token = c.world.old_feed if obj == "rotated" else "zz" + c.world.old_feed[2:][::-1]
        response = c.get(f"/calendar/{token}.ics")
        assert response.status_code == 404
        c.assert_no_private_data(response)


# --- Reports ---

REPORT_OWED_TO = {"sdc-funded": "SDC", "ec-funded": "EC", "unpublished": "SDC", "returned": "SDC"}


@rule("reporting/reports/<int:pk>/file/", objects=("sdc-funded", "ec-funded", "unpublished", "returned"))
def _report_file(c: Caller, obj):
    """Staff download every version; the donor it is owed to the approved one of a project it may see; everyone
    else (another donor, anonymous, a token: this is no API route) a 404, also for an id that does not exist."""
    submission = c.world.reports[obj]
    response = c.get(f"/reporting/reports/{submission.pk}/file/")
    allowed = c.staff or (c.donor == REPORT_OWED_TO[obj] and obj in ("sdc-funded", "ec-funded"))
    assert response.status_code == (200 if allowed else 404), f"{obj}: {response.status_code}"
    if allowed:
        assert response.body_text.startswith("%PDF")
        assert response["Content-Disposition"].startswith("attachment")
    else:
        c.assert_no_private_data(response)
    assert c.get("/reporting/reports/999999/file/").status_code == 404


@rule("api/v1/reports/<str:pk>/file/", objects=("sdc-funded", "ec-funded", "unpublished", "returned"), api=True)
def _api_report_file(c: Caller, obj):
    """The same rule for API callers, tokens included: staff every version, the donor it is owed to the approved
    one of a project it may see; a 404 for anyone else (401 without credentials where the API asks for them)."""
    submission = c.world.reports[obj]
    response = c.get(f"/api/v1/reports/{submission.pk}/file/")
    allowed = c.staff or (c.donor == REPORT_OWED_TO[obj] and obj in ("sdc-funded", "ec-funded"))
    if allowed:
        assert response.status_code == 200, f"{obj}: {response.status_code}"
        assert response.body_text.startswith("%PDF")
    else:
        assert response.status_code in (401, 404), f"{obj}: {response.status_code}"
        c.assert_no_private_data(response)
    assert c.get("/api/v1/reports/999999/file/").status_code in (401, 404)
    assert c.get("/api/v1/reports/null,null/file/")["Content-Type"] == "application/json"


# --- Accounts ---


@rule("accounts/login/")
def _login(c: Caller, obj):
    response = c.get("/accounts/login/")
    assert response.status_code == (302 if c.user else 200)
    c.assert_no_private_data(response)


@rule("accounts/logout/")
def _logout(c: Caller, obj):
    assert c.get("/accounts/logout/").status_code == 405  # POST only: no log-out by a forged link
    response = c.client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in c.client.session


# --- Admin ---


def _admin_url(c: Caller, route: str) -> str:
    """A concrete URL for an admin route, with a real object of its model where it takes one."""
    from django.contrib.contenttypes.models import ContentType

    model = next((m for p, m in _admin_models().items() if route.startswith(p)), None)
    instance = _admin_instance(c, model) if model is not None else None
    pk = str(instance.pk) if instance is not None else "0"
    url = route.replace("<path:object_id>", pk).replace("<id>", pk)
    if "^([^/]+)/history/([^/]+)/$" in url:  # one historical record of an object
        history = model.history.order_by("history_id").first()
        object_id = getattr(history, model._meta.pk.attname)
        url = url.replace("^([^/]+)/history/([^/]+)/$", f"{object_id}/history/{history.history_id}/")
    if "<path:content_type_id>" in url:  # view on site: the unpublished project
        project = c.world.projects["unpublished"]
        url = f"admin/r/{ContentType.objects.get_for_model(project).pk}/{project.pk}/"
    url = re.sub(r"\^\(\?P<app_label>[a-z_|]+\)/\$", "projects/", url)  # an app's index page
    url = url.replace("(?P<url>.*)$", "zz-no-such-page/")
    assert not re.search(r"[<>^$()]", url), f"no concrete URL for {route}"
    return "/" + url


def _admin_request(c: Caller):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = c.world.users[c.user if c.staff else "officer"]
    return request


def _admin_instance(c: Caller, model):
    """The object an admin route is tried on: one the model's admin lists (e.g. a deleted project's record)."""
    overrides = {"project": c.world.projects["unpublished"], "user": c.world.users["sdc"]}
    if model._meta.model_name in overrides:
        return overrides[model._meta.model_name]
    return admin.site._registry[model].get_queryset(_admin_request(c)).order_by("pk").first()


# Site views of the admin, for a staff user: exactly what each answers.
SITE_VIEW_STATUS = {
    "admin/": 200,
    "admin/password_change/": 200,
    "admin/password_change/done/": 200,
    "admin/jsi18n/": 200,
    "admin/autocomplete/": 403,  # without its parameters: refused, not an empty list
    "admin/r/<path:content_type_id>/<path:object_id>/": 302,  # view on site: to the project's page
    "(?P<url>.*)$": 404,  # the catch-all
}


def _staff_admin_status(c: Caller, route: str, model) -> int:
    """The one status a staff user gets for an admin route, from the model admin's own permission methods."""
    request = _admin_request(c)
    if model is None:
        if re.search(r"\(\?P<app_label>", route):  # an app's index: only for someone with a permission in it
            return 200 if request.user.has_module_perms("projects") else 404
        key = route.removeprefix("admin/") if route.endswith("(?P<url>.*)$") else route
        return SITE_VIEW_STATUS[key if key in SITE_VIEW_STATUS else route]
    model_admin = admin.site._registry[model]
    instance = _admin_instance(c, model)
    tail = route.removeprefix(f"admin/{model._meta.app_label}/{model._meta.model_name}/")
    if tail == "import/" and model._meta.app_label == "iati":  # the IATI import (iati.views): who may add projects
        return 200 if request.user.has_perm("projects.add_project") else 403
    if tail == "import/":  # the transactions CSV import (finance.views): its own permission, not the model's
        return 200 if request.user.has_perm("finance.import_transactions") else 403
    if tail in ("<path:object_id>/report/", "<path:object_id>/decide/"):  # a deadline's work: POST only
        return 405
    if tail == "":
        return 200 if model_admin.has_view_or_change_permission(request) else 403
    if tail == "add/":
        return 200 if model_admin.has_add_permission(request) else 403
    if tail == "<path:object_id>/":  # a redirect to the change page, which checks
        return 302
    if tail == "<path:object_id>/history/" and instance is None:  # history looks for the object first
        return 302
    # Elsewhere the permission is checked first; then a missing object sends the user to the admin's index.
    if tail == "<path:object_id>/delete/":
        allowed = model_admin.has_delete_permission(request, instance)
    elif tail == "<id>/password/":
        allowed = model_admin.has_change_permission(request, instance)
    elif tail in ("<path:object_id>/change/", "<path:object_id>/history/") or "history/" in tail:
        allowed = model_admin.has_view_or_change_permission(request, instance)
    else:
        raise AssertionError(f"no rule for the admin route {route}")
    if not allowed:
        return 403
    return 200 if instance is not None else 302


def _admin_check(c: Caller, obj, routes):
    """Donor users, anonymous callers and tokens never get an admin page; officers and administrators get
    exactly what their permissions give, page by page."""
    for route in routes:
        url = _admin_url(c, route)
        response = c.get(url)
        if route == "admin/login/":
            assert response.status_code == (302 if c.staff else 200), url
            continue
        if route == "admin/logout/":  # POST only; a GET logs no one out and shows nothing
            assert response.status_code == (405 if c.staff else 302), f"{url}: {response.status_code}"
            continue
        if not c.staff:
            assert response.status_code == 302, f"{url}: {response.status_code}"
            assert response["Location"].startswith("/admin/login/"), url
            continue
        model = next((m for p, m in _admin_models().items() if route.startswith(p)), None)
        expected = _staff_admin_status(c, route, model)
        assert response.status_code == expected, f"{c.user} {url}: {response.status_code}, expected {expected}"
        if model is not None and route.endswith("/<path:object_id>/"):
            assert response["Location"].endswith("/change/"), url
        if route == "admin/projects/project/":
            assert "ZZDRAFT" in response.body_text  # officers see everything


def _admin_rules():
    groups: dict[str, list[str]] = {}
    for route, _name in url_routes():
        if route.startswith("admin/"):
            groups.setdefault(route_key(route), []).append(route)
    for key, routes in groups.items():
        RULES[key] = Rule(("all",), False, lambda c, obj, _routes=tuple(routes): _admin_check(c, obj, _routes))


_admin_rules()


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------


def _run(rule_: Rule, caller: Caller, obj: str, route: str):
    import inspect

    if "route" in inspect.signature(rule_.check).parameters:
        return rule_.check(caller, obj, route=route)
    return rule_.check(caller, obj)


MATRIX = [
    pytest.param(role, key, obj, id=f"{role.name}-{key or '/'}-{obj}")
    for key, rule_ in RULES.items()
    for role in ROLES
    for obj in rule_.objects
    if not (obj == "own" and role.user is None)  # a feed of one's own needs a user
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "key", "obj"), MATRIX)
def test_matrix(world, role, key, obj):
    rule_ = RULES[key]
    caller = caller_for(role, world, api=rule_.api)
    if caller.revoked:
        # A revoked token is refused on every API route, before anything is read.
        response = caller.get("/" + re.sub(r"<[^>]+>", str(world.projects["sdc-funded"].pk), key))
        assert response.status_code == 401, response.status_code
        if response["Content-Type"].startswith("application/json"):
            assert "revoked" in response.body_text
        return
    _run(rule_, caller, obj, key)


def uncovered_routes(routes) -> list[str]:
    return sorted({r for r in routes if route_key(r) not in RULES and route_key(r) not in OUT_OF_SCOPE})


def test_a_new_route_without_a_rule_is_caught():
    """The guard itself: a route added next to the real ones, with no rule, is reported."""
    from django.urls import include, path

    patterns = [path("reports/<int:pk>/private/", lambda request, pk: None), path("", include(settings.ROOT_URLCONF))]
    assert uncovered_routes(route for route, _name in url_routes(patterns)) == ["reports/<int:pk>/private/"]


@pytest.mark.django_db
def test_every_route_is_covered_by_the_matrix(client):
    """A route in the URL configuration or the OpenAPI schema with no rule and no reason fails here."""
    uncovered = uncovered_routes(route for route, _name in url_routes())
    assert not uncovered, f"routes neither in the permission matrix nor OUT_OF_SCOPE: {uncovered}"

    schema = client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert schema.status_code == 200
    paths = list(schema.json()["paths"])
    assert paths, "the OpenAPI schema lists no path"
    api_shapes = {_shape(key): key for key, rule_ in RULES.items() if rule_.api}
    missing = sorted(p for p in paths if _shape(p) not in api_shapes)
    assert not missing, f"OpenAPI paths with no API rule in the matrix: {missing}"
    # ...and every API route the matrix knows is in the schema or is the schema/docs itself.
    documented = {_shape(p) for p in paths}
    undocumented = sorted(k for s, k in api_shapes.items() if s not in documented and k.startswith("api/v1/"))
    assert not undocumented, f"API routes missing from the OpenAPI schema: {undocumented}"


def test_every_rule_names_a_live_route():
    """A stale rule (its route renamed or removed) would hide the new route's absence."""
    keys = {route_key(route) for route, _name in url_routes()}
    assert not sorted(set(RULES) - keys)
    assert not sorted(k for k in OUT_OF_SCOPE if k != "__benchmark__/" and k not in keys)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in ROLES if r.user in {"officer", "admin"}], ids=lambda r: r.name)
def test_staff_can_open_the_add_project_page(world, role):
    """Once a 500: the read-only status of a project with no dates yet. (Finance staff may not add projects.)"""
    caller = caller_for(role, world, api=False)
    response = caller.client.get(_admin_url(caller, "admin/projects/project/add/"))
    assert response.status_code == 200
