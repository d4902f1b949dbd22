from django.contrib import admin

from .models import CohortClosure, Erasure


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin):
    """The audit of erasures, read only: who erased which (anonymised) record, when."""

    list_display = ["person_id", "erased_by", "erased_at"]
    readonly_fields = ["person", "erased_by", "erased_at", "rows"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CohortClosure)
class CohortClosureAdmin(admin.ModelAdmin):
    list_display = ["cohort", "closed_at", "content_removed_at"]
    readonly_fields = ["cohort", "closed_at", "content_removed_at"]

    def has_add_permission(self, request):
        return False
