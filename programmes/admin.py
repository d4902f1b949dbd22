from django.contrib import admin

from .models import Cohort, Enrolment, Invitation, Programme, Reflection, SurveyResponse


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "state", "starts_on", "ends_on", "cadence_days"]
    list_filter = ["state", "programme"]
    list_select_related = ["programme"]
    search_fields = ["name"]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["person", "cohort", "role", "status", "capacity"]
    list_filter = ["role", "cohort"]
    list_select_related = ["person", "cohort"]
    autocomplete_fields = ["person", "cohort"]
    filter_horizontal = ["goal_areas"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "cohort", "role", "sent_at", "accepted_at"]
    list_filter = ["role", "cohort"]
    search_fields = ["email"]
    raw_id_fields = ["person", "cohort"]


@admin.register(Reflection)
class ReflectionAdmin(admin.ModelAdmin):
    list_display = ["person", "pairing", "created_at"]
    raw_id_fields = ["pairing", "person"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ["person", "cohort", "role", "satisfaction", "recommend", "created_at"]
    list_filter = ["cohort", "role"]
    raw_id_fields = ["person", "cohort"]
