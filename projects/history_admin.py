"""Admin for deleted projects: list them and restore them (imported by projects.admin)."""
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import ngettext

from portfolio.admin_readonly import ReadOnlyAdminMixin
from projects.history import RestoreError, deleted_projects, project_restore
from projects.models import Project

HistoricalProject = Project.history.model


@admin.register(HistoricalProject)
class DeletedProjectAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Projects deleted in the admin, newest first; restoring needs the right to add projects."""

    list_display = ["short_name", "title", "slug", "history_date", "history_user", "history_link"]
    list_display_links = None
    list_select_related = ["history_user"]
    search_fields = ["title", "short_name", "slug"]
    ordering = ["-history_date"]
    actions = ["restore"]

    def get_queryset(self, request):
        return deleted_projects()

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Deleted projects", **(extra_context or {})})

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("projects.view_project") and request.user.has_perm("projects.add_project")

    @admin.display(description="history")
    def history_link(self, obj):
        return format_html('<a href="{}">history</a>', reverse("admin:projects_project_history", args=[obj.id]))

    @admin.action(description="Restore selected projects with their objectives, funding, partners and deadlines")
    def restore(self, request, queryset):
        restored = []
        for record in queryset:
            try:
                restored.append(project_restore(project_id=record.id))
            except RestoreError as exc:
                self.message_user(request, str(exc), messages.ERROR)
        if restored:
            names = ", ".join(str(project) for project in restored)
            message = ngettext("%(count)d project restored: %(names)s.", "%(count)d projects restored: %(names)s.", len(restored))
            self.message_user(request, message % {"count": len(restored), "names": names}, messages.SUCCESS)
