
from django.contrib import admin
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from projects.models import ActivityStatus, Funding, Objective, Project, ProjectPartner, running_in_year
from projects.selectors import funding_totals
from projects.reminders_admin import DeadlineInline
from projects.history import project_delete
from projects.services import project_update
from projects import history_admin  # noqa: F401  (registers the deleted-projects admin)


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0
    fields = ["order", "text"]


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0
    autocomplete_fields = ["donor"]


class ProjectPartnerInline(admin.TabularInline):
    model = ProjectPartner
    extra = 0
    autocomplete_fields = ["partner"]


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(str(value), label) for value, label in ActivityStatus.choices]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(status_code=int(self.value()))
        return queryset


class YearFilter(admin.SimpleListFilter):
    """Projects running at some point in the chosen year."""

    title = "active in year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        this_year = timezone.localdate().year
        return [(str(year), str(year)) for year in range(this_year + 2, 2004, -1)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(running_in_year(int(self.value())))
        return queryset


class DonorFilter(admin.SimpleListFilter):
    title = "donor"
    parameter_name = "donor"

    def lookups(self, request, model_admin):
        from donors.models import Donor

        return [(str(pk), acronym) for pk, acronym in Donor.objects.values_list("pk", "acronym")]

    def queryset(self, request, queryset):
        if self.value():
            # EXISTS rather than a join, so a project funded twice is not listed twice.
            return queryset.filter(Exists(Funding.objects.filter(project=OuterRef("pk"), donor_id=self.value())))
        return queryset


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["short_name", "region", "scope", "status_label", "planned_start", "planned_end", "donor_list", "is_published"]
    list_display_links = ["short_name"]
    list_filter = ["region", DonorFilter, StatusFilter, YearFilter, "scope", "is_published"]
    list_select_related = ["region"]
    search_fields = ["title", "short_name", "slug", "summary"]
    autocomplete_fields = ["region", "countries", "corridors", "responsible_officer"]
    prepopulated_fields = {"slug": ["short_name"]}
    readonly_fields = ["status_label", "funding_summary", "created_at", "updated_at"]
    # No date_hierarchy: it scans the whole table twice per page; the year filter serves instead.
    show_full_result_count = False  # spares a COUNT(*) over every project on filtered pages
    inlines = [ObjectiveInline, FundingInline, ProjectPartnerInline, DeadlineInline]
    fieldsets = [
        (None, {"fields": ["title", "short_name", "slug", "summary", "is_published", "responsible_officer"]}),
        ("Where", {"fields": ["scope", "region", "countries", "corridors"]}),
        ("When", {"fields": [("planned_start", "planned_end"), ("actual_start", "actual_end"), "status_override", "status_label"]}),
        ("Funding", {"fields": ["funding_summary"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        """Saved in save_related() with its inlines, through project_update(); a revert saves here."""
        if getattr(request, "project_revert", False):
            project_update(project=obj, write=lambda: super(ProjectAdmin, self).save_model(request, obj, form, change))

    def save_related(self, request, form, formsets, change):
        def write():
            super(ProjectAdmin, self).save_model(request, form.instance, form, change)
            super(ProjectAdmin, self).save_related(request, form, formsets, change)

        project_update(project=form.instance, write=write)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a revert through save_model() and form.save_m2m(), without save_related().
        request.project_revert = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def delete_model(self, request, obj):
        project_delete(project=obj)  # so that "Deleted projects" can restore it whole

    def delete_queryset(self, request, queryset):
        for project in queryset:
            project_delete(project=project)

    def get_queryset(self, request):
        # One annotation and one prefetch per page, whatever the page size.
        fundings = Funding.objects.select_related("donor").order_by("donor__acronym")
        return super().get_queryset(request).with_status().prefetch_related(Prefetch("fundings", queryset=fundings))

    @admin.display(description="status", ordering="status_code")
    def status_label(self, obj):
        code = getattr(obj, "status_code", None)
        if code:
            return ActivityStatus(code).label
        if obj.pk is None or obj.planned_start is None or obj.planned_end is None:
            return "-"  # the add form: no dates yet
        return obj.status.label

    @admin.display(description="donors")
    def donor_list(self, obj):
        return ", ".join(funding.donor.acronym for funding in obj.fundings.all())

    @admin.display(description="funding totals")
    def funding_summary(self, obj):
        if not obj.pk:
            return "-"
        totals = funding_totals(Funding.objects.filter(project=obj))
        return "; ".join(f"{row['total']:,.2f} {row['currency']}" for row in totals) or "No amounts recorded."
