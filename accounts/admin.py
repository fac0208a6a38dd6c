"""Django admin for staff: organizations, members, API keys (never the hash or secret).

Its login form, at /admin/login/, is throttled as the API's login (admin_login).
"""

from django.contrib import admin, messages
from django.http import HttpResponse

from accounts.keys import api_key_revoke
from accounts.models import ApiKey, Membership, Organization
from accounts.throttling import LOGIN_THROTTLES, attempt_wait


def admin_login(request, **kwargs):
    """The admin's login view behind the login throttle (routed before the admin's own URLs
    in accounts/admin_urls.py). Every POST counts, per client address and per username, in the API
    login's buckets; over a rate: 429 with Retry-After, and no password is checked."""
    if request.method == "POST":
        wait = attempt_wait(throttles=LOGIN_THROTTLES, request=request)
        if wait:
            response = HttpResponse(f"Too many login attempts: try again in {wait} seconds.\n", status=429,
                                    content_type="text/plain; charset=utf-8")
            response["Retry-After"] = str(wait)
            return response
    return admin.site.login(request, **kwargs)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "created_at"]
    search_fields = ["slug", "name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "organization__slug"]
    autocomplete_fields = ["user", "organization"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are made through the API (the secret is shown once there); staff can revoke."""

    list_display = ["name", "prefix", "organization", "collector", "created_at", "last_used_at", "revoked_at",
                    "expires_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "organization__slug"]
    fields = ["organization", "collector", "name", "prefix", "created_at", "last_used_at", "revoked_at", "expires_at"]
    readonly_fields = ["organization", "collector", "prefix", "created_at", "last_used_at", "revoked_at", "expires_at"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        for key in queryset:
            api_key_revoke(key=key)
        messages.success(request, f"Revoked {queryset.count()} key(s).")
