"""Admin for deadlines, their reminder log, the reminder e-mails and calendar feeds.

`DeadlineInline` is shown on the project page (projects.admin).
"""
import datetime

from django.contrib import admin, messages
from django.utils import timezone

from deadlines.models import CLOSING_FIELDS, CalendarFeed, Deadline, DeadlineState, Reminder, ReminderDigest
from deadlines.services import deadline_close, deadline_reopen, reminder_digests_send_again
from portfolio.admin_history import HistoryAdmin


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 0
    fields = ["kind", "title", "due_on", "owner", "state", "generated"]
    readonly_fields = ["generated"]
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
    # The label says the kind when there is no title; at 1366 px beside the filters the state stays on screen.
    list_display = ["due_on", "label", "project", "state", "timing", "owner"]
    list_display_links = ["due_on", "label"]
    list_filter = [DueFilter, "state", "kind", GeneratedFilter, ("owner", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["project", "owner"]
    search_fields = ["title", "project__title", "project__short_name"]
    autocomplete_fields = ["project", "owner"]
    date_hierarchy = "due_on"
    readonly_fields = [*CLOSING_FIELDS, "generation_key", "created_at", "updated_at"]
    fields = ["project", "kind", "title", "due_on", "owner", *readonly_fields]
    actions = ["mark_done", "mark_waived", "reopen"]
    inlines = [ReminderInline]

    @admin.display(description="when")
    def timing(self, obj):
        if not obj.is_open:
            return ""
        days = (obj.due_on - timezone.localdate()).days
        if days < 0:
            return f"{-days} days overdue"
        return "today" if days == 0 else f"in {days} days"

    def _close(self, request, queryset, state):
        count = 0
        for deadline in queryset.open():
            deadline_close(deadline=deadline, state=state, user=request.user)
            count += 1
        self.message_user(request, f"{count} deadlines marked {state}.", messages.SUCCESS)

    @admin.action(description="Mark selected deadlines done", permissions=["change"])
    def mark_done(self, request, queryset):
        self._close(request, queryset, DeadlineState.DONE)

    @admin.action(description="Waive selected deadlines", permissions=["change"])
    def mark_waived(self, request, queryset):
        self._close(request, queryset, DeadlineState.WAIVED)

    @admin.action(description="Reopen selected deadlines", permissions=["change"])
    def reopen(self, request, queryset):
        count = 0
        for deadline in queryset.exclude(state=DeadlineState.OPEN):
            deadline_reopen(deadline=deadline)
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
