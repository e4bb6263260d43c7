"""Officers' admin for results: one results editor per project, and the review of updates.

The editor is the change page of `ResultsFramework` (a proxy of Project): three flat
formsets on one page (results, their indicators, the indicators' periods), rendered as a
tree. Django's admin has no nested inlines, and the obvious alternative (a Result page
with indicator inlines, then a page per indicator for its periods) costs an officer dozens
of pages and the server a query per form for every foreign-key select: RSR's results pages
made ~1,300 queries. Here the page reads each level once (results_queryset), every
foreign key is chosen among rows already read (`PreloadedChoiceField`), unchanged rows are
not validated against the database, and a save writes each model's changes in bulk with
their history (services.framework_save): a 10 × 5 × 12 project opens and saves in a
constant number of queries (tests/results/test_admin.py pins it).
"""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms import modelformset_factory
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from portfolio.admin_history import HistoryAdmin
from projects.models import Objective
from results import services
from results.models import (
    Dimension,
    DimensionTarget,
    Indicator,
    Period,
    Result,
    ResultsFramework,
    Update,
    UpdateState,
)


class PreloadedKeyField(forms.Field):
    """A hidden foreign key (or a row's own id) resolved among objects already read: no query to validate it."""

    widget = forms.HiddenInput

    def __init__(self, objects: dict, **kwargs):
        self.objects = objects
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return getattr(value, "pk", value)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.objects[int(value)]
        except (KeyError, ValueError, TypeError):
            raise ValidationError(_("Choose one of this project's rows."), code="invalid_choice") from None

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(data or "")


class PreloadedChoiceField(PreloadedKeyField):
    """The same, as a select among the objects (a new row's parent)."""

    widget = forms.Select

    def __init__(self, objects: dict, *, choices: list, **kwargs):
        super().__init__(objects, **kwargs)
        self.widget.choices = choices


class EditorForm(forms.ModelForm):
    """A row of the editor, checked by its model's clean() and nothing that queries.

    Its foreign keys are chosen among rows already read, so the model need not look them up
    again; the editor's models have no unique constraint; and the database's check
    constraints repeat clean(). So no row costs a query to validate.
    """

    def _get_validation_exclusions(self):
        keys = {f.name for f in self._meta.model._meta.fields if f.is_relation and f.name in self.fields}
        return {*super()._get_validation_exclusions(), *keys}

    def validate_unique(self):
        pass

    def validate_constraints(self):
        pass


class ResultForm(EditorForm):
    class Meta:
        model = Result
        fields = ["order", "result_type", "title", "description", "objective", "aggregation_status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2, "cols": 40})}


class IndicatorForm(EditorForm):
    class Meta:
        model = Indicator
        fields = ["result", "order", "title", "measure", "ascending", "baseline_year", "baseline_value",
                  "baseline_comment", "reference_vocabulary", "reference_code"]
        widgets = {"baseline_comment": forms.TextInput(attrs={"size": 20})}


class PeriodForm(EditorForm):
    class Meta:
        model = Period
        fields = ["indicator", "start", "end", "target_value", "target_comment", "is_locked"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}), "end": forms.DateInput(attrs={"type": "date"}),
            "target_comment": forms.TextInput(attrs={"size": 20}),
        }


ResultFormSet = modelformset_factory(Result, form=ResultForm, extra=1, can_delete=True)
IndicatorFormSet = modelformset_factory(Indicator, form=IndicatorForm, extra=1, can_delete=True)
PeriodFormSet = modelformset_factory(Period, form=PeriodForm, extra=1, can_delete=True)


def _preload(formset, field, rows, *, required=True, select=True):
    """Give every form of `formset` one shared set of `rows` for `field`: read once, never per form."""
    objects = {row.pk: row for row in rows}
    choices = [("", "---------")] + [(row.pk, str(row)) for row in rows] if select else []
    for form in [*formset.forms, formset.empty_form]:
        label = form.fields[field].label
        if select:
            form.fields[field] = PreloadedChoiceField(objects, choices=choices, required=required, label=label)
        else:
            form.fields[field] = PreloadedKeyField(objects, required=required, label=label)


class Editor:
    """The three formsets of a project's results editor, over rows read once."""

    def __init__(self, project, data=None):
        self.project = project
        results = list(Result.objects.filter(project=project).order_by("order", "id"))
        indicators = list(Indicator.objects.filter(result__project=project).order_by("result__order", "result_id",
                                                                                      "order", "id"))
        periods = list(Period.objects.filter(indicator__result__project=project).order_by("indicator_id", "start", "id"))
        objectives = list(Objective.objects.filter(project=project).order_by("order"))
        self.results = ResultFormSet(data, prefix="results", queryset=Result.objects.none())
        self.indicators = IndicatorFormSet(data, prefix="indicators", queryset=Indicator.objects.none())
        self.periods = PeriodFormSet(data, prefix="periods", queryset=Period.objects.none())
        # The rows already read stand in for each formset's queryset (no second read).
        for formset, rows in ((self.results, results), (self.indicators, indicators), (self.periods, periods)):
            formset._queryset = rows
            formset.get_queryset = lambda rows=rows: rows
            formset.forms  # noqa: B018  (built now, over these rows)
        for form in self.results.extra_forms:
            form.instance.project = project
        for formset, rows in ((self.results, results), (self.indicators, indicators), (self.periods, periods)):
            _preload(formset, "id", rows, required=False, select=False)
            for form in formset.forms:
                form.fields["id"].initial = form.instance.pk
        _preload(self.results, "objective", objectives, required=False)
        _preload(self.indicators, "result", results)
        # An existing period is shown under its indicator: a hidden key, not a 50-option select per row.
        objects = {row.pk: row for row in indicators}
        _preload(self.periods, "indicator", indicators)
        for form in self.periods.initial_forms:
            form.fields["indicator"] = PreloadedKeyField(objects)
        self.formsets = (self.results, self.indicators, self.periods)

    def is_valid(self) -> bool:
        return all(formset.is_valid() for formset in self.formsets)

    def tree(self):
        """(result form, [(indicator form, [period forms])]) in order, for the template; new rows come last."""
        periods_of, indicators_of = {}, {}
        for form in self.periods.initial_forms:
            periods_of.setdefault(form.instance.indicator_id, []).append(form)
        for form in self.indicators.initial_forms:
            indicators_of.setdefault(form.instance.result_id, []).append(
                (form, periods_of.get(form.instance.pk, [])))
        return [(form, indicators_of.get(form.instance.pk, [])) for form in self.results.initial_forms]

    def changes(self, formset):
        created = [f.instance for f in formset.extra_forms if f.has_changed() and f not in formset.deleted_forms]
        changed = [(f.instance, f.changed_data) for f in formset.initial_forms
                   if f.has_changed() and f not in formset.deleted_forms]
        deleted = [f.instance for f in formset.deleted_forms if f.instance.pk]
        return created, changed, deleted


@admin.register(ResultsFramework)
class ResultsFrameworkAdmin(admin.ModelAdmin):
    """Projects listed with how many results they have; a project's page is its results editor."""

    list_display = ["__str__", "result_count", "planned_start", "planned_end", "is_published"]
    search_fields = ["title", "short_name", "slug"]
    list_filter = ["is_published"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(result_count=Count("results"))

    @admin.display(description=_("results"), ordering="result_count")
    def result_count(self, obj):
        return obj.result_count

    def has_add_permission(self, request):
        return False  # projects are added on the project page

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("results.view_result") or request.user.has_perm("results.change_result")

    def has_change_permission(self, request, obj=None):
        return all(request.user.has_perm(f"results.{action}_{model}") for action in ("add", "change", "delete")
                   for model in ("result", "indicator", "period"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        project = self.get_object(request, unquote(object_id))
        if project is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, project):
            raise PermissionDenied
        editable = self.has_change_permission(request, project)
        posted = request.method == "POST" and editable
        editor = Editor(project, request.POST if posted else None)
        if posted and editor.is_valid():
            try:
                counts = services.framework_save(
                    project=project, user=request.user,
                    **{name: editor.changes(formset) for name, formset in
                       (("results", editor.results), ("indicators", editor.indicators), ("periods", editor.periods))},
                )
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, _("Results saved: %(n)s rows created, changed or deleted.") % {"n": counts})
                return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts, "original": project, "title": _("Results of %(project)s") % {"project": project},
            "editor": editor, "tree": editor.tree(), "editable": editable,
            "has_view_permission": True, "media": self.media + editor.results.media,
            "errors": [formset for formset in editor.formsets if posted and not formset.is_valid()],
        }
        return TemplateResponse(request, "admin/results/editor.html", context)


class DimensionInline(admin.TabularInline):
    model = Dimension
    extra = 2


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdmin):
    """An indicator's disaggregations (sex, age, country, or the officer's own); the rest is in the editor."""

    list_display = ["title", "result", "measure"]
    list_select_related = ["result__project"]
    search_fields = ["title", "result__title", "result__project__title"]
    raw_id_fields = ["result"]
    inlines = [DimensionInline]


@admin.register(DimensionTarget)
class DimensionTargetAdmin(HistoryAdmin):
    list_display = ["period", "dimension", "value"]
    list_select_related = ["period", "dimension"]
    raw_id_fields = ["period", "dimension"]


class UpdateForm(forms.ModelForm):
    """An update with the officer's decision; the decision is checked here and made by results.services."""

    decision = forms.ChoiceField(
        label=_("decision"), required=False,
        choices=[("", "—"), ("submit", _("Submit for review")), ("approve", _("Approve")), ("return", _("Return"))],
    )

    class Meta:
        model = Update
        fields = ["period", "dimension", "value", "text", "comment", "review_comment"]

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        period = cleaned.get("period")
        if period is not None and period.is_locked and self.has_changed():
            raise ValidationError({"period": _("This period is locked: it takes no updates. Unlock it first.")})
        if self.instance.state == UpdateState.APPROVED and set(self.changed_data) - {"decision", "review_comment"}:
            raise ValidationError(_("An approved update is not edited: report a correction as a new update."))
        if decision and self.instance.pk:
            try:
                services.update_check(update=self.instance, user=self.user, decision=decision,
                                      comment=cleaned.get("review_comment", ""))
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return cleaned


@admin.register(Update)
class UpdateAdmin(HistoryAdmin):
    """The review queue: officers approve or return what another officer submitted."""

    form = UpdateForm
    list_display = ["period", "indicator", "project", "value", "state", "created_by", "submitted_at", "reviewed_by"]
    list_filter = ["state"]
    list_select_related = ["period__indicator__result__project", "created_by", "reviewed_by"]
    search_fields = ["period__indicator__title", "period__indicator__result__project__title", "text"]
    raw_id_fields = ["period", "dimension"]
    readonly_fields = ["state", "created_by", "created_at", "submitted_at", "reviewed_by", "reviewed_at"]
    actions = ["approve_selected"]

    @admin.display(description=_("indicator"))
    def indicator(self, obj):
        return obj.period.indicator

    @admin.display(description=_("project"))
    def project(self, obj):
        return obj.period.indicator.result.project

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def get_fields(self, request, obj=None):
        return [*super().get_fields(request, obj), "decision"] if "decision" not in super().get_fields(request, obj) \
            else super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        if not change:
            created = services.update_create(
                period=obj.period, user=request.user, value=obj.value, text=obj.text, dimension=obj.dimension,
                comment=obj.comment, submit=decision == "submit",
            )
            obj.pk = created.pk
            return
        super().save_model(request, obj, form, change)
        if decision:
            services.update_decide(update=obj, user=request.user, decision=decision,
                                   comment=form.cleaned_data.get("review_comment", ""))

    @admin.action(description=_("Approve the selected submitted updates"))
    def approve_selected(self, request, queryset):
        approved = 0
        for update in queryset.filter(state=UpdateState.SUBMITTED):
            try:
                services.update_approve(update=update, user=request.user)
                approved += 1
            except ValidationError as error:
                self.message_user(request, f"{update}: {' '.join(error.messages)}", messages.WARNING)
        self.message_user(request, _("%(n)s updates approved.") % {"n": approved})
