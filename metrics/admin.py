"""Django admin for staff: collectors."""

from django.contrib import admin

from metrics.collectors import collector_delete
from metrics.models import Collector


@admin.register(Collector)
class CollectorAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "hostname", "identifier", "last_seen", "created_at"]
    list_filter = ["organization"]
    search_fields = ["name", "hostname", "identifier", "organization__slug"]
    readonly_fields = ["created_at", "last_seen"]
    autocomplete_fields = ["organization"]

    # Deleting here must delete the samples too, as the API does.
    def delete_model(self, request, obj):
        collector_delete(collector=obj)

    def delete_queryset(self, request, queryset):
        for collector in queryset:
            collector_delete(collector=collector)
