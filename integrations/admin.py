from django.contrib import admin, messages

from integrations.models import IntegrationToken
from integrations.services import token_issue, token_revoke


@admin.register(IntegrationToken)
class IntegrationTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "expires_at"]
    search_fields = ["name", "user__username", "hint"]
    autocomplete_fields = ["user"]
    readonly_fields = ["hint", "created_at", "revoked_at", "last_used_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "expires_at"]
        return ["user", "name", "hint", "expires_at", "created_at", "revoked_at", "last_used_at"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "user"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            secret = token_issue(token=obj)
            messages.warning(
                request,
                f"The token's secret is {secret} — copy it now: it is stored hashed and will not be shown again.",
            )
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset):
        count = sum(token_revoke(token=token) for token in queryset)
        self.message_user(request, f"Revoked {count} token(s).")
