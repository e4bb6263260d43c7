"""ProjectSerializer builds its JSON by hand from with_lists(); it must say what DRF's fields would say."""
import datetime
import json
from decimal import Decimal

import pytest
from django.db.models import Prefetch
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory

from api.renderers import ORJSONRenderer
from api.serializers import ProjectSerializer
from benchmarks.synthetic import portfolio_generate
from donors.models import Donor, Partner
from finance.models import Budget, BudgetStatus, BudgetType, PlannedDisbursement, Transaction, TransactionType
from classifications.models import ProjectPolicyMarker
from classifications.selectors import CLASSIFICATION_LISTS
from finance.selectors import money_lists
from projects.models import Funding, Objective, Project, ProjectPartner
from projects.selectors import project_visible, with_lists
from regions.models import Corridor

pytestmark = pytest.mark.django_db


def rendered(data):
    return json.loads(JSONRenderer().render(data))


def test_the_hand_built_json_equals_the_declared_fields_for_every_field_of_every_project(annex, officer):
    # Synthetic projects add what the annex lacks: fundings without an amount, several partner roles.
    portfolio_generate(projects=60, seed=11)
    Funding.objects.filter(amount__isnull=False).order_by("pk").update(amount="1234567.5")  # a trailing zero to keep
    Project.objects.filter(pk__in=Project.objects.order_by("pk").values("pk")[:5]).update(
        actual_start="2014-02-01", actual_end="2016-03-31"
    )
    money_of_some_projects()
    markers_of_some_projects()
    request = APIRequestFactory().get("/api/v1/projects/")
    request.user = officer
    context = {"request": request}
    fast = with_lists(project_visible(user=officer).select_related("region"), {**money_lists(officer), **CLASSIFICATION_LISTS}).order_by("pk")
    prefetched = (
        project_visible(user=officer).select_related("region").order_by("pk").prefetch_related(
            "countries",
            Prefetch("corridors", queryset=Corridor.objects.select_related("origin", "destination")),
            Prefetch("fundings", queryset=Funding.objects.select_related("donor").order_by("donor__acronym")),
            Prefetch("project_partners", queryset=ProjectPartner.objects.select_related("partner")),
            Prefetch("objectives", queryset=Objective.objects.order_by("order")),
            "sectors", "policy_markers",
            "budgets",
            Prefetch("transactions", queryset=Transaction.objects.select_related(
                "provider_donor", "provider_partner", "receiver_donor", "receiver_partner")),
            Prefetch("planned_disbursements", queryset=PlannedDisbursement.objects.select_related(
                "provider_donor", "provider_partner", "receiver_donor", "receiver_partner")),
        )
    )

    hand_built = rendered(ProjectSerializer(fast, many=True, context=context).data)
    # DRF's own walk over every declared field: a field declared without hand-built output differs here.
    by_fields = rendered([
        serializers.ModelSerializer.to_representation(ProjectSerializer(context=context), project)
        for project in prefetched
    ])

    declared = list(ProjectSerializer().fields)
    assert len(hand_built) == len(by_fields) == Project.objects.count() > 80
    assert {tuple(project) for project in by_fields} == {tuple(declared)}
    assert {tuple(project) for project in hand_built} == {tuple(declared)}
    for name in declared:
        assert [project[name] for project in hand_built] == [project[name] for project in by_fields], name
    # Every field is compared on real values somewhere, not only on nulls and empty lists.
    assert [name for name in declared if not any(project[name] for project in by_fields)] == []
    donors = [donor for project in hand_built for donor in project["donors"]]
    assert {"1234567.50", None} <= {donor["amount"] for donor in donors}
    assert any(len(project["partners"]) > 1 for project in hand_built)


def markers_of_some_projects():
    """Policy markers of every significance on a few projects (the annex has none)."""
    for i, project in enumerate(Project.objects.order_by("pk")[:5]):
        ProjectPolicyMarker.objects.create(project=project, code=str(i + 1), significance=i)
        ProjectPolicyMarker.objects.create(project=project, code="12", significance=1)


def money_of_some_projects():
    """Budgets and transactions of every shape on a few projects: each kind of provider and receiver,
    revised and internal rows, a value with a trailing zero to keep."""
    day = datetime.date(2024, 1, 5)
    donor, partner = Donor.objects.order_by("pk").first(), Partner.objects.order_by("pk").first()
    for i, project in enumerate(Project.objects.order_by("pk")[:6]):
        Budget.objects.create(project=project, period_start=day, period_end=datetime.date(2024, 12, 31),
                              value=Decimal("1000.50") * (i + 1), currency="CHF", value_date=day,
                              budget_type=BudgetType.REVISED if i % 2 else BudgetType.ORIGINAL,
                              status=BudgetStatus.COMMITTED if i % 3 else BudgetStatus.INDICATIVE, is_internal=i == 4)
        Transaction.objects.create(project=project, transaction_type=TransactionType.INCOMING_FUNDS, date=day,
                                   value=Decimal("250000.10"), currency="EUR", value_date=day, provider_donor=donor,
                                   receiver_partner=partner, description=f"Tranche {i}")
        Transaction.objects.create(project=project, transaction_type=TransactionType.EXPENDITURE, date=day,
                                   value=Decimal("-12.3"), currency="USD", value_date=day, provider_partner=partner,
                                   receiver_donor=donor, is_internal=i == 3)
        Transaction.objects.create(project=project, transaction_type=TransactionType.DISBURSEMENT, date=day,
                                   value=7, currency="USD", value_date=day, provider_name="A ministry",
                                   receiver_name="A union", receiver_ref="XM-EXAMPLE-9")
        PlannedDisbursement.objects.create(project=project, period_start=day, period_end=datetime.date(2024, 6, 30),
                                           value=Decimal("500.10"), currency="GBP", value_date=day,
                                           disbursement_type=BudgetType.REVISED if i % 2 else BudgetType.ORIGINAL,
                                           provider_donor=donor if i % 2 else None, provider_name="" if i % 2 else "A fund",
                                           receiver_partner=partner, is_internal=i == 5)


@pytest.mark.parametrize("slug", ["gap-migrant-domestic-workers", "café ü+x%;?#"])
def test_links_are_what_reverse_gives(annex, slug):
    from django.urls import reverse

    projects = with_lists(project_visible(user=None).select_related("region"), {**money_lists(None), **CLASSIFICATION_LISTS})
    project = projects.get(slug="gap-migrant-domestic-workers")
    project.slug = slug
    request = APIRequestFactory().get("/api/v1/projects/")
    links = ProjectSerializer(project, context={"request": request}).data["links"]

    assert links == {
        "self": request.build_absolute_uri(reverse("api:project-detail", args=[project.pk])),
        "dashboard": request.build_absolute_uri(reverse("dashboards:project", args=[slug])),
        "iati": request.build_absolute_uri(reverse("api:project-iati", args=[project.pk])),
    }
    assert ProjectSerializer(project).data["links"]["dashboard"] == reverse("dashboards:project", args=[slug])


def test_the_orjson_renderer_writes_what_drfs_json_renderer_writes():
    import datetime
    from decimal import Decimal

    from django.utils.translation import gettext_lazy

    data = {
        "count": 2, "next": None, "ok": True,
        "results": [{"title": "Migración laboral — Côte d'Ivoire", "label": gettext_lazy("Implementation"),
                     "amount": Decimal("1234.50"), "day": datetime.date(2026, 1, 31),
                     "at": datetime.datetime(2026, 1, 31, 8, 30, tzinfo=datetime.UTC), "tags": ("a", "b")}],
        3: "int key",
    }

    assert ORJSONRenderer().render(data) == JSONRenderer().render(data)
    indented = ORJSONRenderer().render(data, "application/json; indent=2")
    assert indented == JSONRenderer().render(data, "application/json; indent=2") and b"\n  " in indented
