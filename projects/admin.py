"""The officers' admin for projects: one page with its objectives, funding, partners and deadlines."""
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.text import slugify

from classifications.admin import PolicyMarkerInline, SectorInline
from deadlines.admin import DeadlineInline
from documents.admin import DocumentInline
from donors.selectors import donor_acronyms, with_donor_acronyms
from finance.admin import BudgetInline, PlannedDisbursementInline, TransactionInline
from portfolio.admin_history import HistoryAdmin
from portfolio.admin_lists import QuickChangelistMixin
from projects import history_admin  # noqa: F401  (registers the deleted-projects admin)
from projects.history import REVERT_NOTE, RevertError, project_delete, project_revert
from projects.models import (
    OBJECTIVE_ORDER_PARKING,
    ActivityStatus,
    Funding,
    Objective,
    Project,
    ProjectPartner,
    running_in_year,
)
from projects.selectors import funding_totals
from projects.services import project_update


class NoDeleteRelatedMixin:
    """No red ✕ beside a region, donor or partner: from a project page it would delete the record itself."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            formfield.widget.can_delete_related = False
        return formfield


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["order", "text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        self.fields["order"].help_text = "Empty: after the last one."
        if self.instance.pk is None:  # not the model's default 1, which the first objective has
            self.initial.pop("order", None)
            self.fields["order"].initial = None

    def _get_validation_exclusions(self):
        # Orders are checked among the project's objectives by the formset, where two may swap places.
        return {*super()._get_validation_exclusions(), "order"}


class ObjectiveFormSet(BaseInlineFormSet):
    """A new objective without an order goes after the last; orders can be swapped in one save.

    Objectives keep a unique order per project. Rows whose order changes are parked
    above every real order first, and deletions happen before changes, so no
    intermediate state meets the unique constraint.
    """

    def _kept_forms(self):
        return [
            form for form in self.forms
            if form.is_valid() and form not in self.deleted_forms and (form.instance.pk or form.has_changed())
        ]

    def clean(self):
        orders = [form.cleaned_data.get("order") for form in self._kept_forms()]
        given = [order for order in orders if order]
        shared = sorted({order for order in given if given.count(order) > 1})
        if shared:
            raise ValidationError(
                "Two objectives cannot share an order: %(orders)s. Give each its own number, or leave new ones empty.",
                params={"orders": ", ".join(map(str, shared))},
            )
        super().clean()

    def save(self, commit=True):
        kept = self._kept_forms()
        next_order = max((form.cleaned_data.get("order") or 0 for form in kept), default=0) + 1
        for form in kept:
            if not form.cleaned_data.get("order"):
                form.instance.order = next_order
                next_order += 1
        return super().save(commit)

    def save_existing_objects(self, commit=True):
        self.changed_objects, self.deleted_objects = [], []
        existing = [form for form in self.initial_forms if form.instance.pk is not None]
        for form in existing:
            if form in self.deleted_forms:
                self.deleted_objects.append(form.instance)
                self.delete_existing(form.instance, commit=commit)
        changed = [form for form in existing if form not in self.deleted_forms and form.has_changed()]
        if commit:
            moving = [form.instance.pk for form in changed if "order" in form.changed_data]
            for offset, pk in enumerate(moving):
                Objective.objects.filter(pk=pk).update(order=OBJECTIVE_ORDER_PARKING + offset)
        saved = []
        for form in changed:
            self.changed_objects.append((form.instance, form.changed_data))
            saved.append(self.save_existing(form, form.instance, commit=commit))
            if not commit:
                self.saved_forms.append(form)
        return saved


class ObjectiveInline(admin.TabularInline):
    model = Objective
    form = ObjectiveForm
    formset = ObjectiveFormSet
    extra = 0
    fields = ["order", "text"]


class FundingInline(NoDeleteRelatedMixin, admin.TabularInline):
    model = Funding
    extra = 0
    autocomplete_fields = ["donor"]


class ProjectPartnerInline(NoDeleteRelatedMixin, admin.TabularInline):
    model = ProjectPartner
    extra = 0
    autocomplete_fields = ["partner"]


class ProjectAdminForm(forms.ModelForm):
    """The slug may be left empty: it is made from the short name (or title), unique among projects."""

    class Meta:
        model = Project
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "Stable name used in URLs and fixtures. Empty: made from the short name."

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if slug:
            return slug
        base = slugify(self.data.get("short_name") or self.data.get("title") or "")[:70] or "project"
        taken = set(
            Project.objects.filter(slug__startswith=base).exclude(pk=self.instance.pk).values_list("slug", flat=True)
        )
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        return slug


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
class ProjectAdmin(QuickChangelistMixin, NoDeleteRelatedMixin, HistoryAdmin):
    # Few, narrow columns: at 1366 px beside the filters, the donors and the published flag stay on screen.
    list_display = ["short_name", "region", "status_label", "planned", "donor_list", "is_published"]
    list_display_links = ["short_name"]
    list_filter = ["region", DonorFilter, StatusFilter, YearFilter, "scope", "is_published"]
    list_select_related = ["region"]
    search_fields = ["title", "short_name", "slug", "summary"]
    autocomplete_fields = ["region", "countries", "corridors", "responsible_officer"]
    prepopulated_fields = {"slug": ["short_name"]}
    readonly_fields = ["status_label", "funding_summary", "created_at", "updated_at"]
    # No date_hierarchy: it scans the whole table twice per page; the year filter serves instead.
    show_full_result_count = False  # spares a COUNT(*) over every project on filtered pages
    form = ProjectAdminForm
    inlines = [
        ObjectiveInline, FundingInline, ProjectPartnerInline, SectorInline, PolicyMarkerInline,
        BudgetInline, TransactionInline, PlannedDisbursementInline, DeadlineInline, DocumentInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "short_name", "slug", "summary", "is_published", "responsible_officer"]}),
        ("Where", {"fields": ["scope", "region", "countries", "corridors"]}),
        ("When", {"fields": [("planned_start", "planned_end"), ("actual_start", "actual_end"), "status_override", "status_label"]}),
        ("Funding", {"fields": ["funding_summary"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        """Saved in save_related() with its inlines; a deleted project saved back from its history saves here."""
        if getattr(request, "project_revert_record", None) is not None:
            project_update(project=obj, write=lambda: super(ProjectAdmin, self).save_model(request, obj, form, change))

    def save_related(self, request, form, formsets, change):
        def write():
            super(ProjectAdmin, self).save_model(request, form.instance, form, change)
            super(ProjectAdmin, self).save_related(request, form, formsets, change)

        def reason():
            message = self.construct_change_message(request, form, formsets, not change)
            return LogEntry(change_message=json.dumps(message)).get_change_message() or None

        project_update(project=form.instance, write=write, reason=reason)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        record = getattr(request, "project_revert_record", None)
        if record is None:
            return form_class

        class VersionForm(form_class):
            """The revert page shows what a revert gives: the version's countries and corridors, not today's."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.initial["countries"] = [row.country_id for row in record.countries.all()]
                self.initial["corridors"] = [row.corridor_id for row in record.corridors.all()]
                if record.responsible_officer_id is None:  # project_revert keeps today's officer then
                    self.initial["responsible_officer"] = (
                        Project.objects.filter(pk=record.id).values_list("responsible_officer", flat=True).first()
                    )

        return VersionForm

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        project = Project.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        record = Project.history.filter(id=project.pk, history_id=version_id).first() if project else None
        if request.method == "POST" and record is not None and "_change_history" not in request.POST:
            if not self.has_change_permission(request, project):
                raise PermissionDenied
            try:
                project_revert(project=project, record=record)
            except RevertError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return redirect(request.get_full_path())
            self.message_user(request, f"“{project}” was reverted to its version of {record.history_date:%Y-%m-%d %H:%M}.")
            return redirect("admin:projects_project_change", project.pk)
        request.project_revert_record = record or Project.history.filter(history_id=version_id).first()
        return super().history_form_view(request, object_id, version_id, {"revert_note": REVERT_NOTE, **(extra_context or {})})

    def delete_model(self, request, obj):
        project_delete(project=obj)  # so that "Deleted projects" can restore it whole

    def delete_queryset(self, request, queryset):
        for project in queryset:
            project_delete(project=project)

    def get_queryset(self, request):
        # The status and the donors' acronyms ride in the page query, whatever the page size.
        return with_donor_acronyms(super().get_queryset(request).with_status())

    @admin.display(description="status", ordering="status_code")
    def status_label(self, obj):
        code = getattr(obj, "status_code", None)
        if code:
            return ActivityStatus(code).label
        if obj.pk is None or obj.planned_start is None or obj.planned_end is None:
            return "-"  # the add form: no dates yet
        return obj.status.label

    @admin.display(description="planned", ordering="planned_start")
    def planned(self, obj):
        return f"{obj.planned_start:%Y-%m-%d} – {obj.planned_end:%Y-%m-%d}"

    @admin.display(description="donors")
    def donor_list(self, obj):
        return donor_acronyms(obj)

    @admin.display(description="funding totals")
    def funding_summary(self, obj):
        if not obj.pk:
            return "-"
        totals = funding_totals(Funding.objects.filter(project=obj))
        return "; ".join(f"{row['total']:,.2f} {row['currency']}" for row in totals) or "No amounts recorded."
