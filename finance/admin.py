"""Admin for money: budgets, transactions and planned disbursements inline on the project page,
and a page for each.

`BudgetInline`, `TransactionInline` and `PlannedDisbursementInline` are shown on the project
page (projects.admin).
"""
from django.contrib import admin
from django.urls import path

from finance.models import Budget, PlannedDisbursement, Transaction
from finance.views import transactions_import_view
from portfolio.admin_history import HistoryAdmin

BUDGET_FIELDS = ["period_start", "period_end", "budget_type", "status", "value", "currency", "value_date", "is_internal"]
TRANSACTION_FIELDS = [
    "transaction_type", "date", "value", "currency", "value_date",
    "provider_donor", "provider_partner", "provider_name", "provider_ref",
    "receiver_donor", "receiver_partner", "receiver_name", "receiver_ref",
    "description", "is_internal",
]

PLANNED_DISBURSEMENT_FIELDS = [
    "disbursement_type", "period_start", "period_end", "value", "currency", "value_date",
    "provider_donor", "provider_partner", "provider_name", "provider_ref",
    "receiver_donor", "receiver_partner", "receiver_name", "receiver_ref", "is_internal",
]
ORGANISATION_AUTOCOMPLETE = ["provider_donor", "provider_partner", "receiver_donor", "receiver_partner"]
PROVIDER_RECEIVER_FIELDSETS = [
    ("Provider", {"fields": [("provider_donor", "provider_partner"), ("provider_name", "provider_ref")]}),
    ("Receiver", {"fields": [("receiver_donor", "receiver_partner"), ("receiver_name", "receiver_ref")]}),
]


class BudgetInline(admin.TabularInline):
    model = Budget
    extra = 0
    fields = BUDGET_FIELDS


class TransactionInline(admin.StackedInline):
    """Stacked: a transaction's provider and receiver do not fit a table row at 1366 px."""

    model = Transaction
    extra = 0
    fieldsets = [
        (None, {"fields": [("transaction_type", "date", "value_date"), ("value", "currency"), "description", "is_internal"]}),
        *PROVIDER_RECEIVER_FIELDSETS,
    ]
    autocomplete_fields = ORGANISATION_AUTOCOMPLETE
    classes = ["collapse"]
    template = "admin/finance/transaction/stacked_inline.html"  # with the link to the CSV import


class PlannedDisbursementInline(admin.StackedInline):
    """Stacked and collapsed like transactions: a provider and a receiver each."""

    model = PlannedDisbursement
    extra = 0
    fieldsets = [
        (None, {"fields": [("disbursement_type", "period_start", "period_end"), ("value", "currency", "value_date"),
                           "is_internal"]}),
        *PROVIDER_RECEIVER_FIELDSETS,
    ]
    autocomplete_fields = ORGANISATION_AUTOCOMPLETE
    classes = ["collapse"]


@admin.register(Budget)
class BudgetAdmin(HistoryAdmin):
    list_display = ["project", "period_start", "period_end", "budget_type", "status", "value", "currency", "is_internal"]
    list_filter = ["budget_type", "status", "currency", "is_internal"]
    list_select_related = ["project"]
    search_fields = ["project__title", "project__short_name", "project__slug"]
    autocomplete_fields = ["project"]
    fields = ["project", *BUDGET_FIELDS]
    date_hierarchy = "period_start"
    show_full_result_count = False


@admin.register(Transaction)
class TransactionAdmin(HistoryAdmin):
    list_display = ["date", "project", "transaction_type", "value", "currency", "provider", "receiver", "is_internal"]
    list_display_links = ["date"]
    list_filter = ["transaction_type", "currency", "is_internal"]
    list_select_related = ["project", "provider_donor", "provider_partner", "receiver_donor", "receiver_partner"]
    search_fields = ["project__title", "project__short_name", "project__slug", "description", "provider_name", "receiver_name"]
    autocomplete_fields = ["project", "provider_donor", "provider_partner", "receiver_donor", "receiver_partner"]
    fields = ["project", *TRANSACTION_FIELDS]
    date_hierarchy = "date"
    show_full_result_count = False

    def get_urls(self):
        """The CSV import (finance.views) before the object routes, which would take `import/` for an id."""
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="finance_transaction_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        return transactions_import_view(request, self)

    @admin.display(description="provider")
    def provider(self, obj):
        return obj.organisation("provider")[0]

    @admin.display(description="receiver")
    def receiver(self, obj):
        return obj.organisation("receiver")[0]


@admin.register(PlannedDisbursement)
class PlannedDisbursementAdmin(HistoryAdmin):
    list_display = ["period_start", "period_end", "project", "disbursement_type", "value", "currency", "provider",
                    "receiver", "is_internal"]
    list_display_links = ["period_start"]
    list_filter = ["disbursement_type", "currency", "is_internal"]
    list_select_related = ["project", "provider_donor", "provider_partner", "receiver_donor", "receiver_partner"]
    search_fields = ["project__title", "project__short_name", "project__slug", "provider_name", "receiver_name"]
    autocomplete_fields = ["project", *ORGANISATION_AUTOCOMPLETE]
    fields = ["project", *PLANNED_DISBURSEMENT_FIELDS]
    date_hierarchy = "period_start"
    show_full_result_count = False

    @admin.display(description="provider")
    def provider(self, obj):
        return obj.organisation("provider")[0]

    @admin.display(description="receiver")
    def receiver(self, obj):
        return obj.organisation("receiver")[0]
