"""Admin for deadlines, their reminder log, the reminder e-mails and calendar feeds.

`DeadlineInline` is shown on the project page (projects.admin).
"""
import datetime

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from deadlines.forms import DecisionForm, ReportUploadForm
from deadlines.models import (
    CLOSED_STATES,
    CLOSING_FIELDS,
    REPORT_KINDS,
    CalendarFeed,
    Deadline,
    DeadlineState,
    Reminder,
    ReminderDigest,
    SubmissionState,
)
from deadlines.selectors import deadline_steps, report_file_url, report_versions
from deadlines.services import (
    deadline_close,
    deadline_reopen,
    reminder_digests_send_again,
    report_approve,
    report_return,
    report_submit,
)
from portfolio.admin_history import HistoryAdmin


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 0
    fields = ["kind", "title", "due_on", "owner", "state", "generated"]
    readonly_fields = ["state", "generated"]
    autocomplete_fields = ["owner"]
    show_change_link = True

    @admin.display(boolean=True)
    def generated(self, obj):
        return obj.is_generated


class DueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("upcoming-overdue", "Upcoming (90 days) and overdue"),
            ("overdue", "Overdue"),
            ("7", "In the next 7 days"),
            ("30", "In the next 30 days"),
            ("90", "In the next 90 days"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        value = self.value()
        if value == "upcoming-overdue":
            return queryset.open().filter(due_on__lte=today + datetime.timedelta(days=90))
        if value == "overdue":
            return queryset.open().filter(due_on__lt=today)
        if value in {"7", "30", "90"}:
            return queryset.open().filter(due_on__range=(today, today + datetime.timedelta(days=int(value))))
        return queryset


class GeneratedFilter(admin.SimpleListFilter):
    title = "origin"
    parameter_name = "origin"

    def lookups(self, request, model_admin):
        return [("generated", "Generated"), ("manual", "Added by hand")]

    def queryset(self, request, queryset):
        if self.value() == "generated":
            return queryset.exclude(generation_key="")
        if self.value() == "manual":
            return queryset.filter(generation_key="")
        return queryset


class ReminderInline(admin.TabularInline):
    """The reminder log of a deadline: read-only."""

    model = Reminder
    extra = 0
    can_delete = False
    fields = ["due_on", "offset_label", "recipient", "created_at", "status", "sent_at", "message_id", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recipient", "digest")

    @admin.display(description="offset")
    def offset_label(self, obj):
        return obj.offset_label

    @admin.display(description="status")
    def status(self, obj):
        return obj.digest.status if obj.digest else "pending"

    @admin.display(description="sent")
    def sent_at(self, obj):
        return obj.digest.sent_at if obj.digest else None

    @admin.display(description="Message-ID")
    def message_id(self, obj):
        return obj.digest.message_id if obj.digest else ""

    @admin.display(description="last error")
    def last_error(self, obj):
        return obj.digest.last_error if obj.digest else ""


@admin.register(Deadline)
class DeadlineAdmin(HistoryAdmin):
    """Deadlines, and on each one's page the work on it: report versions, review, waive or skip, reopen.

    The work is done by POST views of their own (get_urls), each checking the change
    permission and redirecting back to the page with a message (post/redirect/get).
    """

    # The label says the kind when there is no title; at 1366 px beside the filters the state stays on screen.
    list_display = ["due_on", "label", "project", "status", "timing", "owner"]
    list_display_links = ["due_on", "label"]
    list_filter = [DueFilter, "state", "kind", GeneratedFilter, ("owner", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["project", "owner"]
    search_fields = ["title", "project__title", "project__short_name"]
    autocomplete_fields = ["project", "owner"]
    date_hierarchy = "due_on"
    readonly_fields = [*CLOSING_FIELDS, "generation_key", "created_at", "updated_at"]
    fields = ["project", "kind", "title", "due_on", "owner", *readonly_fields]
    actions = ["mark_met", "reopen"]
    inlines = [ReminderInline]
    change_form_template = "admin/deadlines/deadline/change_form.html"

    def get_urls(self):
        """The work views before the object routes, which would take `<id>/report/` for an id."""
        return [
            path("<path:object_id>/report/", self.admin_site.admin_view(self.report_view),
                 name="deadlines_deadline_report"),
            path("<path:object_id>/decide/", self.admin_site.admin_view(self.decide_view),
                 name="deadlines_deadline_decide"),
            *super().get_urls(),
        ]

    def _deadline_to_change(self, request, object_id) -> Deadline:
        deadline = self.get_object(request, unquote(object_id))
        if deadline is None:
            raise Http404("No such deadline.")
        if not self.has_change_permission(request, deadline):
            raise PermissionDenied
        return deadline

    def _back(self, deadline):
        return redirect(reverse("admin:deadlines_deadline_change", args=[deadline.pk]))

    def _refused(self, request, error: ValidationError):
        self.message_user(request, " ".join(error.messages), messages.ERROR)

    @method_decorator(require_POST)
    def report_view(self, request, object_id):
        """Submit a report: the upload becomes the next version and the deadline is submitted."""
        deadline = self._deadline_to_change(request, object_id)
        form = ReportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            self.message_user(request, "Choose the report's file to upload.", messages.ERROR)
            return self._back(deadline)
        try:
            submission = report_submit(deadline=deadline, user=request.user, upload=form.cleaned_data["file"])
        except ValidationError as error:
            self._refused(request, error)
        else:
            self.message_user(request, f"Version {submission.version} submitted: another officer reviews it.",
                              messages.SUCCESS)
        return self._back(deadline)

    @method_decorator(require_POST)
    def decide_view(self, request, object_id):
        """Approve or return the submitted version, waive or skip, mark met or reopen the deadline."""
        deadline = self._deadline_to_change(request, object_id)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Unknown action.", messages.ERROR)
            return self._back(deadline)
        action, text = form.cleaned_data["action"], form.cleaned_data["text"]
        try:
            if action in ("approve", "return"):
                submission = deadline.submissions.filter(pk=form.cleaned_data["submission"]).first()
                if submission is None:
                    raise ValidationError("No such version of this deadline's report.")
                if action == "approve":
                    report_approve(submission=submission, user=request.user, comment=text)
                    done = f"Version {submission.version} approved: the deadline is met."
                else:
                    report_return(submission=submission, user=request.user, comment=text)
                    done = f"Version {submission.version} returned with your comment."
            elif action == "reopen":
                deadline_reopen(deadline=deadline, user=request.user)
                done = "Deadline reopened."
            else:
                state = {"waive": DeadlineState.WAIVED, "skip": DeadlineState.SKIPPED, "met": DeadlineState.APPROVED}[action]
                deadline_close(deadline=deadline, state=state, user=request.user, reason=text)
                done = f"Deadline marked {DeadlineState(state).label.lower()}."
        except ValidationError as error:
            self._refused(request, error)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return self._back(deadline)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        deadline = self.get_object(request, unquote(object_id)) if object_id else None
        if deadline is not None:
            versions = report_versions(deadline=deadline)
            for version in versions:
                version.file_url = report_file_url(version.pk)
            may_change = self.has_change_permission(request, deadline)
            pending = next((v for v in versions if v.state == SubmissionState.SUBMITTED), None)
            extra_context = {
                **(extra_context or {}),
                "work": {
                    "deadline": deadline,
                    "status": deadline.status_label(),
                    "steps": deadline_steps([deadline.pk]).get(deadline.pk, []),
                    "versions": versions,
                    "may_change": may_change,
                    "can_submit": may_change and deadline.takes_report and deadline.is_open,
                    "pending": pending if may_change else None,
                    "own_pending": pending is not None and pending.submitted_by_id == request.user.pk,
                    "can_close": may_change and deadline.is_open,
                    "can_mark_met": may_change and deadline.is_open and not deadline.takes_report,
                    "can_reopen": may_change and deadline.state in CLOSED_STATES,
                    "upload_form": ReportUploadForm(),
                    "report_url": reverse("admin:deadlines_deadline_report", args=[deadline.pk]),
                    "decide_url": reverse("admin:deadlines_deadline_decide", args=[deadline.pk]),
                },
            }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="state")
    def status(self, obj):
        return obj.status_label()

    @admin.display(description="when")
    def timing(self, obj):
        if not obj.is_open:
            return ""
        days = (obj.due_on - timezone.localdate()).days
        if days < 0:
            return f"{-days} days overdue"
        return "today" if days == 0 else f"in {days} days"

    @admin.action(description="Mark selected dates met (not reports: approve their report)", permissions=["change"])
    def mark_met(self, request, queryset):
        """Met in bulk: open dates that take no report. Waiving or skipping needs a reason: on each page."""
        count = 0
        for deadline in queryset.open().exclude(kind__in=REPORT_KINDS):
            deadline_close(deadline=deadline, state=DeadlineState.APPROVED, user=request.user)
            count += 1
        self.message_user(request, f"{count} deadlines marked met.", messages.SUCCESS)

    @admin.action(description="Reopen selected deadlines", permissions=["change"])
    def reopen(self, request, queryset):
        count = 0
        for deadline in queryset.filter(state__in=CLOSED_STATES):
            deadline_reopen(deadline=deadline, user=request.user)
            count += 1
        self.message_user(request, f"{count} deadlines reopened.", messages.SUCCESS)


class DigestStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("sent", "Sent"), ("failed", "Failed"), ("pending", "Pending or retrying")]

    def queryset(self, request, queryset):
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "failed":
            return queryset.filter(failed_at__isnull=False)
        if self.value() == "pending":
            return queryset.filter(sent_at__isnull=True, failed_at__isnull=True)
        return queryset


@admin.register(ReminderDigest)
class ReminderDigestAdmin(admin.ModelAdmin):
    list_display = ["created_at", "email", "run_on", "status", "attempts", "sent_at", "failed_at", "last_error"]
    list_filter = [DigestStatusFilter, "run_on"]
    search_fields = ["email", "message_id"]
    readonly_fields = [f.name for f in ReminderDigest._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Try failed e-mails again", permissions=["change"])
    def send_again(self, request, queryset):
        queued = reminder_digests_send_again(digests=queryset)
        self.message_user(request, f"{queued} e-mails queued again.", messages.SUCCESS)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Delete a feed to revoke its URL."""

    list_display = ["user", "created_at"]
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]
    search_fields = ["user__username"]

    def has_add_permission(self, request):
        return False
