from django.contrib import admin

from .models import AgentMonth, KpiImport


@admin.register(AgentMonth)
class AgentMonthAdmin(admin.ModelAdmin):
    list_display = [
        "person",
        "month",
        "csat",
        "first_response_minutes",
        "resolution_minutes",
        "tickets_solved",
        "qa_score",
    ]
    list_filter = ["month"]
    list_select_related = ["person"]
    search_fields = ["person__full_name", "person__email", "person__employee_id"]
    autocomplete_fields = ["person"]
    date_hierarchy = "month"


@admin.register(KpiImport)
class KpiImportAdmin(admin.ModelAdmin):
    list_display = [
        "filename",
        "status",
        "total_rows",
        "created_count",
        "replaced_count",
        "cleared_count",
        "created_at",
    ]
    list_filter = ["status"]
    # The CSV text can be 50 MB: the list and the form never load it.
    exclude = ["source"]
    readonly_fields = [f.name for f in KpiImport._meta.fields if f.name != "source"]
    list_select_related = ["created_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("source")
