"""A project's results framework, as IATI 2.03 `result` carries it.

The choices' labels are translated (the dashboards show them); field names and errors are the
admin's, in English like the rest of it.

Result → Indicator → Period. An actual is never typed into a period: it is reported as an
`Update` that an officer approves (`results.services`); only approved updates make the
period's actual (`results.selectors`), so a figure nobody reviewed is never shown to
donors or the public, nor counted in any summary.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import Project

VALUE = {"max_digits": 18, "decimal_places": 4}


class ResultType(models.IntegerChoices):
    """IATI ResultType codelist."""

    OUTPUT = 1, _("Output")
    OUTCOME = 2, _("Outcome")
    IMPACT = 3, _("Impact")
    OTHER = 9, _("Other")


class Measure(models.IntegerChoices):
    """IATI IndicatorMeasure codelist."""

    UNIT = 1, _("Unit")
    PERCENTAGE = 2, _("Percentage")
    NOMINAL = 3, _("Nominal")
    ORDINAL = 4, _("Ordinal")
    QUALITATIVE = 5, _("Qualitative")


class IndicatorVocabulary(models.TextChoices):
    """The IATI IndicatorVocabulary codes an officer may reference (SDGs and the organisation's own)."""

    SDG_GOALS = "7", _("UN Sustainable Development Goals")
    SDG_TARGETS = "8", _("UN Sustainable Development Goal targets")
    SDG_INDICATORS = "9", _("UN Sustainable Development Goal indicators")
    OWN = "99", _("Reporting organisation's own")


class DimensionName(models.TextChoices):
    """The usual disaggregations; an officer may name another."""

    SEX = "sex", _("Sex")
    AGE = "age", _("Age group")
    COUNTRY = "country", _("Country")


class UpdateState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class Result(models.Model):
    """What a project means to achieve at one level (output, outcome, impact)."""

    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="results", verbose_name="project")
    objective = models.ForeignKey(
        "projects.Objective", models.SET_NULL, null=True, blank=True, related_name="results",
        verbose_name="objective", help_text="The project objective this result serves, if any.",
    )
    result_type = models.PositiveSmallIntegerField("type", choices=ResultType.choices, default=ResultType.OUTPUT)
    title = models.CharField("title", max_length=300)
    description = models.TextField("description", blank=True)
    aggregation_status = models.BooleanField(
        "aggregable", default=False, help_text="Its indicators' figures may be added up across activities (IATI)."
    )
    order = models.PositiveSmallIntegerField("order", default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "order", "id"]
        verbose_name = "result"
        verbose_name_plural = "results"
        indexes = [models.Index(fields=["project", "order"], name="result_project_order_idx")]

    def __str__(self):
        return self.title

    def clean(self):
        if self.objective_id and self.project_id and self.objective.project_id != self.project_id:
            raise ValidationError({"objective": "Choose an objective of this result's project."})


class Indicator(models.Model):
    """How a result is measured: a baseline, then a target and an actual per period."""

    result = models.ForeignKey(Result, models.CASCADE, related_name="indicators", verbose_name="result")
    title = models.CharField("title", max_length=300)
    description = models.TextField("description", blank=True)
    measure = models.PositiveSmallIntegerField("measure", choices=Measure.choices, default=Measure.UNIT)
    ascending = models.BooleanField("ascending", default=True, help_text="A higher value is better.")
    baseline_year = models.PositiveSmallIntegerField("baseline year", null=True, blank=True)
    baseline_value = models.DecimalField("baseline value", **VALUE, null=True, blank=True)
    baseline_comment = models.TextField("baseline comment", blank=True)
    reference_vocabulary = models.CharField(
        "reference vocabulary", max_length=3, choices=IndicatorVocabulary.choices, blank=True
    )
    reference_code = models.CharField(
        "reference code", max_length=50, blank=True, help_text="E.g. the SDG target 8.8 or 10.7."
    )
    order = models.PositiveSmallIntegerField("order", default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["result", "order", "id"]
        verbose_name = "indicator"
        verbose_name_plural = "indicators"

    def __str__(self):
        return self.title

    @property
    def is_qualitative(self) -> bool:
        return self.measure == Measure.QUALITATIVE

    def clean(self):
        errors = {}
        if bool(self.reference_vocabulary) != bool(self.reference_code):
            field = "reference_code" if self.reference_vocabulary else "reference_vocabulary"
            errors[field] = "Give both the vocabulary and the code of the external indicator, or neither."
        if self.is_qualitative and self.baseline_value is not None:
            errors["baseline_value"] = "A qualitative indicator has no numeric baseline: describe it in the comment."
        if errors:
            raise ValidationError(errors)


class Dimension(models.Model):
    """One value of a disaggregation of an indicator, e.g. sex = female (IATI `dimension`)."""

    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="dimensions", verbose_name="indicator")
    name = models.CharField("name", max_length=50, help_text="sex, age, country, or a name of your own.")
    value = models.CharField("value", max_length=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "name", "value", "id"]
        verbose_name = "disaggregation"
        verbose_name_plural = "disaggregations"
        constraints = [models.UniqueConstraint(fields=["indicator", "name", "value"], name="dimension_unique_value")]

    def __str__(self):
        return f"{self.name}: {self.value}"


class Period(models.Model):
    """A reporting period of an indicator with its target; a locked period takes no more updates."""

    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="periods", verbose_name="indicator")
    start = models.DateField("start")
    end = models.DateField("end")
    target_value = models.DecimalField("target", **VALUE, null=True, blank=True)
    target_comment = models.TextField("target comment", blank=True, help_text="The target of a qualitative indicator.")
    comments = models.TextField("comments", blank=True)
    is_locked = models.BooleanField("locked", default=False, help_text="No update may be added or reviewed.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "start", "id"]
        verbose_name = "period"
        verbose_name_plural = "periods"
        constraints = [models.CheckConstraint(condition=Q(end__gte=F("start")), name="period_end_not_before_start")]

    def __str__(self):
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "The period end must not be before its start."})


class DimensionTarget(models.Model):
    """A period's target for one disaggregation value (IATI `target/dimension`)."""

    period = models.ForeignKey(Period, models.CASCADE, related_name="dimension_targets", verbose_name="period")
    dimension = models.ForeignKey(Dimension, models.CASCADE, related_name="targets", verbose_name="disaggregation")
    value = models.DecimalField("target", **VALUE)

    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "dimension", "id"]
        verbose_name = "disaggregated target"
        verbose_name_plural = "disaggregated targets"
        constraints = [models.UniqueConstraint(fields=["period", "dimension"], name="dimension_target_unique")]

    def __str__(self):
        return f"{self.dimension}: {self.value}"


class Update(models.Model):
    """An actual reported for a period (its total, or one disaggregation value), counted once approved.

    The state moves draft → submitted → approved, or submitted → returned (with the reviewer's
    comment) → submitted again; `results.services` makes each move, the history keeps who and when.
    """

    period = models.ForeignKey(Period, models.CASCADE, related_name="updates", verbose_name="period")
    dimension = models.ForeignKey(
        Dimension, models.CASCADE, null=True, blank=True, related_name="updates", verbose_name="disaggregation",
        help_text="Empty for the period's total.",
    )
    value = models.DecimalField("value", **VALUE, null=True, blank=True)
    text = models.TextField("text", blank=True, help_text="The actual of a qualitative indicator.")
    comment = models.TextField("comment", blank=True)
    state = models.CharField("state", max_length=10, choices=UpdateState.choices, default=UpdateState.DRAFT)
    review_comment = models.TextField("reviewer's comment", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="reported by"
    )
    created_at = models.DateTimeField("reported at", auto_now_add=True)
    submitted_at = models.DateTimeField("submitted at", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="reviewed by"
    )
    reviewed_at = models.DateTimeField("reviewed at", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "created_at", "id"]
        verbose_name = "update"
        verbose_name_plural = "updates"
        constraints = [
            models.CheckConstraint(condition=Q(state__in=UpdateState.values), name="update_state_valid"),
        ]
        indexes = [
            # The officers' review queue, and the approved updates that make actuals.
            models.Index(fields=["state", "period"], name="update_state_period_idx"),
        ]

    def __str__(self):
        shown = self.text[:40] if self.value is None else f"{self.value.normalize():f}"
        return f"{self.period}: {shown} ({self.get_state_display()})"

    def clean(self):
        errors = {}
        if self.period_id:
            indicator = self.period.indicator
            if indicator.is_qualitative:
                if not self.text:
                    errors["text"] = "A qualitative indicator is reported as text."
                if self.value is not None:
                    errors["value"] = "A qualitative indicator takes text, not a number."
            elif self.value is None:
                errors["value"] = "Give the value reported for the period."
            if self.dimension_id and self.dimension.indicator_id != indicator.id:
                errors["dimension"] = "Choose a disaggregation of this period's indicator."
        if errors:
            raise ValidationError(errors)


class ResultsFramework(Project):
    """A project seen through its results: the admin's one results editor per project (results.admin)."""

    class Meta:
        proxy = True
        verbose_name = "results framework"
        verbose_name_plural = "results frameworks"
