"""Admin pages that list what other code wrote (imports, deletions): viewable, never edited by hand."""


class ReadOnlyAdminMixin:
    """No add, change or delete in the admin: the record is written by a service and kept as written."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
