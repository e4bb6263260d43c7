"""A synthetic portfolio for benchmarks: many projects with the shapes of a real one.

`portfolio_generate()` adds N projects on top of the reference data (regions and
countries from the migrations, the annex if loaded): donors of very unequal size
(Zipf-like, so a few fund most projects), 1-8 countries per project, some
migration corridors, 1-5 objectives, funding in several currencies (some without
an amount), partners, the deadlines the product's own rules give (deadlines_wanted, with
reporting rules for the synthetic donors), and money (`_money_plan`): calendar-year budgets
with some revisions, an outgoing commitment at the start, quarterly disbursements,
expenditure lagging behind them, and the funding donors' incoming commitments and funds, in
the currencies the ECB rates cover, a small share internal. The same seed on the same
reference data gives the same portfolio.

Rows are written in batches: COPY on PostgreSQL (100,000 projects and about a
million related rows in well under a minute), bulk_create elsewhere. No model
validation runs; the generator keeps to the database constraints itself.
"""
import datetime
import decimal
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone

from deadlines.models import Deadline, DeadlineState
from deadlines.services import deadlines_wanted
from donors.models import (
    Donor,
    OrganisationKind,
    Partner,
    ReportingBasis,
    ReportingRule,
)
from finance.models import (
    Budget,
    BudgetStatus,
    BudgetType,
    Transaction,
    TransactionType,
)
from projects.models import (
    Funding,
    Objective,
    OrganisationRole,
    Project,
    ProjectPartner,
    Scope,
    StatusOverride,
)
from regions.models import Corridor, Country
from results.models import (
    Dimension,
    DimensionName,
    DimensionTarget,
    Indicator,
    Measure,
    Period,
    Result,
    ResultType,
    Update,
    UpdateState,
)

SLUG_PREFIX = "synthetic"
BATCH_SIZE = 2000
# From this many projects (and at least as many as there are), PostgreSQL loads run without foreign
# keys and secondary indexes, restored after.
REBUILD_FROM = 10_000
# Donor i (0-based, by size) gets weight 1 / (i + 1) ** ZIPF_EXPONENT.
ZIPF_EXPONENT = 1.3
COUNTRY_COUNT_WEIGHTS = {1: 45, 2: 15, 3: 12, 4: 9, 5: 7, 6: 5, 7: 4, 8: 3}
DONOR_COUNT_WEIGHTS = {1: 70, 2: 20, 3: 7, 4: 3}
GLOBAL_SHARE = 0.05
CORRIDOR_SHARE = 0.25
UNFUNDED_AMOUNT_SHARE = 0.15
PUBLISHED_SHARE = 0.9
FIRST_START = datetime.date(2000, 1, 1)
LAST_START = datetime.date(2027, 12, 31)

# Synthetic donors, added next to the annex's: (acronym, name, kind, country code, currency).
DONORS = [
    ("Norad", "Norwegian Agency for Development Cooperation", "government", "NO", "NOK"),
    ("Sida", "Swedish International Development Cooperation Agency", "government", "SE", "SEK"),
    ("Danida", "Danish International Development Agency", "government", "DK", "DKK"),
    ("JICA", "Japan International Cooperation Agency", "government", "JP", "JPY"),
    ("KOICA", "Korea International Cooperation Agency", "government", "KR", "KRW"),
    ("Irish Aid", "Irish Aid, Department of Foreign Affairs", "government", "IE", "EUR"),
    ("AFD", "Agence française de développement", "government", "FR", "EUR"),
    ("NL-MFA", "Ministry of Foreign Affairs of the Netherlands", "government", "NL", "EUR"),
    ("BE-DGD", "Directorate-General for Development Cooperation (Belgium)", "government", "BE", "EUR"),
    ("LuxDev", "Luxembourg Agency for Development Cooperation", "government", "LU", "EUR"),
    ("ADA", "Austrian Development Agency", "government", "AT", "EUR"),
    ("FI-MFA", "Ministry for Foreign Affairs of Finland", "government", "FI", "EUR"),
    ("IT-AICS", "Italian Agency for Development Cooperation", "government", "IT", "EUR"),
    ("PT-Camões", "Camões, Institute for Cooperation and Language", "government", "PT", "EUR"),
    ("NZ-MFAT", "New Zealand Ministry of Foreign Affairs and Trade", "government", "NZ", "NZD"),
    ("USDOL", "United States Department of Labor", "government", "US", "USD"),
    ("KSA-MHRSD", "Ministry of Human Resources and Social Development (Saudi Arabia)", "government", "SA", "SAR"),
    ("QA-MOL", "Ministry of Labour of Qatar", "government", "QA", "QAR"),
    ("UNDP", "United Nations Development Programme", "un", "", "USD"),
    ("UNHCR", "Office of the United Nations High Commissioner for Refugees", "un", "", "USD"),
    ("UN-MPTF", "United Nations Multi-Partner Trust Fund Office", "un", "", "USD"),
    ("AfDB", "African Development Bank", "igo", "", "USD"),
    ("ADB", "Asian Development Bank", "igo", "", "USD"),
    ("IDB", "Inter-American Development Bank", "igo", "", "USD"),
    ("Gates", "Bill & Melinda Gates Foundation", "foundation", "US", "USD"),
    ("OSF", "Open Society Foundations", "foundation", "US", "USD"),
    ("Laudes", "Laudes Foundation", "foundation", "CH", "CHF"),
    ("Humanity United", "Humanity United", "foundation", "US", "USD"),
]
DONOR_CURRENCY = {
    "SDC": "CHF", "AusAID": "AUD", "CIDA": "CAD", "EC": "EUR", "AECID": "EUR", "BMZ": "EUR", "USDOS": "USD",
    "DFID": "GBP", **{acronym: currency for acronym, _name, _kind, _country, currency in DONORS},
}

# Synthetic partners: (acronym, name, kind); per-country unions, employers and ministries are added.
PARTNERS = [
    ("MFA", "Migrant Forum in Asia", "ngo"),
    ("ITUC", "International Trade Union Confederation", "union"),
    ("IOE", "International Organisation of Employers", "employers"),
    ("IDWF", "International Domestic Workers Federation", "union"),
    ("UNICEF", "United Nations Children's Fund", "un"),
    ("UNODC", "United Nations Office on Drugs and Crime", "un"),
    ("OECD", "Organisation for Economic Co-operation and Development", "igo"),
    ("ICMPD", "International Centre for Migration Policy Development", "igo"),
    ("ASEAN", "Association of Southeast Asian Nations Secretariat", "igo"),
    ("AU", "African Union Commission", "igo"),
    ("SAARC", "South Asian Association for Regional Cooperation", "igo"),
    ("GFMD", "Global Forum on Migration and Development", "igo"),
    ("Verité", "Verité", "ngo"),
    ("IHRB", "Institute for Human Rights and Business", "research"),
    ("KNOMAD", "Global Knowledge Partnership on Migration and Development", "research"),
    ("Anti-Slavery", "Anti-Slavery International", "ngo"),
]
PARTNER_COUNTRIES = ["NP", "BD", "PH", "IN", "LK", "PK", "ID", "ET", "KE", "JO", "LB", "MY", "TH", "GT", "MA"]

# Migration corridors (origin, destinations); the same everywhere, created if missing.
CORRIDORS = {
    "NP": ["AE", "QA", "SA", "MY", "KW"], "BD": ["AE", "SA", "MY", "OM"], "PH": ["SA", "AE", "KW", "HK", "IT"],
    "IN": ["AE", "SA", "QA", "KW", "OM", "BH"], "LK": ["SA", "QA", "KW", "LB", "JO"], "PK": ["SA", "AE", "OM"],
    "ID": ["MY", "SA", "HK", "SG"], "ET": ["SA", "LB", "KW", "JO"], "KE": ["SA", "QA", "AE"], "UG": ["SA", "AE"],
    "MM": ["TH", "MY"], "KH": ["TH", "KR"], "VN": ["JP", "KR", "TW"], "GT": ["US", "MX"], "HN": ["US", "MX"],
    "SV": ["US"], "MX": ["US", "CA"], "MA": ["ES", "FR", "IT"], "SN": ["ES", "FR"], "EG": ["SA", "JO", "KW"],
}

THEMES = [
    ("Fair recruitment", "fair recruitment of migrant workers"),
    ("Decent work for domestic workers", "decent work for domestic workers"),
    ("Social protection for migrant workers", "access of migrant workers to social protection"),
    ("Skills recognition", "recognition of skills and qualifications"),
    ("Labour inspection", "stronger labour inspection"),
    ("Forced labour prevention", "prevention of forced labour and trafficking"),
    ("Labour migration governance", "governance of labour migration"),
    ("Women migrant workers", "protection of women migrant workers"),
    ("Child labour elimination", "elimination of child labour in supply chains"),
    ("Employment services", "public employment services for returning migrants"),
    ("Remittances and financial inclusion", "financial inclusion of migrants and their families"),
    ("Occupational safety and health", "occupational safety and health in construction"),
]
OBJECTIVE_TEMPLATES = [
    "Strengthen the capacity of {country} to improve {topic}.",
    "Support social dialogue between governments, workers and employers on {topic}.",
    "Improve the knowledge base and statistics on {topic} in {country}.",
    "Review national laws and policies of {country} against international labour standards.",
    "Pilot services for migrant workers in {country} and document what works.",
    "Build the capacity of trade unions to organise and represent workers on {topic}.",
    "Promote bilateral cooperation along the main migration corridors of {country}.",
    "Raise awareness among employers and recruitment agencies of {topic}.",
]
SYNTHETIC_REPORTING_RULES = [
    ("Norad", "progress-report", ReportingBasis.EACH_YEAR, 60),
    ("USDOL", "financial-report", ReportingBasis.EACH_YEAR, 90),
]
CURRENCY_SHARES = (("USD", 0.2), ("EUR", 0.1))  # of amounts given in a common currency instead of the donor's

# Money. Units of each currency per US dollar, roughly: so that an amount reported in another
# currency than the budget's is of the same size. Only currencies the ECB reference rates
# cover, so every synthetic amount converts; a donor's other currency (SAR, QAR) becomes USD.
ROUGH_PER_USD = {
    "USD": 1.0, "EUR": 0.9, "CHF": 0.9, "GBP": 0.8, "SEK": 10.5, "NOK": 10.5, "DKK": 6.8, "JPY": 140.0,
    "KRW": 1300.0, "AUD": 1.5, "CAD": 1.35, "NZD": 1.6,
}
GULF_PER_USD = decimal.Decimal("3.7")
# Share of projects whose country office reports disbursements and expenditure in USD, EUR or GBP
# while the budget stays in the donor's currency.
OFFICE_CURRENCY_SHARE = 0.2
REVISED_SHARE = 0.15  # of budget periods already begun
INTERNAL_SHARE = 0.02  # of budgets and transactions
BUDGET_FIELDS = ("budget_type", "status", "period_start", "period_end", "value", "currency", "value_date", "is_internal")
TRANSACTION_FIELDS = (
    "transaction_type", "date", "value", "currency", "value_date", "description", "provider_donor_id",
    "provider_partner_id", "provider_name", "provider_ref", "receiver_donor_id", "receiver_partner_id",
    "receiver_name", "receiver_ref", "is_internal",
)


@dataclass
class SyntheticResult:
    projects: int = 0
    countries: int = 0
    corridors: int = 0
    objectives: int = 0
    fundings: int = 0
    partners: int = 0
    deadlines: int = 0
    budgets: int = 0
    transactions: int = 0
    results: int = 0
    indicators: int = 0
    periods: int = 0
    updates: int = 0
    donors_created: int = 0
    partners_created: int = 0
    corridors_created: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.projects} projects with {self.countries} country links, {self.corridors} corridor links, "
            f"{self.objectives} objectives, {self.fundings} fundings, {self.partners} partner roles, "
            f"{self.deadlines} deadlines, {self.budgets} budgets, {self.transactions} transactions, "
            f"{self.results} results with {self.indicators} indicators, {self.periods} periods, {self.updates} updates "
            f"({self.donors_created} donors, {self.partners_created} partners, "
            f"{self.corridors_created} corridors created) in {self.seconds:.1f} s"
        )


@dataclass
class _Reference:
    countries: list[tuple[int, str, str, int]]  # id, code, name, region_id
    country_weights: list[float]
    by_region: dict[int, tuple[list[tuple[int, str, str, int]], list[float]]]
    donors: list[tuple[int, str]]  # id, acronym, biggest first
    donor_weights: list[float]
    partners: list[int]
    corridors: list[tuple[int, int]]  # id, origin id
    corridors_by_origin: dict[int, list[int]]
    officers: list[int]
    rules: dict[int, list[ReportingRule]]  # by donor id
    donor_currency: dict[int, str]  # by donor id: the currency its money comes in


def synthetic_references_ensure() -> tuple[int, int, int]:
    """Create the synthetic donors, partners and corridors that are missing; return how many were made."""
    countries = dict(Country.objects.values_list("code", "id"))
    names = dict(Country.objects.values_list("code", "name"))
    donors_before, partners_before, corridors_before = (
        Donor.objects.count(), Partner.objects.count(), Corridor.objects.count()
    )
    Donor.objects.bulk_create(
        [
            Donor(acronym=acronym, name=name, kind=kind, country_id=countries.get(code))
            for acronym, name, kind, code, _currency in DONORS
        ],
        ignore_conflicts=True,
    )
    # Every synthetic donor wants a final report; a few a yearly progress report too.
    donor_ids = dict(Donor.objects.filter(acronym__in=[d[0] for d in DONORS]).values_list("acronym", "id"))
    ReportingRule.objects.bulk_create(
        [
            ReportingRule(donor_id=donor_ids[acronym], kind=kind, basis=basis, days_after=days)
            for acronym, kind, basis, days in SYNTHETIC_REPORTING_RULES
            if acronym in donor_ids
        ]
        + [
            ReportingRule(donor_id=donor_id, kind="final-report", basis=ReportingBasis.END, days_after=90)
            for donor_id in donor_ids.values()
        ],
        ignore_conflicts=True,
    )
    partners = [Partner(acronym=acronym, name=name, kind=kind) for acronym, name, kind in PARTNERS]
    for code in PARTNER_COUNTRIES:
        if code in names:
            partners += [
                Partner(name=f"{names[code]} Federation of Trade Unions", kind=OrganisationKind.TRADE_UNION),
                Partner(name=f"{names[code]} Employers' Confederation", kind=OrganisationKind.EMPLOYERS),
                Partner(name=f"Ministry of Labour, {names[code]}", kind=OrganisationKind.GOVERNMENT),
            ]
    Partner.objects.bulk_create(partners, ignore_conflicts=True)
    Corridor.objects.bulk_create(
        [
            Corridor(origin_id=countries[origin], destination_id=countries[destination])
            for origin, destinations in CORRIDORS.items()
            for destination in destinations
            if origin in countries and destination in countries
        ],
        ignore_conflicts=True,
    )
    return (
        Donor.objects.count() - donors_before,
        Partner.objects.count() - partners_before,
        Corridor.objects.count() - corridors_before,
    )


def _zipf(n: int, exponent: float) -> list[float]:
    return [1 / (rank + 1) ** exponent for rank in range(n)]


def _reference(rng: random.Random) -> _Reference:
    countries = list(
        Country.objects.filter(region__isnull=False).order_by("code").values_list("id", "code", "name", "region_id")
    )
    if not countries:
        raise RuntimeError("No countries with a region: run the migrations first.")
    # Some countries host far more projects than others; the corridor origins lead.
    countries.sort(key=lambda c: (c[1] not in CORRIDORS, rng.random()))
    country_weights = _zipf(len(countries), 0.9)
    by_region: dict = {}
    for country, weight in zip(countries, country_weights):
        members, weights = by_region.setdefault(country[3], ([], []))
        members.append(country)
        weights.append(weight)
    donors = list(Donor.objects.order_by("acronym").values_list("id", "acronym"))
    rng.shuffle(donors)
    corridors = list(Corridor.objects.order_by("origin__code", "destination__code").values_list("id", "origin_id"))
    corridors_by_origin: dict = {}
    for corridor_id, origin_id in corridors:
        corridors_by_origin.setdefault(origin_id, []).append(corridor_id)
    officers = list(get_user_model().objects.filter(is_staff=True, is_active=True).order_by("pk").values_list("pk", flat=True))
    rules: dict = {}
    for rule in ReportingRule.objects.select_related("donor").order_by("donor_id", "basis", "kind"):
        rules.setdefault(rule.donor_id, []).append(rule)
    return _Reference(
        countries=countries,
        country_weights=country_weights,
        by_region=by_region,
        donors=donors,
        donor_weights=_zipf(len(donors), ZIPF_EXPONENT),
        partners=list(Partner.objects.order_by("name").values_list("id", flat=True)),
        corridors=corridors,
        corridors_by_origin=corridors_by_origin,
        officers=officers,
        rules=rules,
        donor_currency={
            donor_id: currency if (currency := DONOR_CURRENCY.get(acronym, "USD")) in ROUGH_PER_USD else "USD"
            for donor_id, acronym in donors
        },
    )


def _weighted_count(rng: random.Random, weights: dict[int, int]) -> int:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _distinct(rng: random.Random, items: Sequence, weights: Sequence[float], k: int) -> list:
    """k distinct items drawn by weight (fewer if there are not enough)."""
    k = min(k, len(items))
    chosen: dict = {}
    while len(chosen) < k:
        for item in rng.choices(items, weights=weights, k=k - len(chosen)):
            chosen.setdefault(item, None)
            if len(chosen) == k:
                break
    return list(chosen)


def _project_plan(rng: random.Random, ref: _Reference, number: int, prefix: str, today: datetime.date, now,
                  mark: str = "", published_share: float = PUBLISHED_SHARE):
    """One project as (project row without id, children: table name -> rows without the project id)."""
    theme, topic = rng.choice(THEMES)
    k = _weighted_count(rng, COUNTRY_COUNT_WEIGHTS)
    if rng.random() < GLOBAL_SHARE:
        scope, region_id = Scope.GLOBAL, None
        countries = _distinct(rng, ref.countries, ref.country_weights, k)
        place = "worldwide"
    else:
        first = rng.choices(ref.countries, weights=ref.country_weights)[0]
        region_id = first[3]
        members, weights = ref.by_region[region_id]
        countries = [first] + [c for c in _distinct(rng, members, weights, k) if c != first][: k - 1]
        if len(countries) == 1:
            scope, place = Scope.NATIONAL, f"in {first[2]}"
        elif len(countries) <= 3:
            scope, place = Scope.MULTI_COUNTRY, "in " + " and ".join(c[2] for c in countries)
        else:
            scope, place = Scope.REGIONAL, f"in {len(countries)} countries"
    phase = rng.choice(["", "", "", " (phase II)", " (phase III)", ": pilot"])
    title = f"{theme} {place}{phase}"
    initials = "".join(word[0] for word in theme.split() if word not in ("and", "for", "of")).upper()
    span = (LAST_START - FIRST_START).days
    # More projects in recent years: the square root skews starts towards the end of the range.
    planned_start = FIRST_START + datetime.timedelta(days=int(span * rng.random() ** 0.6))
    planned_end = planned_start + datetime.timedelta(days=rng.randint(12, 72) * 30)
    actual_start = actual_end = None
    if planned_start <= today and rng.random() < 0.6:
        actual_start = planned_start + datetime.timedelta(days=rng.randint(0, 120))
        if actual_start > planned_end:
            actual_start = planned_end
    if planned_end <= today and rng.random() < 0.4:
        actual_end = max(planned_end + datetime.timedelta(days=rng.randint(-30, 180)), actual_start or planned_start)
    roll = rng.random()
    status_override = StatusOverride.CANCELLED if roll < 0.03 else StatusOverride.SUSPENDED if roll < 0.05 else None
    officer = rng.choice(ref.officers) if ref.officers and rng.random() < 0.7 else None
    project = (
        (f"[{mark}] " if mark else "") + title[:280], (f"{mark.upper()}-" if mark else "") + f"{initials}-{countries[0][1]} {number}",
        f"{prefix}{number:07d}",
        f"The project supports {topic} {place}. It works with governments, employers' and workers' "
        "organisations and civil society.",
        str(scope), region_id, planned_start, planned_end, actual_start, actual_end,
        int(status_override) if status_override else None, rng.random() < published_share, officer, now, now,
        "",  # iati_identifier: empty is <reporting org>-<slug>
    )

    corridors = []
    if rng.random() < CORRIDOR_SHARE and ref.corridors:
        own = [cid for c in countries for cid in ref.corridors_by_origin.get(c[0], [])]
        pool = own or [cid for cid, _origin in ref.corridors]
        corridors = rng.sample(pool, min(len(pool), rng.randint(1, 3)))

    lead = countries[0][2]
    objectives = [
        (order, template.format(country=lead, topic=topic))
        for order, template in enumerate(rng.sample(OBJECTIVE_TEMPLATES, rng.randint(1, 5)), start=1)
    ]

    fundings = []
    donors = _distinct(rng, ref.donors, ref.donor_weights, _weighted_count(rng, DONOR_COUNT_WEIGHTS))
    for donor_id, acronym in donors:
        if rng.random() < UNFUNDED_AMOUNT_SHARE:
            fundings.append((donor_id, None, ""))
            continue
        currency = DONOR_CURRENCY.get(acronym, "USD")
        roll = rng.random()
        for common, share in CURRENCY_SHARES:
            if roll < share:
                currency = common
                break
            roll -= share
        amount = decimal.Decimal(round(rng.lognormvariate(14, 1.1), -3)).quantize(decimal.Decimal("0.01"))
        if currency in ("JPY", "KRW"):
            amount *= 150
        fundings.append((donor_id, amount, currency))

    partners = []
    if ref.partners:
        for partner_id in rng.sample(ref.partners, min(len(ref.partners), rng.choice([0, 1, 1, 2, 2, 3]))):
            role = rng.choices(
                [OrganisationRole.IMPLEMENTING, OrganisationRole.EXTENDING, OrganisationRole.ACCOUNTABLE], [8, 1, 1]
            )[0]
            partners.append((partner_id, int(role)))

    # The product's own rule of what a project owes (deadlines_wanted), so synthetic report
    # deadlines name their donor as real ones do.
    plan = Project(
        planned_start=planned_start, planned_end=planned_end, actual_start=actual_start, actual_end=actual_end,
        status_override=status_override,
    )
    rules = [rule for donor_id, _acronym in donors for rule in ref.rules.get(donor_id, ())]
    deadlines = []
    for key, spec in deadlines_wanted(project=plan, rules=rules).items():
        # Past deadlines are mostly met; a few are overdue and still open.
        done = spec.due_on < today and rng.random() < 0.9
        deadlines.append((
            str(spec.kind), spec.title, spec.due_on, None, spec.donor_id,
            str(DeadlineState.APPROVED if done else DeadlineState.OPEN), "", None, now if done else None, key, now, now,
        ))

    children = {
        "countries": [(c[0],) for c in countries],
        "corridors": [(cid,) for cid in corridors],
        "objectives": objectives,
        "fundings": fundings,
        "partners": partners,
        "deadlines": deadlines,
    }
    return project, children


_BACK_TO_FRIDAY = tuple(datetime.timedelta(days=max(0, weekday - 4)) for weekday in range(7))


def _working_day(day: datetime.date) -> datetime.date:
    """A Saturday or Sunday moved back to the Friday: money moves on working days."""
    return day - _BACK_TO_FRIDAY[day.weekday()]


def _money(cents: int) -> decimal.Decimal:
    return decimal.Decimal(cents) / 100  # exact: far fewer than 28 digits


def _money_plan(rng: random.Random, ref: _Reference, project: tuple, fundings: list, partners: list,
                today: datetime.date) -> tuple[list[tuple], list[tuple]]:
    """A project's budgets and transactions (rows without the project id) over its dates.

    The budget is the lead donor's funding amount (or one of the same size), spread over
    calendar-year periods; past periods are committed, some revised. Transactions happen
    up to today only: the funders' incoming commitments and yearly funds, an outgoing
    commitment at the start, quarterly disbursements and, one to four months behind each,
    the expenditure they paid for (75-100% of it).
    """
    planned_start, planned_end, actual_start, actual_end = project[6:10]
    start, end = actual_start or planned_start, actual_end or planned_end
    days = (end - start).days + 1
    lead_donor, lead_amount, lead_currency = fundings[0]
    currency = lead_currency if lead_currency in ROUGH_PER_USD else ref.donor_currency[lead_donor]
    if lead_amount is not None and lead_currency in ROUGH_PER_USD:
        total = int(lead_amount * 100)
    else:
        total = int(round(rng.lognormvariate(14, 1.1), -3) * ROUGH_PER_USD[currency]) * 100
    internal = INTERNAL_SHARE

    budgets = []
    period_start = start
    while period_start <= end:
        period_end = min(datetime.date(period_start.year, 12, 31), end)
        share = total * ((period_end - period_start).days + 1) // days
        begun = period_start <= today
        status = int(BudgetStatus.COMMITTED if begun else BudgetStatus.INDICATIVE)
        budgets.append((int(BudgetType.ORIGINAL), status, period_start, period_end, _money(share), currency,
                        _working_day(period_start), rng.random() < internal))
        if begun and rng.random() < REVISED_SHARE:
            revised_on = min(period_start + datetime.timedelta(days=rng.randint(30, 180)), period_end, today)
            budgets.append((int(BudgetType.REVISED), status, period_start, period_end,
                            _money(int(share * rng.uniform(0.8, 1.2))), currency, _working_day(revised_on),
                            rng.random() < internal))
        period_start = period_end + datetime.timedelta(days=1)

    def row(kind, day, cents, code, provider_donor=None, receiver_partner=None, description=""):
        day = _working_day(day)
        return (int(kind), day, _money(cents), code, day, description, provider_donor, None, "", "", None,
                receiver_partner, "", "", rng.random() < internal)

    transactions = []
    if start > today:
        return budgets, transactions
    # The funders: each commits its funding at the start and pays it in, period by period, in its currency.
    for donor, amount, code in fundings:
        if amount is None:
            continue
        if code not in ROUGH_PER_USD:
            amount, code = amount / GULF_PER_USD, "USD"  # SAR, QAR: pegged at about 3.7 to the dollar
        cents = int(amount * 100)
        transactions.append(row(TransactionType.INCOMING_COMMITMENT, start - datetime.timedelta(days=rng.randint(0, 60)),
                                cents, code, provider_donor=donor))
        for budget in budgets:
            if budget[0] == BudgetType.ORIGINAL and budget[2] <= today:
                period = (budget[3] - budget[2]).days + 1
                transactions.append(row(TransactionType.INCOMING_FUNDS, budget[2], cents * period // days, code,
                                        provider_donor=donor))
    implementer = next((partner for partner, role in partners if role == OrganisationRole.IMPLEMENTING), None)
    transactions.append(row(TransactionType.OUTGOING_COMMITMENT, start, total, currency, receiver_partner=implementer))
    office = currency
    if rng.random() < OFFICE_CURRENCY_SHARE:
        office = rng.choices(("USD", "EUR", "GBP"), weights=(6, 3, 1))[0]
    factor = ROUGH_PER_USD[office] / ROUGH_PER_USD[currency]
    quarter = total * 91 / days * factor
    day, last = start, min(end, today)
    while day <= last:
        paid = int(quarter * rng.uniform(0.8, 1.05))
        transactions.append(row(TransactionType.DISBURSEMENT, day, paid, office, receiver_partner=implementer))
        spent_on = day + datetime.timedelta(days=rng.randint(30, 120))
        if spent_on <= today:
            transactions.append(row(TransactionType.EXPENDITURE, spent_on, int(paid * rng.uniform(0.75, 1.0)), office))
        day += datetime.timedelta(days=91)
    return budgets, transactions


# Results: a share of the projects carries a results framework (the annex none: it is never generated).
RESULTS_SHARE = 0.3
MAX_PERIODS = 12
RESULT_TITLES = {
    ResultType.OUTPUT: "Services and tools on {topic} are in place",
    ResultType.OUTCOME: "Institutions apply better practice on {topic}",
    ResultType.IMPACT: "Workers benefit from {topic}",
    ResultType.OTHER: "Knowledge on {topic} is shared",
}
# (title, measure, ascending, per-period target range or level range)
INDICATORS = [
    ("Number of migrant workers reached by pre-departure information", Measure.UNIT, True, (200, 5000)),
    ("Number of officials trained", Measure.UNIT, True, (20, 400)),
    ("Number of complaints resolved", Measure.UNIT, True, (10, 300)),
    ("Number of recruitment agencies audited", Measure.NOMINAL, True, (5, 80)),
    ("Share of workers who paid recruitment fees (%)", Measure.PERCENTAGE, False, (20, 70)),
    ("Share of migrant workers covered by social protection (%)", Measure.PERCENTAGE, True, (10, 60)),
    ("Level of policy adoption (1-5)", Measure.ORDINAL, True, (1, 5)),
    ("Quality of social dialogue on the reform", Measure.QUALITATIVE, True, None),
]
QUALITATIVE_TEXTS = [
    "Tripartite consultations held; the draft was discussed with workers' and employers' organisations.",
    "The ministry adopted the guidelines; first pilots in two provinces.",
    "Progress slower than planned: the working group met twice.",
    "Partners report a clear change in practice in the recruitment agencies visited.",
]
RESULT_FIELDS = ("result_type", "title", "description", "aggregation_status", "order")
INDICATOR_FIELDS = (
    "title", "description", "measure", "ascending", "baseline_year", "baseline_value", "baseline_comment",
    "reference_vocabulary", "reference_code", "order",
)
PERIOD_FIELDS = ("start", "end", "target_value", "target_comment", "comments", "is_locked")
UPDATE_FIELDS = (
    "value", "text", "comment", "state", "review_comment", "created_by_id", "created_at", "submitted_at",
    "reviewed_by_id", "reviewed_at",
)
SDG_TARGETS = ["8.7", "8.8", "10.7", "10.c", "5.2", "16.2"]


def _periods(rng: random.Random, start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """Calendar years, or quarters for a project of three years or less; at most MAX_PERIODS."""
    quarterly = (end - start).days <= 3 * 366 and rng.random() < 0.7
    periods, day = [], start
    while day <= end and len(periods) < MAX_PERIODS:
        if quarterly:
            month = (day.month - 1) // 3 * 3 + 3
            last = datetime.date(day.year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
        else:
            last = datetime.date(day.year, 12, 31)
        last = min(last, end)
        periods.append((day, last))
        day = last + datetime.timedelta(days=1)
    return periods


def _value(number: float) -> decimal.Decimal:
    return decimal.Decimal(round(number)).quantize(decimal.Decimal(1))


def _results_plan(rng: random.Random, ref: _Reference, project: tuple, topic: str, today: datetime.date,
                  now: datetime.datetime) -> list[tuple]:
    """A project's results, nested: [(result row, [(indicator row, dimensions, [(period row, dimension
    targets, updates)])])]. Dimension targets and updates name a dimension by its index in `dimensions`.

    Past periods mostly have approved updates (a few only submitted, or returned with a comment);
    the current one may have a submitted update awaiting review. Periods ended over a year ago are locked.
    """
    planned_start, planned_end, actual_start, actual_end = project[6:10]
    start, end = actual_start or planned_start, actual_end or planned_end
    spans = _periods(rng, start, end)
    tz = datetime.UTC
    results = []
    for order, result_type in enumerate(rng.sample(list(RESULT_TITLES), rng.randint(1, 4)), start=1):
        result = (int(result_type), RESULT_TITLES[result_type].format(topic=topic),
                  "", rng.random() < 0.3, order)
        indicators = []
        for i_order, (title, measure, ascending, span) in enumerate(
            rng.sample(INDICATORS, rng.randint(1, 3)), start=1
        ):
            qualitative = measure == Measure.QUALITATIVE
            summed = measure in (Measure.UNIT, Measure.NOMINAL)
            if qualitative:
                baseline = None
            elif summed:
                baseline = _value(rng.uniform(0, span[0]))
            else:
                baseline = _value(rng.uniform(*span))
            reference = ("8", rng.choice(SDG_TARGETS)) if rng.random() < 0.2 else ("", "")
            indicator = (title, "", int(measure), ascending, start.year - 1 if not qualitative or rng.random() < 0.5 else None,
                         baseline, "Situation before the project." if qualitative else "", *reference, i_order)
            dimensions = []
            if summed and rng.random() < 0.3:
                dimensions = [(str(DimensionName.SEX), "female"), (str(DimensionName.SEX), "male")]
            periods = []
            for n, (p_start, p_end) in enumerate(spans, start=1):
                if qualitative:
                    target, target_comment = None, "Agreement of the social partners on the reform."
                elif summed:
                    target, target_comment = _value(rng.uniform(*span) * (p_end - p_start).days / 365), ""
                else:
                    step = (span[1] - span[0]) * n / len(spans)
                    ceiling = max(_value(100 if measure == Measure.PERCENTAGE else span[1]), baseline)
                    level = min(baseline + _value(step), ceiling) if ascending else max(baseline - _value(step), _value(0))
                    target, target_comment = level, ""
                share = None
                dimension_targets = []
                if dimensions and target is not None:
                    share = decimal.Decimal(rng.randint(35, 65)) / 100
                    female = _value(target * share)
                    dimension_targets = [(0, female), (1, target - female)]
                updates = []
                past, current = p_end < today, p_start <= today <= p_end
                if past or current:
                    roll = rng.random()
                    state = (UpdateState.APPROVED if past and roll < 0.85 else
                             UpdateState.RETURNED if past and roll < 0.9 else UpdateState.SUBMITTED)
                    if qualitative:
                        value, text = None, rng.choice(QUALITATIVE_TEXTS)
                    elif summed:
                        value, text = _value(float(target) * rng.uniform(0.5, 1.25)), ""
                    else:
                        drift = float(target - baseline) * rng.uniform(0.4, 1.2)
                        value, text = max(_value(float(baseline) + drift), _value(0)), ""
                    reported = datetime.datetime.combine(min(p_end + datetime.timedelta(days=rng.randint(5, 40)), today),
                                                         datetime.time(9), tz)
                    reviewed = reported + datetime.timedelta(days=rng.randint(1, 20)) if state != UpdateState.SUBMITTED else None
                    reporter = rng.choice(ref.officers) if ref.officers else None
                    reviewer = rng.choice(ref.officers) if ref.officers and reviewed else None
                    review = "Please attach the attendance lists." if state == UpdateState.RETURNED else ""
                    updates.append((None, value, text, "", str(state), review, reporter, reported, reported,
                                    reviewer, reviewed))
                    if dimensions and value is not None and state == UpdateState.APPROVED:
                        female = _value(value * share)
                        for index, part in ((0, female), (1, value - female)):
                            updates.append((index, part, "", "", str(state), "", reporter, reported, reported,
                                            reviewer, reviewed))
                locked = p_end < today - datetime.timedelta(days=365)
                periods.append(((p_start, p_end, target, target_comment, "", locked), dimension_targets, updates))
            indicators.append((indicator, dimensions, periods))
        results.append((result, indicators))
    return results


def _results_write(writer: "_Writer", ids: list[int], plans: list[list[tuple]]) -> tuple[int, int, int, int]:
    """Write the results of projects `ids` (their plans from _results_plan), level by level; the row counts."""
    results = [(pk, *result) for pk, plan in zip(ids, plans) for result, _indicators in plan]
    result_ids = writer.insert_ids(Result, ("project_id", *RESULT_FIELDS), results)
    nested = [indicators for plan in plans for _result, indicators in plan]
    indicator_rows = [(rid, *ind) for rid, inds in zip(result_ids, nested) for ind, _d, _p in inds]
    indicator_ids = writer.insert_ids(Indicator, ("result_id", *INDICATOR_FIELDS), indicator_rows)
    indicators = [item for inds in nested for item in inds]
    dimension_rows = [(iid, *dim) for iid, (_i, dims, _p) in zip(indicator_ids, indicators) for dim in dims]
    dimension_ids = iter(writer.insert_ids(Dimension, ("indicator_id", "name", "value"), dimension_rows))
    dimensions_of = [[next(dimension_ids) for _d in dims] for _i, dims, _p in indicators]
    period_rows = [(iid, *row) for iid, (_i, _d, periods) in zip(indicator_ids, indicators) for row, _t, _u in periods]
    period_ids = iter(writer.insert_ids(Period, ("indicator_id", *PERIOD_FIELDS), period_rows))
    targets, updates = [], []
    for dims, (_i, _d, periods) in zip(dimensions_of, indicators):
        for _row, dimension_targets, period_updates in periods:
            period_id = next(period_ids)
            targets += [(period_id, dims[index], value) for index, value in dimension_targets]
            updates += [(period_id, None if u[0] is None else dims[u[0]], *u[1:]) for u in period_updates]
    writer.insert(DimensionTarget, ("period_id", "dimension_id", "value"), targets)
    writer.insert(Update, ("period_id", "dimension_id", *UPDATE_FIELDS), updates)
    return len(results), len(indicator_rows), len(period_rows), len(updates)

RESULT_MODELS = (Result, Indicator, Dimension, Period, DimensionTarget, Update)


def _topic(project: tuple) -> str:
    """The project's theme, from its title ("[Demo] Fair recruitment in ..." → its THEMES topic)."""
    title = project[0]
    return next((topic for name, topic in THEMES if name in title), "decent work for migrant workers")


PROJECT_FIELDS = (
    "title", "short_name", "slug", "summary", "scope", "region_id", "planned_start", "planned_end",
    "actual_start", "actual_end", "status_override", "is_published", "responsible_officer_id",
    "created_at", "updated_at", "iati_identifier",
)
# Child tables: (model, fields after project_id).
CHILD_TABLES = {
    "countries": (Project.countries.through, ("country_id",)),
    "corridors": (Project.corridors.through, ("corridor_id",)),
    "objectives": (Objective, ("order", "text")),
    "fundings": (Funding, ("donor_id", "amount", "currency")),
    "partners": (ProjectPartner, ("partner_id", "role")),
    "deadlines": (Deadline, (
        "kind", "title", "due_on", "owner_id", "donor_id", "state", "reason", "closed_by_id", "closed_at",
        "generation_key", "created_at", "updated_at",
    )),
    "budgets": (Budget, BUDGET_FIELDS),
    "transactions": (Transaction, TRANSACTION_FIELDS),
}


class _Writer:
    """bulk_create: portable, used on SQLite."""

    def project_ids(self, rows: list[tuple]) -> list[int]:
        projects = Project.objects.bulk_create([Project(**dict(zip(PROJECT_FIELDS, row))) for row in rows])
        return [project.pk for project in projects]

    def insert(self, model: type[models.Model], fields: Sequence[str], rows: list[tuple]) -> None:
        model.objects.bulk_create([model(**dict(zip(fields, row))) for row in rows], batch_size=1000)

    def insert_ids(self, model: type[models.Model], fields: Sequence[str], rows: list[tuple]) -> list[int]:
        """Insert `rows` and return their primary keys, in order (for the rows that point to them)."""
        objects = model.objects.bulk_create([model(**dict(zip(fields, row))) for row in rows], batch_size=1000)
        return [obj.pk for obj in objects]


class _CopyWriter(_Writer):
    """COPY FROM STDIN on PostgreSQL; project ids are taken from the table's sequence first."""

    def project_ids(self, rows: list[tuple]) -> list[int]:
        return self.insert_ids(Project, PROJECT_FIELDS, rows)

    def insert_ids(self, model, fields, rows):
        """The ids come from the table's sequence first, then COPY writes them with the rows."""
        if not rows:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        self.insert(model, ("id", *fields), [(pk, *row) for pk, row in zip(ids, rows)])
        return ids

    def insert(self, model, fields, rows):
        if not rows:
            return
        meta = model._meta
        columns = ", ".join(connection.ops.quote_name(meta.get_field(name).column) for name in fields)
        sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def _bulk_load_prepare(tables: list[str]) -> list[str]:
    """Drop the foreign keys of `tables` and their indexes that back no constraint; the SQL to restore them.

    PostgreSQL's advice for bulk loads: COPY otherwise updates every index row by row (the
    pg_trgm GIN indexes above all) and queues a foreign-key check per row, and building the
    indexes and validating the keys once afterwards is several times faster. Runs inside the
    load's transaction, so a failed load gets them back.
    """
    with connection.cursor() as cursor:
        # Run the checks the transaction has deferred so far (new donors'...): ALTER TABLE refuses to wait for them.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to Django's default: its keys are INITIALLY DEFERRED
        cursor.execute(
            """SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint
               WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2""",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
               WHERE i.indrelid = ANY(%s::regclass[])
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
               ORDER BY 1""",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    return [
        *(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}" for table, name, definition in foreign_keys),
        *(definition for _name, definition in indexes),
    ]


def _bulk_load_finish(statements: list[str]) -> None:
    if not statements:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for statement in statements:
            cursor.execute(statement)


def portfolio_generate(
    *, projects: int, seed: int = 0, batch_size: int = BATCH_SIZE, progress: Callable | None = None,
    slug_prefix: str | None = None, mark: str = "", published_share: float = PUBLISHED_SHARE,
) -> SyntheticResult:
    """Add `projects` synthetic projects (slugs synthetic-s<seed>-<n>), numbered after those already there.

    `progress`, if given, is called with the number of projects written after each batch.
    Deterministic for a seed and the same reference data. Runs in one transaction.
    `slug_prefix`, `mark` (a title prefix "[mark] " and a short-name prefix "MARK-") and
    `published_share` are for the demo (`demo_generate`): projects nobody takes for real ones.
    """
    if projects < 0:
        raise ValueError("projects must not be negative")
    started = time.monotonic()
    result = SyntheticResult()
    prefix = slug_prefix if slug_prefix is not None else f"{SLUG_PREFIX}-s{seed}-"
    writer = _CopyWriter() if connection.vendor == "postgresql" else _Writer()
    today = timezone.localdate()
    now = timezone.now()
    tables = [
        Project._meta.db_table, *(model._meta.db_table for model, _f in CHILD_TABLES.values()),
        *(model._meta.db_table for model in RESULT_MODELS),
    ]
    with transaction.atomic():
        result.donors_created, result.partners_created, result.corridors_created = synthetic_references_ensure()
        first = Project.objects.filter(slug__startswith=prefix).count()
        ref = _reference(random.Random(f"portfolio-reference-{seed}"))
        # A rebuild costs in proportion to the whole table: worth it for a big load that at least doubles it.
        big = projects >= max(REBUILD_FROM, Project.objects.count())
        restore = _bulk_load_prepare(tables) if isinstance(writer, _CopyWriter) and big else []
        for batch_start in range(first, first + projects, batch_size):
            batch_end = min(batch_start + batch_size, first + projects)
            # One stream per batch: a batch's projects depend only on the seed and their numbers.
            rng = random.Random(f"portfolio-{seed}-{batch_start}")
            plans = [
                _project_plan(rng, ref, number, prefix, today, now, mark, published_share)
                for number in range(batch_start, batch_end)
            ]
            # Money from a stream of its own, so the projects are those the same seed gave before it.
            money_rng = random.Random(f"portfolio-money-{seed}-{batch_start}")
            for project, children in plans:
                children["budgets"], children["transactions"] = _money_plan(
                    money_rng, ref, project, children["fundings"], children["partners"], today
                )
            # Results from a third stream: the projects and their money stay what the seed gave before.
            results_rng = random.Random(f"portfolio-results-{seed}-{batch_start}")
            results = [
                _results_plan(results_rng, ref, project, _topic(project), today, now)
                if results_rng.random() < RESULTS_SHARE else []
                for project, _children in plans
            ]
            ids = writer.project_ids([project for project, _children in plans])
            for name, (model, fields) in CHILD_TABLES.items():
                rows = [(pk, *row) for pk, (_project, children) in zip(ids, plans) for row in children[name]]
                writer.insert(model, ("project_id", *fields), rows)
                setattr(result, name, getattr(result, name) + len(rows))
            counts = _results_write(writer, ids, results)
            for name, count in zip(("results", "indicators", "periods", "updates"), counts):
                setattr(result, name, getattr(result, name) + count)
            result.projects += len(plans)
            if progress is not None:
                progress(len(plans))
        _bulk_load_finish(restore)
    if connection.vendor == "postgresql":
        # Fresh statistics, so the planner knows the tables' new sizes. VACUUM also sets the
        # visibility map, without which index-only scans (the lists' counts) read the heap;
        # it cannot run inside a transaction (a caller's, or a test's).
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(f"{command} " + ", ".join(map(connection.ops.quote_name, tables)))
    result.seconds = time.monotonic() - started
    return result


def synthetic_projects(seed: int | None = None):
    """The projects portfolio_generate() made (for one seed, or all)."""
    prefix = f"{SLUG_PREFIX}-s{seed}-" if seed is not None else f"{SLUG_PREFIX}-s"
    return Project.objects.filter(slug__startswith=prefix)




# The demo: synthetic projects a newcomer sees next to the annex, marked so nobody takes them for real ones.
DEMO_SLUG_PREFIX = "demo-"
DEMO_MARK = "Demo"
DEMO_SEED = 2026
DEMO_PROJECTS = 300


def demo_projects():
    return Project.objects.filter(slug__startswith=DEMO_SLUG_PREFIX)


def demo_generate(*, projects: int = DEMO_PROJECTS) -> SyntheticResult:
    """Bring the demo to `projects` synthetic projects, all published, titled "[Demo] ...", with money.

    The generator's own projects, so the demo looks like the benchmarks' portfolio;
    running it again adds only what is missing (none when the demo is complete).
    """
    if projects < 0:
        raise ValueError("projects must not be negative")
    missing = max(0, projects - demo_projects().count())
    return portfolio_generate(
        projects=missing, seed=DEMO_SEED, slug_prefix=DEMO_SLUG_PREFIX, mark=DEMO_MARK, published_share=1.0
    )
