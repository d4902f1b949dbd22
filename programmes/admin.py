from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Cohort, Enrolment, Programme


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    search_fields = ["name"]


@admin.register(Cohort)
class CohortAdmin(SimpleHistoryAdmin):
    list_display = ["name", "programme", "state", "starts_on", "ends_on", "cadence_days"]
    list_filter = ["state", "programme"]
    list_select_related = ["programme"]
    search_fields = ["name"]
    # The chat webhook is a secret, set on the cohort's settings page, where it is shown masked.
    exclude = ["chat_webhook_url"]
    readonly_fields = ["chat_webhook_masked"]


@admin.register(Enrolment)
class EnrolmentAdmin(SimpleHistoryAdmin):
    list_display = ["person", "cohort", "role", "status", "capacity"]
    list_filter = ["role", "cohort"]
    list_select_related = ["person", "cohort"]
    autocomplete_fields = ["person", "cohort"]
    filter_horizontal = ["goal_areas"]
