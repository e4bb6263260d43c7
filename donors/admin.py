from django.contrib import admin

from donors.models import Donor, DonorUser, Partner, ReportingRule
from portfolio.admin_history import HistoryAdmin


class ReportingRuleInline(admin.TabularInline):
    model = ReportingRule
    extra = 0


@admin.register(Donor)
class DonorAdmin(HistoryAdmin):
    list_display = ["acronym", "name", "kind", "country", "iati_ref"]
    list_filter = ["kind"]
    list_select_related = ["country"]
    search_fields = ["name", "acronym", "iati_ref"]
    autocomplete_fields = ["country"]
    inlines = [ReportingRuleInline]


@admin.register(Partner)
class PartnerAdmin(HistoryAdmin):
    list_display = ["name", "acronym", "kind", "iati_ref"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym", "iati_ref"]


@admin.register(DonorUser)
class DonorUserAdmin(admin.ModelAdmin):
    list_display = ["user", "donor"]
    list_select_related = ["user", "donor"]
    autocomplete_fields = ["user", "donor"]
    search_fields = ["user__username", "donor__acronym"]
