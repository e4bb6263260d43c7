from django.contrib import admin
from django.urls import path

from iati.models import ImportedActivity
from iati.views import iati_import_view, may_import
from portfolio.admin_readonly import ReadOnlyAdminMixin


@admin.register(ImportedActivity)
class ImportedActivityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What IATI imports wrote, read only; its list leads to the import page (iati.views)."""

    list_display = ["project", "source", "last_updated", "imported_at"]
    list_select_related = ["project"]
    search_fields = ["project__title", "project__iati_identifier", "source"]
    fields = ["project", "source", "last_updated", "imported_at", "digest", "titles", "descriptions"]
    readonly_fields = fields
    change_list_template = "admin/iati/change_list.html"

    def get_urls(self):
        """The import page before the object routes, which would take `import/` for an id."""
        return [path("import/", self.admin_site.admin_view(self.import_view), name="iati_importedactivity_import"),
                *super().get_urls()]

    def import_view(self, request):
        return iati_import_view(request, self)

    def has_module_permission(self, request):
        return may_import(request.user)

    def has_view_permission(self, request, obj=None):
        return may_import(request.user)
